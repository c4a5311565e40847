// apple-dart (drivers/iommu/apple-dart.c): stream IDs, up to two DARTs per master, groups shared
// per stream (sid2group).
import type { IommuDriver, IommuDriverEntry, IommuMatch, IommuGroup, IommuInstance } from "../driver.ts";

import { apertureBits, fail, limitBool, limitNumber, ok } from "./common.ts";

/** struct apple_dart, the parts modelled. */
interface DartState {
  /** dart->sid2group. */
  readonly sid2group: Map<number, IommuGroup>;
}

export const appleDart: IommuDriver<DartState> = {
  name: "apple-dart",
  initcall: "device",
  caps: {
    deferredFlush: true,
    dtReservedRegions: true,
    // The identity domain needs bypass support (supportsType below).
    domains: { identity: "always", dma: "always", dmaFq: "always", unmanaged: "always" },
    // apple_dart_blocked_domain, static since 6.7 (17ef8d6876e0).
    blockedDomain: "appleDartBlockedDomain",
    multiInstance: true,
  },
  newInstanceState: () => ({ sid2group: new Map() }),

  ofXlate(inst, _dev, args, fwspec) {
    if (args.length !== 1) return fail("-EINVAL", "apple_dart_of_xlate", "a DART specifier is one stream ID");
    // apple_dart_of_xlate does not range-check the stream ID (set_bit into the stream map).
    const sid = args[0]!;
    if (inst !== fwspec.instance && !fwspec.extraInstances.includes(inst)) {
      if (1 + fwspec.extraInstances.length >= limitNumber(inst, "maxDartsPerDevice", 2)) return fail("-EINVAL", "apple_dart_of_xlate", "more DARTs than MAX_DARTS_PER_DEVICE");
      if (limitBool(inst, "bypass") !== limitBool(fwspec.instance, "bypass")) return fail("-EINVAL", "apple_dart_of_xlate", "DARTs disagree on supports_bypass");
      if (limitNumber(inst, "pageSize") !== limitNumber(fwspec.instance, "pageSize")) return fail("-EINVAL", "apple_dart_of_xlate", "DARTs with different page sizes");
      fwspec.extraInstances.push(inst);
    }
    fwspec.ids.push(((fwspec.extraInstances.indexOf(inst) + 1) << 16) | sid);
    return ok(undefined);
  },

  deviceGroup(fwspec, dev, core) {
    // apple_dart_device_group: every stream's sid2group must agree (a NULL after a group, or two
    // groups, is -EINVAL); a found group is shared; otherwise pci_device_group / a new group.
    const instances: IommuInstance<DartState>[] = [fwspec.instance, ...fwspec.extraInstances];
    const key = (id: number) => ({ m: instances[id >>> 16]!.priv.sid2group, sid: id & 0xffff });
    let group: IommuGroup | undefined;
    let first = true;
    for (const id of fwspec.ids) {
      const { m, sid } = key(id);
      const g = m.get(sid);
      const stream = g && core.groupAlive(g) ? g : undefined;
      if (!first && group !== stream) return fail("-EINVAL", "apple_dart_device_group", `stream ${sid} belongs to ${stream ? `group ${stream.id}` : "no group"}, another stream to ${group ? `group ${group.id}` : "none"}`);
      group = stream;
      first = false;
    }
    if (!group) {
      const r = dev.bus === "pci" ? core.pciDeviceGroup(dev, fwspec.instance) : ok(core.newGroup(fwspec.instance));
      if (!r.ok) return r;
      group = r.value;
    }
    for (const id of fwspec.ids) {
      const { m, sid } = key(id);
      m.set(sid, group);
    }
    return ok(group);
  },

  defDomainType(fwspec) {
    const inst = fwspec.instance;
    if (limitNumber(inst, "pageSize") > limitNumber(inst, "cpuPageSize", 4096)) return "identity";
    if (!limitBool(inst, "bypass")) return "DMA";
    return undefined;
  },

  supportsType: (inst, t) => t !== "identity" || limitBool(inst, "bypass"),
  attachDev: () => ok(undefined),
  aperture: (inst) => apertureBits(limitNumber(inst, "inputBits", 32)),
  // apple_dart_finalize_domain: one page size, the DART's own (16K on t8103).
  pgsizeBitmap: (inst) => BigInt(limitNumber(inst, "pageSize", 16384)),
};

const dart = (compatible: string, model: string, streams: number, bypass: boolean): IommuMatch => ({
  compatible,
  driver: appleDart,
  model,
  iommuCells: [1],
  defaults: { streams, pageSize: 16384, cpuPageSize: 4096, bypass, inputBits: 32, maxDartsPerDevice: 2 },
});

export const APPLE_DART: IommuDriverEntry = {
  driver: appleDart,
  ofMatch: [dart("apple,t8103-dart", "Apple DART (t8103)", 16, true), dart("apple,t6000-dart", "Apple DART (t6000)", 16, true), dart("apple,t8110-dart", "Apple DART (t8110)", 256, false)],
};
