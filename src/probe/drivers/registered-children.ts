// Which child nodes a node's driver registers as platform devices of its own when it binds
// (ClientDriver.registersChildren: platform_device_register_full, firmware-device.ts): the graph
// asks while it is built, as it asks table.ts which drivers populate their children.
import type { ClientDriver } from "../kernel.ts";
import { CLIENT_DRIVERS, rowMatches } from "./table.ts";

const REGISTERING: readonly ClientDriver[] = CLIENT_DRIVERS.filter((d) => d.registersChildren);
const byList = new WeakMap<readonly string[], readonly string[] | null>();

/** The child node names the driver matching `compatible` registers, if it registers any. */
export function childRegisteringDriver(compatible: readonly string[]): readonly string[] | undefined {
  let names = byList.get(compatible);
  if (names === undefined) {
    names = null;
    for (let i = 0; i < compatible.length && names === null; i++) {
      for (const d of REGISTERING) if (rowMatches(d, compatible[i]!)) names ??= d.registersChildren!;
    }
    byList.set(compatible, names);
  }
  return names ?? undefined;
}
