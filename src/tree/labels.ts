// Label lists with dtc's semantics (livetree.c add_label / delete_labels): a new label goes to the
// front of the list, re-adding a label that is already there (even deleted) revives it in place,
// deleting marks every label of the item.
import type { Label } from "../../grammar/ast.ts";

export interface LabelOwner {
  labels: string[];
  deletedLabels: Set<string> | undefined;
}

/** dtc's add_label (may replace `owner.labels` with a new array). Returns true when the label was not in the list before. */
export function addLabel(owner: LabelOwner, label: string): boolean {
  if (owner.labels.includes(label)) {
    owner.deletedLabels?.delete(label);
    return false;
  }
  // The first label gets an exact-size array: unshift on an empty array reserves room for 17.
  if (owner.labels.length === 0) owner.labels = [label];
  else owner.labels.unshift(label);
  return true;
}

/**
 * The labels written before an item (`a: b: item`), in dtc's list order: the parser reduces the
 * innermost label first, so they are added from last to first.
 */
export function addSourceLabels(owner: LabelOwner, labels: readonly Label[]): void {
  for (let i = labels.length - 1; i >= 0; i--) addLabel(owner, labels[i]!.name);
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
