// A streaming reader of tar archives (POSIX ustar, pax extended headers, GNU long names): entries
// are parsed as the bytes arrive, and only the regular files the caller wants are kept.

export interface TarEntry {
  readonly path: string;
  readonly bytes: Buffer;
}

const BLOCK = 512;

function cString(b: Buffer, start: number, length: number): string {
  const end = b.indexOf(0, start);
  return b.toString("utf8", start, end < 0 || end > start + length ? start + length : end);
}

function octal(b: Buffer, start: number, length: number): number {
  // GNU base-256 for sizes of 8 GiB and more: high bit of the first byte set.
  if (b[start]! & 0x80) {
    let n = 0;
    for (let i = start + 1; i < start + length; i++) n = n * 256 + b[i]!;
    return n;
  }
  const text = cString(b, start, length).trim();
  return text === "" ? 0 : parseInt(text, 8);
}

function isZeroBlock(b: Buffer): boolean {
  for (let i = 0; i < BLOCK; i++) if (b[i] !== 0) return false;
  return true;
}

/** Pax records `LEN key=value\n`: the `path` record, if any. */
function paxPath(data: Buffer): string | undefined {
  let path: string | undefined;
  let i = 0;
  while (i < data.length) {
    const space = data.indexOf(0x20, i);
    if (space < 0) break;
    const len = parseInt(data.toString("ascii", i, space), 10);
    if (!(len > 0)) break;
    const record = data.toString("utf8", space + 1, i + len - 1);
    const eq = record.indexOf("=");
    if (eq > 0 && record.slice(0, eq) === "path") path = record.slice(eq + 1);
    i += len;
  }
  return path;
}

export class TarFormatError extends Error {}

/**
 * Feeds chunks of a tar stream; calls `onFile` for each regular file whose path `want` accepts.
 * Headers are checked by their checksum so that a file that is not a tar archive fails early.
 */
export class TarStreamParser {
  #pending: Buffer[] = [];
  #pendingBytes = 0;
  /** Bytes of the current entry still to read (data then padding). */
  #remaining = 0;
  #padding = 0;
  #current: { path: string; kind: "file" | "longname" | "pax" | "skip"; parts: Buffer[] } | undefined;
  #longName: string | undefined;
  #paxName: string | undefined;
  #ended = false;
  #headers = 0;

  constructor(
    private readonly want: (path: string) => boolean,
    private readonly onFile: (entry: TarEntry) => void,
  ) {}

  get ended(): boolean {
    return this.#ended;
  }

  push(chunk: Buffer): void {
    let offset = 0;
    while (offset < chunk.length && !this.#ended) {
      if (this.#current) {
        const n = Math.min(this.#remaining, chunk.length - offset);
        if (this.#current.kind !== "skip" && n > 0) this.#current.parts.push(chunk.subarray(offset, offset + n));
        this.#remaining -= n;
        offset += n;
        if (this.#remaining === 0) this.#finishData();
        continue;
      }
      if (this.#padding > 0) {
        const n = Math.min(this.#padding, chunk.length - offset);
        this.#padding -= n;
        offset += n;
        continue;
      }
      // A header: gather 512 bytes.
      const need = BLOCK - this.#pendingBytes;
      const n = Math.min(need, chunk.length - offset);
      this.#pending.push(chunk.subarray(offset, offset + n));
      this.#pendingBytes += n;
      offset += n;
      if (this.#pendingBytes === BLOCK) {
        const header = this.#pending.length === 1 ? this.#pending[0]! : Buffer.concat(this.#pending);
        this.#pending = [];
        this.#pendingBytes = 0;
        this.#header(header);
      }
    }
  }

  /** Call at end of input: throws when the archive stopped inside an entry. */
  finish(): void {
    if (this.#current || this.#pendingBytes > 0) throw new TarFormatError("truncated tar archive");
    if (this.#headers === 0) throw new TarFormatError("empty input: not a tar archive");
  }

  #header(h: Buffer): void {
    if (isZeroBlock(h)) {
      this.#ended = this.#headers > 0;
      if (!this.#ended) throw new TarFormatError("not a tar archive (first block is empty)");
      return;
    }
    let sum = 0;
    for (let i = 0; i < BLOCK; i++) sum += i >= 148 && i < 156 ? 0x20 : h[i]!;
    if (sum !== octal(h, 148, 8)) throw new TarFormatError(this.#headers === 0 ? "not a tar archive" : "corrupt tar header (checksum)");
    this.#headers++;
    const type = String.fromCharCode(h[156]!);
    const size = octal(h, 124, 12);
    let path: string;
    if (this.#paxName !== undefined) path = this.#paxName;
    else if (this.#longName !== undefined) path = this.#longName;
    else {
      const prefix = h.toString("ascii", 257, 262) === "ustar" ? cString(h, 345, 155) : "";
      const name = cString(h, 0, 100);
      path = prefix ? `${prefix}/${name}` : name;
    }
    let kind: "file" | "longname" | "pax" | "skip";
    if (type === "L") kind = "longname";
    else if (type === "x") kind = "pax";
    else {
      // Any other entry consumes the pending long name / pax path.
      this.#longName = undefined;
      this.#paxName = undefined;
      kind = (type === "0" || type === "\0" || type === "7") && this.want(path) ? "file" : "skip";
    }
    this.#current = { path, kind, parts: [] };
    this.#remaining = size;
    this.#padding = (BLOCK - (size % BLOCK)) % BLOCK;
    if (size === 0) this.#finishData();
  }

  #finishData(): void {
    const cur = this.#current!;
    this.#current = undefined;
    if (cur.kind === "skip") return;
    const data = cur.parts.length === 1 ? cur.parts[0]! : Buffer.concat(cur.parts);
    if (cur.kind === "longname") this.#longName = cString(data, 0, data.length);
    else if (cur.kind === "pax") this.#paxName = paxPath(data);
    else this.onFile({ path: cur.path, bytes: Buffer.from(data) });
  }
}
