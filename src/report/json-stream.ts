// JSON text in chunks, byte for byte what JSON.stringify(value, null, space) returns, without
// ever holding the whole text: a 200,000-device report is hundreds of MB of JSON, past what one
// V8 string may hold (JSON.stringify throws RangeError: Invalid string length).
//
// Large containers are walked here; everything small is left to the native JSON.stringify, whose
// output is re-indented to its depth. That is exact because JSON.stringify escapes every newline
// inside strings, so the only raw "\n" in its output are the ones between lines. Array elements
// are stringified in batches (one native call per batch, not per element) sized from the output
// of the previous batch.

/** Containers with more entries than this (array elements, or array elements one level down) are walked here. */
const BIG = 4096;
/** Chunks are handed out once they reach this many UTF-16 units. */
const CHUNK = 1 << 16;

/** JSON.stringify's gap: a number of spaces (at most 10) or the first 10 characters of a string. */
function gapOf(space: number | string | undefined): string {
  if (typeof space === "number") return " ".repeat(Math.max(0, Math.min(10, Math.floor(space))));
  if (typeof space === "string") return space.slice(0, 10);
  return "";
}

/** SerializeJSONProperty's first steps: toJSON, then unwrapping boxed primitives. */
function prepare(key: string, value: unknown): unknown {
  let v = value;
  if (v !== null && (typeof v === "object" || typeof v === "bigint") && typeof (v as { toJSON?: unknown }).toJSON === "function") {
    v = (v as { toJSON(k: string): unknown }).toJSON(key);
  }
  if (v instanceof Number || v instanceof String || v instanceof Boolean) v = v.valueOf();
  return v;
}

/** Worth walking here rather than handing to JSON.stringify at once. */
function isBig(v: unknown): boolean {
  if (v === null || typeof v !== "object") return false;
  if (Array.isArray(v)) {
    if (v.length > BIG) return true;
    for (let i = 0; i < v.length; i++) {
      const e = v[i];
      if (Array.isArray(e) && e.length > BIG) return true;
    }
    return false;
  }
  let total = 0;
  for (const k of Object.keys(v)) {
    const e = (v as Record<string, unknown>)[k];
    if (Array.isArray(e)) total += e.length;
    if (total > BIG) return true;
  }
  return false;
}

interface Frame {
  readonly kind: "object" | "array";
  readonly value: Record<string, unknown> | unknown[];
  readonly keys: readonly string[] | undefined;
  next: number;
  /** Entries written so far (the separator before the next one). */
  written: number;
  readonly depth: number;
}

/**
 * The text of JSON.stringify(value, null, space), in chunks. Yields nothing where JSON.stringify
 * returns undefined (undefined, a function or a symbol at the top).
 */
export function* jsonChunks(value: unknown, space?: number | string): Generator<string> {
  const gap = gapOf(space);
  const pads: string[] = [""];
  const pad = (d: number): string => (pads[d] ??= gap.repeat(d));
  const colon = gap === "" ? ":" : ": ";
  let out = "";
  /** The native text of a small value at depth `d` (undefined: not serialisable). */
  const native = (v: unknown, d: number): string | undefined => {
    const s = JSON.stringify(v, null, gap);
    if (s === undefined || gap === "" || d === 0) return s;
    return s.replaceAll("\n", `\n${pad(d)}`);
  };
  const open = (v: unknown, d: number): Frame => {
    if (Array.isArray(v)) return { kind: "array", value: v, keys: undefined, next: 0, written: 0, depth: d };
    return { kind: "object", value: v as Record<string, unknown>, keys: Object.keys(v as object), next: 0, written: 0, depth: d };
  };
  const root = prepare("", value);
  if (!isBig(root)) {
    const s = native(root, 0);
    if (s !== undefined) yield s;
    return;
  }
  // JSON.stringify's cycle check, for the containers walked here (the native calls check theirs).
  const onStack = new Set<unknown>([root]);
  const enter = (v: unknown, d: number): Frame => {
    if (onStack.has(v)) throw new TypeError("Converting circular structure to JSON");
    onStack.add(v);
    return open(v, d);
  };
  const stack: Frame[] = [open(root, 0)];
  out += Array.isArray(root) ? "[" : "{";
  let batch = 256;
  while (stack.length > 0) {
    const f = stack[stack.length - 1]!;
    const inner = pad(f.depth + 1);
    const sep = (first: boolean) => (gap === "" ? (first ? "" : ",") : first ? `\n${inner}` : `,\n${inner}`);
    if (f.kind === "array") {
      const arr = f.value as unknown[];
      if (f.next >= arr.length) {
        stack.pop();
        onStack.delete(f.value);
        out += f.written === 0 ? "]" : gap === "" ? "]" : `\n${pad(f.depth)}]`;
      } else {
        const v = prepare(String(f.next), arr[f.next]);
        if (isBig(v)) {
          out += sep(f.written === 0);
          f.written++;
          f.next++;
          stack.push(enter(v, f.depth + 1));
          out += Array.isArray(v) ? "[" : "{";
        } else {
          // A run of small elements, stringified as one array and unwrapped.
          const start = f.next;
          let end = start + 1;
          const items: unknown[] = [v];
          while (end < arr.length && end - start < batch) {
            const w = prepare(String(end), arr[end]);
            if (isBig(w)) break;
            items.push(w);
            end++;
          }
          f.next = end;
          const text = JSON.stringify(items, null, gap);
          // "[" + (gap? "\n" + gap : "") ... (gap? "\n" : "") + "]": keep what lies between.
          const body = gap === "" ? text.slice(1, -1) : text.slice(2 + gap.length, -2);
          out += sep(f.written === 0);
          out += gap === "" || f.depth === 0 ? body : body.replaceAll("\n", `\n${pad(f.depth)}`);
          f.written += items.length;
          batch = Math.max(16, Math.min(65536, Math.floor((batch * CHUNK) / Math.max(1, text.length))));
        }
      }
    } else {
      const obj = f.value as Record<string, unknown>;
      const keys = f.keys!;
      if (f.next >= keys.length) {
        stack.pop();
        onStack.delete(f.value);
        out += f.written === 0 ? "}" : gap === "" ? "}" : `\n${pad(f.depth)}}`;
      } else {
        const key = keys[f.next++]!;
        const v = prepare(key, obj[key]);
        if (isBig(v)) {
          out += sep(f.written === 0) + JSON.stringify(key) + colon + (Array.isArray(v) ? "[" : "{");
          f.written++;
          stack.push(enter(v, f.depth + 1));
        } else {
          const s = native(v, f.depth + 1);
          if (s !== undefined) {
            out += sep(f.written === 0) + JSON.stringify(key) + colon + s;
            f.written++;
          }
        }
      }
    }
    if (out.length >= CHUNK) {
      yield out;
      out = "";
    }
  }
  if (out.length > 0) yield out;
}
