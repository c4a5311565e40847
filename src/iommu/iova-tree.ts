// The ordered set of IOVA ranges behind ./iova.ts: a red-black tree keyed by a range's first page
// frame, like the rbtree that drivers/iommu/iova.c keeps in `iovad->rbroot`. Only the order of the
// ranges matters to the allocator (rb_prev / rb_next walks, lookups by pfn), never the tree's
// shape, so any balanced ordered tree reproduces the kernel's results; this one keeps every
// operation O(log n) so that a scenario can hold 100,000 mappings.

/** One range of page frames in the tree (the kernel's `struct iova`). */
export class IovaNode {
  /** Mutable: reserve_iova grows an overlapping node down to the start of the reservation. */
  pfnLo: number;
  readonly pfnHi: number;
  /** Made by reserve_iova (the kernel does not tell them apart; the report does). */
  readonly reserved: boolean;
  left: IovaNode;
  right: IovaNode;
  parent: IovaNode;
  red: boolean;

  constructor(pfnLo: number, pfnHi: number, reserved: boolean, nil?: IovaNode) {
    this.pfnLo = pfnLo;
    this.pfnHi = pfnHi;
    this.reserved = reserved;
    // The sentinel points at itself; real nodes start as red leaves.
    this.left = nil ?? this;
    this.right = nil ?? this;
    this.parent = nil ?? this;
    this.red = nil !== undefined;
  }

  get pages(): number {
    return this.pfnHi - this.pfnLo + 1;
  }
}

export class IovaTree {
  /** The shared black leaf (CLRS's T.nil): makes the delete fix-up free of null checks. */
  private readonly nil: IovaNode = new IovaNode(-1, -1, false);
  private root: IovaNode = this.nil;
  private count = 0;

  get size(): number {
    return this.count;
  }

  isNil(n: IovaNode): boolean {
    return n === this.nil;
  }

  /** A new node (not yet in the tree). */
  node(pfnLo: number, pfnHi: number, reserved: boolean): IovaNode {
    return new IovaNode(pfnLo, pfnHi, reserved, this.nil);
  }

  first(): IovaNode | null {
    if (this.root === this.nil) return null;
    return this.min(this.root);
  }

  last(): IovaNode | null {
    if (this.root === this.nil) return null;
    return this.max(this.root);
  }

  /** rb_next */
  next(n: IovaNode): IovaNode | null {
    if (n.right !== this.nil) return this.min(n.right);
    let p = n.parent;
    while (p !== this.nil && n === p.right) {
      n = p;
      p = p.parent;
    }
    return p === this.nil ? null : p;
  }

  /** rb_prev */
  prev(n: IovaNode): IovaNode | null {
    if (n.left !== this.nil) return this.max(n.left);
    let p = n.parent;
    while (p !== this.nil && n === p.left) {
      n = p;
      p = p.parent;
    }
    return p === this.nil ? null : p;
  }

  /** The node whose range holds `pfn` (private_find_iova). */
  find(pfn: number): IovaNode | null {
    let n = this.root;
    while (n !== this.nil) {
      if (pfn < n.pfnLo) n = n.left;
      else if (pfn > n.pfnHi) n = n.right;
      else return n;
    }
    return null;
  }

  /** The first node (in address order) whose last frame is at or above `pfn`. */
  firstEndingAtOrAbove(pfn: number): IovaNode | null {
    let n = this.root;
    let best: IovaNode | null = null;
    while (n !== this.nil) {
      if (n.pfnHi >= pfn) {
        best = n;
        n = n.left;
      } else n = n.right;
    }
    return best;
  }

  /** Inserts a node whose range overlaps no other (iova_insert_rbtree + rb_insert_color). */
  insert(z: IovaNode): void {
    let y = this.nil;
    let x = this.root;
    while (x !== this.nil) {
      y = x;
      if (z.pfnLo < x.pfnLo) x = x.left;
      else if (z.pfnLo > x.pfnLo) x = x.right;
      else throw new Error(`iova tree: a range already starts at pfn ${z.pfnLo}`);
    }
    z.parent = y;
    z.left = this.nil;
    z.right = this.nil;
    z.red = true;
    if (y === this.nil) this.root = z;
    else if (z.pfnLo < y.pfnLo) y.left = z;
    else y.right = z;
    this.count++;
    this.insertFixup(z);
  }

  /** rb_erase */
  remove(z: IovaNode): void {
    let y = z;
    let yWasRed = y.red;
    let x: IovaNode;
    if (z.left === this.nil) {
      x = z.right;
      this.transplant(z, z.right);
    } else if (z.right === this.nil) {
      x = z.left;
      this.transplant(z, z.left);
    } else {
      y = this.min(z.right);
      yWasRed = y.red;
      x = y.right;
      if (y.parent === z) x.parent = y;
      else {
        this.transplant(y, y.right);
        y.right = z.right;
        y.right.parent = y;
      }
      this.transplant(z, y);
      y.left = z.left;
      y.left.parent = y;
      y.red = z.red;
    }
    if (!yWasRed) this.deleteFixup(x);
    // A removed node must never be walked from again.
    z.left = z.right = z.parent = this.nil;
    this.count--;
  }

