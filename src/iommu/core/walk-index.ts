// Which devices a bus_iommu_probe() walk has to visit. From 6.15 every IOMMU registration walks
// the whole bus (bus_iommu_probe -> __iommu_probe_device), so N instances and D devices cost N x D
// visits: 20,000 instances took minutes. Most visits change nothing and can be known in advance:
// - a device whose `iommus` names an IOMMU that has not registered defers again in every walk
//   until that IOMMU registers (of_iommu_xlate: driver_deferred_probe_check_state), so it waits
//   on that IOMMU's node and is visited again by that IOMMU's walk (or at the deferred-probe
//   timeout, after which the same lookup fails instead of deferring);
// - a device without `iommus` never gets an fwspec from a walk;
// - a device in a group is skipped by the walk until it leaves the group.
// What is left is visited in device order, as the full walk would, so events keep their order.

export class BusWalkIndex<Key> {
  /** One bit per device id: set = the next walk visits it. */
  private readonly live: Uint32Array;
  private readonly waiting = new Map<Key, number[]>();
  private readonly waitsOn: (Key | undefined)[];

  constructor(private readonly size: number) {
    this.live = new Uint32Array((size + 31) >>> 5).fill(0xffffffff);
    if (size & 31) this.live[this.live.length - 1] = (1 << (size & 31)) - 1;
    this.waitsOn = new Array<Key | undefined>(size).fill(undefined);
  }

  /** The first device id at or after `from` that a walk visits, or -1. */
  next(from: number): number {
    if (from >= this.size) return -1;
    let w = from >>> 5;
    let word = this.live[w]! & (0xffffffff << (from & 31));
    while (word === 0) {
      if (++w >= this.live.length) return -1;
      word = this.live[w]!;
    }
    return (w << 5) + (31 - Math.clz32(word & -word));
  }

  /** Walks skip `id` (grouped, or without `iommus`) until restore(id). */
  skip(id: number): void {
    this.live[id >>> 5] = this.live[id >>> 5]! & ~(1 << (id & 31));
  }

  /** Walks visit `id` again (it left its group, or it was added again). */
  restore(id: number): void {
    this.live[id >>> 5] = this.live[id >>> 5]! | (1 << (id & 31));
    this.waitsOn[id] = undefined;
  }

  /** `id` defers until the IOMMU `key` registers: skipped until release(key). */
  wait(id: number, key: Key): void {
    this.skip(id);
    this.waitsOn[id] = key;
    const list = this.waiting.get(key);
    if (list) list.push(id);
    else this.waiting.set(key, [id]);
  }

  /** The IOMMU `key` registered: the devices waiting on it are visited by its walk. */
  release(key: Key): void {
    const list = this.waiting.get(key);
    if (!list) return;
    this.waiting.delete(key);
    for (const id of list) if (this.waitsOn[id] === key) this.restore(id);
  }

  /** The deferred-probe timeout: every waiting device is visited again. */
  releaseAll(): void {
    for (const key of [...this.waiting.keys()]) this.release(key);
  }
}
