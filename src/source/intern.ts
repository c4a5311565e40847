// Interning of the names a tree has by the hundred thousand but only a few hundred distinct
// (property names): one shared, V8-internalized copy of each.
//
// Why: the parser slices each name out of the source, so a board's 300,000 properties would each
// keep their own copy, and comparisons against literals (`p.name === "reg"`, done by the million
// in checks) would compare characters; between internalized strings they are pointer checks. The
// cache is bounded so that a long-lived process reading many unrelated trees does not grow
// without limit.

const interned = new Map<string, string>();
const INTERN_LIMIT = 50_000;

export function internName(name: string): string {
  const known = interned.get(name);
  if (known !== undefined) return known;
  if (interned.size >= INTERN_LIMIT) interned.clear();
  // A string used as an object key is internalized by V8; reading the key back gives that copy.
  const canonical = Object.keys({ [name]: 0 })[0] ?? name;
  interned.set(canonical, canonical);
  return canonical;
}
