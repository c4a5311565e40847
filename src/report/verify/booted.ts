// What a booted board says about its IOMMU groups, read from one of two texts:
//
// GROUPS (sysfs): one line per device, `DEVICE GROUP TYPE` (`0000:00:01.0 3 DMA`), with
//   `none none` for a device without a group and `?` for a type the kernel does not show (no
//   `type` file before 5.11). docs/answers.md has the shell line that prints it on the target from
//   /sys/kernel/iommu_groups and /sys/bus/*/devices; ../shared/qemu/*/groups.txt are in this form.
//   Blank lines and `#` comments are skipped.
// LOG (dmesg): the IOMMU core's messages when a device joins or leaves a group, in both forms:
//   iommu_group_add_device's dev_info "DEV: Adding to iommu group N" (5.1+; the line starts with
//   the driver or bus name) and the older pr_info "iommu: Adding device DEV to group N"; likewise
//   "Removing from iommu group N" / "Removing device DEV from group N". iommu_subsys_init's
//   "Default domain type: Translated|Passthrough" and "DMA domain TLB invalidation policy:
//   strict|lazy mode" give the default domain type the groups were created with.
import { SourceFile, span, type DiagnosticSink } from "../../source/index.ts";
import type { ReportDomain } from "../types.ts";

export type BootedSource = "sysfs" | "dmesg";

export interface BootedDevice {
  /** The group number on the target, or null: no group. */
  readonly group: string | null;
  /** The group's type as sysfs shows it (`DMA`, `identity`, `unknown`...); null: not known. */
  readonly type: string | null;
  /** 1-based line of the input it came from (the last one that set it). */
  readonly line: number;
}

export interface BootedGroups {
  readonly source: BootedSource;
  readonly file: string;
  /** Devices in the order first met. */
  readonly devices: ReadonlyMap<string, BootedDevice>;
  /** dmesg only: the global default domain type iommu_subsys_init printed, or null. */
  readonly defaultDomainType: ReportDomain["type"] | null;
}

/** The words iommu_group_show_type prints, plus `?` (no type file). */
const SYSFS_TYPES: ReadonlySet<string> = new Set(["DMA", "DMA-FQ", "identity", "blocked", "unmanaged", "unknown", "?"]);

/** Parses GROUPS text; undefined (errors in the sink, with file:line:col) when a line is malformed. */
export function parseGroupsFile(text: string, file: string, sink: DiagnosticSink): BootedGroups | undefined {
  const source = new SourceFile(file, text);
  const devices = new Map<string, BootedDevice>();
  const before = sink.errorCount;
  let offset = 0;
  let lineNo = 0;
  for (const raw of text.split("\n")) {
    lineNo++;
    const start = offset;
    offset += raw.length + 1;
    const line = raw.replace(/#.*$/, "").trimEnd();
    if (line.trim() === "") continue;
    const fields = line.trim().split(/\s+/);
    const at = start + raw.indexOf(fields[0]!);
    const bad = (message: string) => sink.error("groups", message, span(source, at, start + line.length));
    if (fields.length !== 3) {
      bad(`expected 'DEVICE GROUP TYPE' (3 fields), found ${fields.length}`);
      continue;
    }
    const [name, group, type] = fields as [string, string, string];
    if (group === "none") {
      if (type !== "none") bad(`a device without a group has type 'none', not '${type}'`);
      else devices.set(name, { group: null, type: null, line: lineNo });
      continue;
    }
    if (!/^\d+$/.test(group)) {
      bad(`group '${group}' is not a number or 'none'`);
      continue;
    }
    if (!SYSFS_TYPES.has(type)) {
      bad(`unknown group type '${type}' (${[...SYSFS_TYPES].join(", ")})`);
      continue;
    }
    devices.set(name, { group: String(Number(group)), type: type === "?" ? null : type, line: lineNo });
  }
  if (sink.errorCount > before) return undefined;
  return { source: "sysfs", file, devices, defaultDomainType: null };
}

const ADD_NEW = /(\S+): Adding to iommu group (\d+)\s*$/;
const ADD_OLD = /iommu: Adding device (\S+) to group (\d+)\s*$/;
const REMOVE_NEW = /(\S+): Removing from iommu group (\d+)\s*$/;
const REMOVE_OLD = /iommu: Removing device (\S+) from group (\d+)\s*$/;
const DEFAULT_TYPE = /iommu: Default domain type: (Translated|Passthrough)\b/;
const TLB_POLICY = /iommu: DMA domain TLB invalidation policy: (strict|lazy) mode/;

/** Reads a dmesg; lines it does not know are skipped. Never fails. */
export function parseDmesg(text: string, file: string): BootedGroups {
  const devices = new Map<string, BootedDevice>();
  let translated: boolean | null = null;
  let lazy = false;
  let lineNo = 0;
  for (const raw of text.split("\n")) {
    lineNo++;
    const line = raw.trimEnd();
    let m = ADD_NEW.exec(line) ?? ADD_OLD.exec(line);
    if (m) {
      devices.delete(m[1]!); // keep the order of the last add
      devices.set(m[1]!, { group: String(Number(m[2])), type: null, line: lineNo });
      continue;
    }
    m = REMOVE_NEW.exec(line) ?? REMOVE_OLD.exec(line);
    if (m) {
      devices.set(m[1]!, { group: null, type: null, line: lineNo });
      continue;
    }
    m = DEFAULT_TYPE.exec(line);
    if (m) {
      translated = m[1] === "Translated";
      continue;
    }
    m = TLB_POLICY.exec(line);
    if (m) lazy = m[1] === "lazy";
  }
  // iommu_subsys_init: Passthrough is IDENTITY; Translated is DMA, or DMA-FQ in lazy mode.
  const defaultDomainType = translated === null ? null : !translated ? "identity" : lazy ? "DMA-FQ" : "DMA";
  return { source: "dmesg", file, devices, defaultDomainType };
}
