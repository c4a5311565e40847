// The `--pci` input: which PCI functions the kernel enumerated behind each DT host bridge (see
// /work/shared/qemu/README.md for the format), validated with schemas/pci-topology.schema.json.
import type { DiagnosticSink } from "../source/index.ts";
import { parseJsonInput } from "./json-input.ts";
import schema from "../../schemas/pci-topology.schema.json" with { type: "json" };

export type PcieType =
  | "root-port"
  | "endpoint"
  | "legacy-endpoint"
  | "rc-integrated-endpoint"
  | "rc-event-collector"
  | "switch-upstream"
  | "switch-downstream"
  | "pcie-to-pci-bridge"
  | "pci-to-pcie-bridge";

export type AcsFlag = "SV" | "TB" | "RR" | "CR" | "UF" | "EC" | "DT";

export interface PciFunctionInput {
  bdf: string;
  vendor?: string;
  device?: string;
  class?: string;
  /** Bound driver name; null = no driver binds; absent = assumed bound, name unknown. */
  driver?: string | null;
  driverManagedDma?: boolean;
  header?: 0 | 1 | 2;
  multifunction?: boolean;
  pcie?: PcieType | null;
  secondary?: number;
  subordinate?: number;
  acs?: { cap: AcsFlag[]; ctrl: AcsFlag[] } | null;
  dmaAliases?: string[];
  untrusted?: boolean;
}

export interface PciHostBridgeInput {
  node: string;
  segment?: number;
  functions: PciFunctionInput[];
}

export interface PciTopology {
  hostBridges: PciHostBridgeInput[];
}

export const pciTopologySchema: object = schema;

/** Parses and validates a `--pci` file; problems are reported at their line in `fileName`. */
export function parsePciTopology(text: string, fileName: string, sink: DiagnosticSink): PciTopology | undefined {
  return parseJsonInput<PciTopology>(text, fileName, schema, "pci-topology", sink);
}