  /** In-order walk (for reports and tests). */
  *[Symbol.iterator](): IterableIterator<IovaNode> {
    for (let n = this.first(); n; n = this.next(n)) yield n;
  }

  private min(n: IovaNode): IovaNode {
    while (n.left !== this.nil) n = n.left;
    return n;
  }

  private max(n: IovaNode): IovaNode {
    while (n.right !== this.nil) n = n.right;
    return n;
  }

  private rotateLeft(x: IovaNode): void {
    const y = x.right;
    x.right = y.left;
    if (y.left !== this.nil) y.left.parent = x;
    y.parent = x.parent;
    if (x.parent === this.nil) this.root = y;
    else if (x === x.parent.left) x.parent.left = y;
    else x.parent.right = y;
    y.left = x;
    x.parent = y;
  }

  private rotateRight(x: IovaNode): void {
    const y = x.left;
    x.left = y.right;
    if (y.right !== this.nil) y.right.parent = x;
    y.parent = x.parent;
    if (x.parent === this.nil) this.root = y;
    else if (x === x.parent.right) x.parent.right = y;
    else x.parent.left = y;
    y.right = x;
    x.parent = y;
  }

  private insertFixup(z: IovaNode): void {
    while (z.parent.red) {
      const p = z.parent;
      const g = p.parent;
      if (p === g.left) {
        const u = g.right;
        if (u.red) {
          p.red = false;
          u.red = false;
          g.red = true;
          z = g;
          continue;
        }
        if (z === p.right) {
          z = p;
          this.rotateLeft(z);
        }
        z.parent.red = false;
        z.parent.parent.red = true;
        this.rotateRight(z.parent.parent);
      } else {
        const u = g.left;
        if (u.red) {
          p.red = false;
          u.red = false;
          g.red = true;
          z = g;
          continue;
        }
        if (z === p.left) {
          z = p;
          this.rotateRight(z);
        }
        z.parent.red = false;
        z.parent.parent.red = true;
        this.rotateLeft(z.parent.parent);
      }
    }
    this.root.red = false;
  }

  private transplant(u: IovaNode, v: IovaNode): void {
    if (u.parent === this.nil) this.root = v;
    else if (u === u.parent.left) u.parent.left = v;
    else u.parent.right = v;
    v.parent = u.parent;
  }

  private deleteFixup(x: IovaNode): void {
    while (x !== this.root && !x.red) {
      if (x === x.parent.left) {
        let w = x.parent.right;
        if (w.red) {
          w.red = false;
          x.parent.red = true;
          this.rotateLeft(x.parent);
          w = x.parent.right;
        }
        if (!w.left.red && !w.right.red) {
          w.red = true;
          x = x.parent;
        } else {
          if (!w.right.red) {
            w.left.red = false;
            w.red = true;
            this.rotateRight(w);
            w = x.parent.right;
          }
          w.red = x.parent.red;
          x.parent.red = false;
          w.right.red = false;
          this.rotateLeft(x.parent);
          x = this.root;
        }
      } else {
        let w = x.parent.left;
        if (w.red) {
          w.red = false;
          x.parent.red = true;
          this.rotateRight(x.parent);
          w = x.parent.left;
        }
        if (!w.right.red && !w.left.red) {
          w.red = true;
          x = x.parent;
        } else {
          if (!w.left.red) {
            w.right.red = false;
            w.red = true;
            this.rotateLeft(w);
            w = x.parent.left;
          }
          w.red = x.parent.red;
          x.parent.red = false;
          w.left.red = false;
          this.rotateRight(x.parent);
          x = this.root;
        }
      }
    }
    x.red = false;
  }

  /** Red-black invariants and key order (tests): the black height, or throws. */
  checkInvariants(): number {
    if (this.root.red) throw new Error("red root");
    const walk = (n: IovaNode, lo: number, hi: number): number => {
      if (n === this.nil) return 1;
      if (n.pfnLo <= lo || n.pfnLo >= hi) throw new Error(`order broken at ${n.pfnLo}`);
      if (n.red && (n.left.red || n.right.red)) throw new Error(`red node ${n.pfnLo} has a red child`);
      if (n.left !== this.nil && n.left.parent !== n) throw new Error("bad parent link");
      if (n.right !== this.nil && n.right.parent !== n) throw new Error("bad parent link");
      const l = walk(n.left, lo, n.pfnLo);
      const r = walk(n.right, n.pfnLo, hi);
      if (l !== r) throw new Error(`black heights differ below ${n.pfnLo}`);
      return l + (n.red ? 0 : 1);
    };
    return walk(this.root, -Infinity, Infinity);
  }
}
