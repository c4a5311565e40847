// Label lists with dtc's semantics (livetree.c add_label / delete_labels): a new label goes to the
// front of the list, re-adding a label that is already there (even deleted) revives it in place,
// deleting marks every label of the item.
//
// dtc searches the list on every add and conses onto its head. Here a long list gets a hash set
// beside it and the labels of one definition or merge are put in front in one step, so 100,000
// labels on one node cost linear time (as separate `l: &n {};` merges cost one copy of the list
// each, like dtc's walk of it).
import type { Label } from "../../grammar/ast.ts";

export interface LabelOwner {
  labels: string[];
  deletedLabels: Set<string> | undefined;
}

/** From this length on, membership is answered by a set instead of a scan. */
const INDEXED_FROM = 16;

/** Sets of the long label lists, by list (a list replaced by a new array gets a new set). */
const indexes = new WeakMap<readonly string[], Set<string>>();

/** Whether `list` holds `label`, in constant time for long lists. */
export function listHasLabel(list: readonly string[], label: string): boolean {
  if (list.length < INDEXED_FROM) return list.includes(label);
  let set = indexes.get(list);
  if (set === undefined) {
    set = new Set(list);
    indexes.set(list, set);
  }
  return set.has(label);
}

/**
 * dtc's add_label applied to each of `labels` in turn (each to the front of the list), in one
 * pass: the list is copied once however many labels are added.
 */
export function addLabels(owner: LabelOwner, labels: readonly string[]): void {
  const old = owner.labels;
  let added: string[] | undefined;
  let addedSet: Set<string> | undefined;
  for (const label of labels) {
    if (listHasLabel(old, label) || (addedSet !== undefined ? addedSet.has(label) : added?.includes(label))) {
      owner.deletedLabels?.delete(label);
      continue;
    }
    if (added === undefined) added = [label];
    else {
      added.push(label);
      if (addedSet !== undefined) addedSet.add(label);
      else if (added.length >= INDEXED_FROM) addedSet = new Set(added);
    }
  }
  if (added === undefined) return;
  // Each added label went to the front: the last one added comes first.
  added.reverse();
  // An empty list may be the shared frozen one: never grown in place, always replaced.
  const list = old.length === 0 ? added : added.concat(old);
  // The old list's set goes on with the new list (built once, not per merge).
  const set = indexes.get(old);
  if (set !== undefined) {
    for (const l of added) set.add(l);
    indexes.set(list, set);
  }
  owner.labels = list;
}

/** dtc's add_label for one label. */
export function addLabel(owner: LabelOwner, label: string): void {
  addLabels(owner, [label]);
}

/**
 * The labels written before an item (`a: b: item`), in dtc's list order: the parser reduces the
 * innermost label first, so they are added from last to first.
 */
export function addSourceLabels(owner: LabelOwner, labels: readonly Label[]): void {
  if (labels.length === 0) return;
  const names: string[] = new Array<string>(labels.length);
  for (let i = 0; i < labels.length; i++) names[i] = labels[labels.length - 1 - i]!.name;
  addLabels(owner, names);
}

/** dtc's delete_labels. */
export function deleteLabels(owner: LabelOwner): void {
  if (owner.labels.length === 0) return;
  owner.deletedLabels ??= new Set();
  for (const l of owner.labels) owner.deletedLabels.add(l);
}

/** The labels dtc still considers present. */
export function liveLabels(owner: LabelOwner): string[] {
  const dead = owner.deletedLabels;
  return dead && dead.size > 0 ? owner.labels.filter((l) => !dead.has(l)) : owner.labels;
}
