// Bootstrap for the campaign's worker thread: workers do not inherit tsx's loader hooks on
// Node 20, so register them here before loading the TypeScript worker body.
import { register } from "tsx/esm/api";

register();
await import("./campaign-worker.ts");
