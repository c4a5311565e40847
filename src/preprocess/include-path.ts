// Where `#include` looks, as gcc's cpp does with `-I` directories: the quote form searches the
// including file's directory first, then each include directory; the angle form only the include
// directories. Paths are joined as cpp joins them (no normalisation of `..` or `.`), because that
// is the name cpp prints and what `__FILE__` expands to.

/** Include directory as cpp uses it: trailing slashes dropped ("inc/" and "inc" are the same). */
export function normalizeIncludeDir(dir: string): string {
  let d = dir;
  while (d.length > 1 && d.endsWith("/")) d = d.slice(0, -1);
  return d;
}

export function joinPath(dir: string, name: string): string {
  if (dir === "") return name;
  if (dir.endsWith("/")) return dir + name;
  return dir + "/" + name;
}

export interface IncludeCandidate {
  readonly path: string;
  /** Index into the include directories, or -1 for the including file's directory / an absolute name. */
  readonly dirIndex: number;
}

/**
 * Candidate paths in search order. `startDir` skips include directories before it
 * (`#include_next`); the including file's directory is searched only for the quote form and
 * only when not continuing a search.
 */
export function includeCandidates(name: string, angled: boolean, currentDir: string, includeDirs: readonly string[], startDir: number | null): IncludeCandidate[] {
  if (name.startsWith("/")) return [{ path: name, dirIndex: -1 }];
  const out: IncludeCandidate[] = [];
  if (!angled && startDir === null) out.push({ path: joinPath(currentDir, name), dirIndex: -1 });
  for (let i = startDir ?? 0; i < includeDirs.length; i++) out.push({ path: joinPath(includeDirs[i]!, name), dirIndex: i });
  return out;
}
