// Where each byte of the preprocessed output came from. Segments, not bytes: a segment starts at
// an output offset and either follows the source byte for byte ("exact", text copied from a file)
// or points at one fixed place (a macro invocation). Lookups are binary searches.
import type { OriginMap, Position } from "../source/index.ts";
import type { FileState } from "./file-state.ts";

export class OriginMapBuilder {
  private readonly outStart: number[] = [];
  private readonly files: (FileState | null)[] = [];
  private readonly srcOff: number[] = [];
  private readonly exact: boolean[] = [];
  /** Told about every mark (an include memo recording them; src/preprocess/include-memo.ts). */
  tap: ((outOffset: number, file: FileState, off: number, exact: boolean) => void) | null = null;

  /** Output from `outOffset` on comes from `file` at spliced offset `off`. */
  mark(outOffset: number, file: FileState, off: number, exact: boolean): void {
    if (this.tap !== null) this.tap(outOffset, file, off, exact);
    const n = this.outStart.length;
    if (n > 0) {
      const i = n - 1;
      if (this.files[i] === file && this.exact[i] === exact) {
        // Continues the previous segment: nothing to record.
        if (exact ? this.srcOff[i]! + (outOffset - this.outStart[i]!) === off : this.srcOff[i] === off) return;
      }
      if (this.outStart[i] === outOffset) {
        this.files[i] = file;
        this.srcOff[i] = off;
        this.exact[i] = exact;
        return;
      }
    }
    this.outStart.push(outOffset);
    this.files.push(file);
    this.srcOff.push(off);
    this.exact.push(exact);
  }

  get segmentCount(): number {
    return this.outStart.length;
  }

  build(): OriginMap {
    const outStart = Int32Array.from(this.outStart);
    const files = this.files.slice();
    const srcOff = Int32Array.from(this.srcOff);
    const exact = this.exact.slice();
    const find = (offset: number): number => {
      let lo = 0;
      let hi = outStart.length - 1;
      if (hi < 0 || outStart[0]! > offset) return -1;
      while (lo < hi) {
        const mid = (lo + hi + 1) >> 1;
        if (outStart[mid]! <= offset) lo = mid;
        else hi = mid - 1;
      }
      return lo;
    };
    const origin = (offset: number): { file: FileState; off: number } | undefined => {
      const i = find(offset);
      if (i < 0) return undefined;
      const file = files[i];
      if (!file) return undefined;
      let off = srcOff[i]!;
      if (exact[i]) off = Math.min(off + (offset - outStart[i]!), file.text.length);
      return { file, off };
    };
    return {
      positionAt(offset: number): Position | undefined {
        const o = origin(offset);
        return o ? o.file.position(o.off) : undefined;
      },
      lineTextAt(offset: number): string | undefined {
        const o = origin(offset);
        return o ? o.file.lineText(o.off) : undefined;
      },
      includeChainAt(offset: number): readonly Position[] {
        const o = origin(offset);
        return o ? o.file.includeChain() : [];
      },
    };
  }
}
