// `-T` source annotations for `-O dts` (dtc's srcpos.c srcpos_string_comment): after each node's
// `{`, its `};` and each property, a comment saying where it was defined. One `-T` gives
// `file:line` per definition (the first line for `{` and properties, the last for `};`), with the
// file name made relative to the first input file's directory; `-T -T` gives the full range
// `file:line:col-line:col` with the name as given. A node merged from several blocks lists each,
// separated by ", ". Items made by dtc itself (phandle, __symbols__) have no position: nothing at
// level 1, `<no-file>:<no-line>` at level 2.
import type { Span } from "../source/index.ts";

export interface AnnotationOptions {
  /** 1: `file:line`; 2 and more: `file:line:col-line:col`. */
  readonly level: number;
  /**
   * dtc's initial path: the first input file's name, or the file named by the first cpp line
   * marker when the input has one (what `cpp | dtc -T` sees).
   */
  readonly initialPath: string;
}

/** dtc's shorten_to_initial_path: `fname` relative to the initial path's directory, or undefined. */
function shortenToInitialPath(fname: string, initialPath: string): string | undefined {
  let slashes = 0;
  let prevSlash = -1;
  for (let i = 0; i < fname.length && i < initialPath.length; i++) {
    if (fname[i] !== initialPath[i]) break;
    if (fname[i] === "/") {
      prevSlash = i;
      slashes++;
    }
  }
  if (prevSlash < 0) return undefined;
  let initialSlashes = 0;
  for (let i = 0; i < initialPath.length; i++) if (initialPath[i] === "/") initialSlashes++;
  return "../".repeat(initialSlashes - slashes) + fname.slice(prevSlash + 1);
}

function one(s: Span, first: boolean, options: AnnotationOptions): string {
  const a = s.file.positionAt(s.start);
  const b = s.tail ? s.tail.file.positionAt(s.tail.end) : s.file.positionAt(Math.max(s.start, s.end));
  // dtc's YYLLOC_DEFAULT: lines and columns from both ends, the file from the last token.
  if (options.level > 1) return `${b.file}:${a.line}:${a.column}-${b.line}:${b.column}`;
  const fname = shortenToInitialPath(b.file, options.initialPath) ?? b.file;
  return `${fname}:${first ? a.line : b.line}`;
}

/**
 * The comment text for an item defined at `spans` (empty when it has none and the level is 1);
 * `first` picks the first line of each (for `{` and properties) or the last (for `};`).
 */
export function annotation(spans: readonly Span[], first: boolean, options: AnnotationOptions): string {
  if (spans.length === 0) return options.level > 1 ? " /* <no-file>:<no-line> */" : "";
  return ` /* ${spans.map((s) => one(s, first, options)).join(", ")} */`;
}
