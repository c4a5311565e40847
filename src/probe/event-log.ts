// The probe's event log, stored column-wise: a 200,000-device board logs about a million events,
// and one object per event was a large share of the run's allocation and GC time. Events are
// materialised as objects only when asked for (the JSON report); the text renderer reads columns.
import type { EventKind, ProbeEvent } from "./types.ts";

export type EventLevel = ProbeEvent["level"];

export class EventLog implements Iterable<ProbeEvent> {
  readonly stage: string[] = [];
  readonly kind: EventKind[] = [];
  readonly level: EventLevel[] = [];
  /** dev_name, or null for subsystem messages. */
  readonly device: (string | null)[] = [];
  readonly prefix: string[] = [];
  readonly message: string[] = [];

  get length(): number {
    return this.message.length;
  }

  push(stage: string, kind: EventKind, level: EventLevel, device: string | null, prefix: string, message: string): void {
    this.stage.push(stage);
    this.kind.push(kind);
    this.level.push(level);
    this.device.push(device);
    this.prefix.push(prefix);
    this.message.push(message);
  }

  /** Event `i` as an object (key order: the report's). */
  at(i: number): ProbeEvent {
    return { seq: i, stage: this.stage[i]!, kind: this.kind[i]!, level: this.level[i]!, device: this.device[i]!, prefix: this.prefix[i]!, message: this.message[i]! };
  }

  toArray(): ProbeEvent[] {
    const out: ProbeEvent[] = new Array(this.length);
    for (let i = 0; i < out.length; i++) out[i] = this.at(i);
    return out;
  }

  *[Symbol.iterator](): Iterator<ProbeEvent> {
    for (let i = 0; i < this.length; i++) yield this.at(i);
  }
}
