// Synthetic device trees for benchmarks and front-end limit tests.
export { generateBoard } from "./board.ts";
export { generateSiblings, generateDeepNesting } from "./stress.ts";
export type { BoardOptions } from "./options.ts";
export { DEFAULT_SEED, DEVICES_PER_BLOCK, MAX_IOMMUS, MAX_NODES, MAX_STRESS, validateBoardOptions } from "./options.ts";
export { IOMMU_FAMILIES } from "./iommu-plan.ts";
export type { IommuFamily } from "./iommu-plan.ts";
