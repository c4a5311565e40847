// Device outcomes start with one shared, frozen empty list for each of their lists: a
// 200,000-device board would otherwise allocate five arrays per device that almost all stay
// empty. Recording goes through addError / addNote, which give the outcome its own list first.
import type { Failure } from "../types.ts";
import type { IommuOutcome } from "./state.ts";

/** The shared empty list (frozen: a stray push fails loudly instead of leaking across devices). */
export const EMPTY: never[] = Object.freeze([]) as unknown as never[];

export function addError(out: IommuOutcome, f: Failure): void {
  if ((out.errors as unknown) === EMPTY) out.errors = [];
  out.errors.push(f);
}

export function addNote(out: IommuOutcome, message: string): void {
  if ((out.notes as unknown) === EMPTY) out.notes = [];
  out.notes.push(message);
}
