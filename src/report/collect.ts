// Two helpers for building indexes over report arrays in one pass (lists per key, in order).
// (src/report/text.ts holds private copies of the same two; it can import these instead.)

export function addTo<K, T>(m: Map<K, T[]>, k: K, t: T): void {
  const list = m.get(k);
  if (list) list.push(t);
  else m.set(k, [t]);
}

export function groupBy<T, K>(items: readonly T[], key: (t: T) => K): Map<K, T[]> {
  const m = new Map<K, T[]>();
  for (const t of items) addTo(m, key(t), t);
  return m;
}
