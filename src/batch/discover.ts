// Which boards `dtprobe batch DIR|GLOB|FILE...` runs: every .dts and .dtb under a directory
// (recursively; symbolic links to directories are not followed, so a loop cannot hang it), the
// files a glob matches (`*`, `?`, `[...]` within a name, `**` across directories; for patterns
// the shell left alone, e.g. quoted), and files named as they are. In argument order, each
// directory's entries sorted, every file once.
import { lstatSync, readdirSync, statSync } from "node:fs";
import { join } from "node:path";

export const BOARD_EXTENSIONS: readonly string[] = [".dts", ".dtb"];

const isBoard = (name: string) => BOARD_EXTENSIONS.some((e) => name.endsWith(e));
const hasGlob = (s: string) => /[*?[]/.test(s);

export interface Discovery {
  readonly boards: readonly string[];
  /** Arguments that named nothing (no such file, or a glob without a match). */
  readonly unmatched: readonly string[];
}

function kind(path: string): "dir" | "file" | "link-dir" | undefined {
  try {
    const l = lstatSync(path);
    if (l.isDirectory()) return "dir";
    if (l.isSymbolicLink()) return statSync(path).isDirectory() ? "link-dir" : "file";
    return l.isFile() ? "file" : undefined;
  } catch {
    return undefined;
  }
}

function entries(dir: string): string[] {
  try {
    return readdirSync(dir).sort();
  } catch {
    return [];
  }
}

/** Every board file under `dir`, depth first, names sorted. */
function walk(dir: string, out: string[]): void {
  const stack = [dir];
  while (stack.length > 0) {
    const at = stack.pop()!;
    const subdirs: string[] = [];
    for (const name of entries(at)) {
      const path = join(at, name);
      const k = kind(path);
      if (k === "dir") subdirs.push(path);
      else if (k === "file" && isBoard(name)) out.push(path);
    }
    for (let i = subdirs.length - 1; i >= 0; i--) stack.push(subdirs[i]!);
  }
}

/** One path segment of a glob as a regular expression (`*` and `?` never match `/` or a leading dot). */
function segmentRegex(segment: string): RegExp {
  let re = "";
  for (let i = 0; i < segment.length; i++) {
    const c = segment[i]!;
    if (c === "*") re += "[^/]*";
    else if (c === "?") re += "[^/]";
    else if (c === "[") {
      const close = segment.indexOf("]", i + 2);
      if (close < 0) re += "\\[";
      else {
        const body = segment.slice(i + 1, close).replace(/^!/, "^").replace(/\\/g, "\\\\");
        re += `[${body}]`;
        i = close;
      }
    } else re += c.replace(/[.+^${}()|\\]/g, "\\$&");
  }
  return new RegExp(`^${segment.startsWith(".") ? "" : "(?!\\.)"}${re}$`);
}

/** The files a glob pattern matches (directories matched by the last segment are walked). */
function expandGlob(pattern: string, out: string[]): void {
  const absolute = pattern.startsWith("/");
  const segments = pattern.split("/").filter((s) => s !== "");
  const step = (base: string, k: number) => {
    if (k === segments.length) {
      const t = kind(base);
      if (t === "file" && isBoard(base)) out.push(base);
      else if (t === "dir") walk(base, out);
      return;
    }
    const seg = segments[k]!;
    const at = base === "" ? "." : base;
    const child = (name: string) => (base === "" ? name : base === "/" ? `/${name}` : join(base, name));
    if (seg === "**") {
      step(base, k + 1);
      for (const name of entries(at)) if (!name.startsWith(".") && kind(child(name)) === "dir") step(child(name), k);
      return;
    }
    if (!hasGlob(seg)) {
      const next = child(seg);
      if (kind(next) !== undefined) step(next, k + 1);
      return;
    }
    const re = segmentRegex(seg);
    for (const name of entries(at)) if (re.test(name)) step(child(name), k + 1);
  };
  step(absolute ? "/" : "", 0);
}

export function discoverBoards(args: readonly string[]): Discovery {
  const seen = new Set<string>();
  const boards: string[] = [];
  const unmatched: string[] = [];
  for (const arg of args) {
    const found: string[] = [];
    const k = kind(arg);
    if (k === "dir" || k === "link-dir") walk(arg, found);
    else if (k === "file") found.push(arg);
    else if (hasGlob(arg)) expandGlob(arg, found);
    if (found.length === 0) unmatched.push(arg);
    for (const f of found) {
      if (seen.has(f)) continue;
      seen.add(f);
      boards.push(f);
    }
  }
  return { boards, unmatched };
}
