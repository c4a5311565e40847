// Reading the operand of `#include`, `#include_next`, `#import` and `__has_include`: a "..."
// string, a <...> header name, or macros expanding to either (a `<` then tokens up to `>`, glued
// back together as cpp does), and finding the file it names.
import type { FileProblem } from "../source/index.ts";
import type { Engine } from "./engine.ts";
import { includeCandidates } from "./include-path.ts";
import { F_PREV_WHITE, isPunct, T_EOF, T_HEADER, T_PADDING, T_STRING } from "./token.ts";
import type { Token } from "./token.ts";

export interface HeaderName {
  readonly name: string;
  readonly angled: boolean;
  /** The token to point diagnostics at. */
  readonly at: Token;
}

/**
 * Reads a header name from the directive line (macro-expanded). On a malformed operand reports
 * `expects` (or, for `<` without `>`, "missing terminating > character") and returns undefined.
 */
export function readHeaderName(e: Engine, expects: string): HeaderName | undefined {
  const t = e.getNonPadding();
  return headerNameFrom(e, t, expects);
}

export function headerNameFrom(e: Engine, t: Token, expects: string): HeaderName | undefined {
  if (t.kind === T_STRING && t.text.startsWith('"')) return { name: t.text.slice(1, -1), angled: false, at: t };
  if (t.kind === T_HEADER) return { name: t.text.slice(1, -1), angled: true, at: t };
  if (isPunct(t, "<")) {
    let name = "";
    let source: Token | null = null;
    for (;;) {
      const u = e.getToken();
      if (u.kind === T_PADDING) {
        if (source === null || (!(source.flags & F_PREV_WHITE) && u.source === null)) source = u.source;
        continue;
      }
      if (u.kind === T_EOF) {
        e.error("missing terminating > character", t);
        return undefined;
      }
      if (isPunct(u, ">")) break;
      if (name.length > 0 && ((source ?? u).flags & F_PREV_WHITE)) name += " ";
      source = null;
      name += u.text;
    }
    return { name, angled: true, at: t };
  }
  e.error(expects, t);
  return undefined;
}

export interface FoundFile {
  readonly path: string;
  readonly text: string;
  readonly dirIndex: number;
}

/** A candidate that exists but cannot be included: a FIFO or socket, or a file over the size limit. */
export interface UnusableFile {
  readonly path: string;
  readonly problem: FileProblem;
}

/**
 * Searches the include path; `next` continues after the directory the current file came from. A
 * missing candidate or a directory moves the search on (gcc's open_file treats a directory as
 * ENOENT); an unusable one ends it, rather than waiting on a FIFO as gcc would.
 */
export function findHeader(e: Engine, h: HeaderName, next: boolean): FoundFile | UnusableFile | undefined {
  const file = e.currentFile;
  const startDir = next && file.depth > 0 ? Math.max(0, file.foundInDir + 1) : null;
  for (const c of includeCandidates(h.name, h.angled, file.dir, e.options.includeDirs, startDir)) {
    const r = e.readFile(c.path);
    if (typeof r === "string") return { path: c.path, text: r, dirIndex: c.dirIndex };
    if (r.kind === "special" || r.kind === "too-large") return { path: c.path, problem: r };
  }
  return undefined;
}
