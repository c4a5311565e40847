// Driver structs read from their initializers: platform_driver (.driver.name,
// .driver.of_match_table), amba_driver (.drv.*, .id_table of amba_id), pci_driver (.name,
// .id_table), with .probe and .driver_managed_dma. Other buses' *_driver structs (i2c, spi, ...)
// are only counted.
import { fieldsOf, referencedName, stringValue, booleanValue, type InitValue } from "./initializer.ts";
import type { StructDef } from "./c-scan.ts";
import { tokensText } from "./c-tokens.ts";

export type DriverKind = "platform" | "amba" | "pci";

export interface DriverStruct {
  readonly file: string;
  readonly varName: string;
  readonly struct: string;
  readonly bus: DriverKind | undefined;
  /** Resolved name, or undefined with `nameText` holding what the initializer says. */
  readonly name?: string;
  readonly nameText?: string;
  /** Variable named by .of_match_table (undefined: none), and its text when it names none. */
  readonly ofTable?: string;
  readonly ofTableText?: string;
  /** Variable named by .id_table (pci_device_id / amba_id). */
  readonly idTable?: string;
  readonly probe?: string;
  readonly managedDma: boolean;
  readonly g: number;
  readonly at: number;
}

const BUS: Record<string, DriverKind> = { platform_driver: "platform", amba_driver: "amba", pci_driver: "pci" };

function text(v: InitValue | undefined): string | undefined {
  if (!v) return undefined;
  return v.kind === "expr" ? tokensText(v.tokens) : "{...}";
}

export function readDriverStruct(file: string, def: StructDef): DriverStruct {
  const f = fieldsOf(def.init);
  const bus = BUS[def.struct];
  // pci_driver names itself at the top level; the others through their struct device_driver.
  const nameField = bus === "pci" ? (f.get("name") ?? f.get("driver.name")) : (f.get("driver.name") ?? f.get("drv.name"));
  const ofField = f.get("driver.of_match_table") ?? f.get("drv.of_match_table");
  const name = stringValue(nameField);
  const ofTable = referencedName(ofField);
  const probe = referencedName(f.get("probe"));
  const idTable = referencedName(f.get("id_table"));
  const managedDma = booleanValue(f.get("driver_managed_dma"));
  const out: DriverStruct = {
    file,
    varName: def.name,
    struct: def.struct,
    bus,
    ...(name !== undefined ? { name } : { nameText: text(nameField) ?? "(no name)" }),
    ...(ofTable !== undefined ? { ofTable } : ofField !== undefined && text(ofField) !== "NULL" ? { ofTableText: text(ofField) } : {}),
    ...(idTable !== undefined ? { idTable } : {}),
    ...(probe !== undefined ? { probe } : {}),
    managedDma,
    g: def.g,
    at: def.at,
  };
  return out;
}
