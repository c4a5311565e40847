// The probe's event log, stored column-wise: a 200,000-device board logs about a million events,
// and one object per event was a large share of the run's allocation and GC time. Events are
// materialised as objects only when asked for (the JSON report); the text renderer reads columns.
// Stage, kind and level take a few distinct values: they are packed as codes in one typed array
// (no pointer stores for the garbage collector to track); the strings are kept in columns.
import type { LogKind, LogLevel } from "../iommu/index.ts";

export type EventKind = LogKind;
export type EventLevel = LogLevel;

export interface ProbeEvent {
  readonly seq: number;
  /** The initcall stage the event happened in. */
  readonly stage: string;
  readonly kind: EventKind;
  /** dev_name, or null for subsystem messages. */
  readonly device: string | null;
  /** What the kernel prefixes: the bound driver name, else the bus name; subsystem for null device. */
  readonly prefix: string;
  readonly level: EventLevel;
  readonly message: string;
}

const KINDS: readonly EventKind[] = ["notifier", "log", "note"];
const LEVELS: readonly EventLevel[] = ["info", "warn", "err", "debug"];
const KIND_CODE = new Map(KINDS.map((k, i) => [k, i]));
const LEVEL_CODE = new Map(LEVELS.map((l, i) => [l, i]));
/** Layout of a packed entry: stage index above bit 4, kind in bits 2-3, level in bits 0-1. */
const KIND_SHIFT = 2;
const STAGE_SHIFT = 4;

export class EventLog implements Iterable<ProbeEvent> {
  /** dev_name, or null for subsystem messages. */
  readonly device: (string | null)[] = [];
  readonly prefix: string[] = [];
  readonly message: string[] = [];
  #packed = new Uint32Array(1024);
  readonly #stages: string[] = [];
  readonly #stageCode = new Map<string, number>();
  // The stage changes a few times a run: the last one is checked before the map.
  #lastStage: string | undefined = undefined;
  #lastStageCode = 0;

  get length(): number {
    return this.message.length;
  }

  push(stage: string, kind: EventKind, level: EventLevel, device: string | null, prefix: string, message: string): void {
    const i = this.message.length;
    if (i === this.#packed.length) {
      const grown = new Uint32Array(i * 2);
      grown.set(this.#packed);
      this.#packed = grown;
    }
    this.#packed[i] = (this.#stageIndex(stage) << STAGE_SHIFT) | (KIND_CODE.get(kind)! << KIND_SHIFT) | LEVEL_CODE.get(level)!;
    this.device.push(device);
    this.prefix.push(prefix);
    this.message.push(message);
  }

  stageAt(i: number): string {
    return this.#stages[this.#packed[i]! >>> STAGE_SHIFT]!;
  }

  kindAt(i: number): EventKind {
    return KINDS[(this.#packed[i]! >>> KIND_SHIFT) & 3]!;
  }

  levelAt(i: number): EventLevel {
    return LEVELS[this.#packed[i]! & 3]!;
  }

  /** Event `i` as an object (key order: the report's). */
  at(i: number): ProbeEvent {
    return { seq: i, stage: this.stageAt(i), kind: this.kindAt(i), level: this.levelAt(i), device: this.device[i]!, prefix: this.prefix[i]!, message: this.message[i]! };
  }

  toArray(): ProbeEvent[] {
    const out: ProbeEvent[] = new Array(this.length);
    for (let i = 0; i < out.length; i++) out[i] = this.at(i);
    return out;
  }

  *[Symbol.iterator](): Iterator<ProbeEvent> {
    for (let i = 0; i < this.length; i++) yield this.at(i);
  }

  #stageIndex(stage: string): number {
    if (stage === this.#lastStage) return this.#lastStageCode;
    let code = this.#stageCode.get(stage);
    if (code === undefined) {
      code = this.#stages.length;
      this.#stages.push(stage);
      this.#stageCode.set(stage, code);
    }
    this.#lastStage = stage;
    this.#lastStageCode = code;
    return code;
  }
}
