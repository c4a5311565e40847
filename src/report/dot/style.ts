// One palette for the picture and the page around it, so that a failed device is the same red in
// the SVG, the table and the legend. Colours are chosen to stay apart for the common forms of
// colour blindness (state is also told by line style and a word, never by colour alone).
import type { ReportDevice, ReportDomain } from "../types.ts";

export const FONT = "Helvetica";

export interface Look {
  readonly fill: string;
  readonly border: string;
  readonly text: string;
  /** Graphviz style words besides "filled" ("dashed", "bold"...). */
  readonly line: "solid" | "dashed" | "dotted" | "bold";
}

export const STATE_LOOK: Record<ReportDevice["state"], Look> = {
  bound: { fill: "#ffffff", border: "#4a5a70", text: "#1d2733", line: "solid" },
  failed: { fill: "#fde4e1", border: "#c0392b", text: "#7b1d12", line: "bold" },
  deferred: { fill: "#fff3cf", border: "#b7791f", text: "#6b4500", line: "dashed" },
  "no-driver": { fill: "#f4f5f7", border: "#9aa3ad", text: "#4d5660", line: "solid" },
  "not-created": { fill: "#f4f5f7", border: "#9aa3ad", text: "#6b737c", line: "dotted" },
  unbound: { fill: "#eceef1", border: "#7d8793", text: "#4d5660", line: "dashed" },
  removed: { fill: "#eceef1", border: "#7d8793", text: "#6b737c", line: "dotted" },
};

/** A bound device in a group that still has an error (an arm32 mapping, an attach). */
export const ERROR_BORDER = "#c0392b";

export const DOMAIN_LOOK: Record<ReportDomain["type"], { readonly fill: string; readonly border: string }> = {
  DMA: { fill: "#e7f0fb", border: "#5b84c4" },
  "DMA-FQ": { fill: "#e3f4f0", border: "#3f9a85" },
  identity: { fill: "#f1f1ef", border: "#8c8c84" },
  blocked: { fill: "#f8e6e6", border: "#b55a5a" },
  unmanaged: { fill: "#f1eafa", border: "#8a63c2" },
};

export const INSTANCE_LOOK = { fill: "#f7f9fc", border: "#34495e", failedBorder: "#c0392b" } as const;
export const GROUP_LOOK = { fill: "#ffffff", border: "#7f8fa6" } as const;
export const NOT_ATTACHED_LOOK = { fill: "#fff5f4", border: "#c0392b" } as const;
export const LIST_LOOK = { fill: "#fafbfc", border: "#b4bcc6" } as const;
export const PCI_LOOK = { fill: "#fbf8ef", border: "#a08a4a", node: "#fdf6e3", edge: "#8a6d1f" } as const;
export const EXTRA_EDGE = "#7a5cb0";
