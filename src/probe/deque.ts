// A double-ended queue for the bind queue: bus_probe_device and the deferred-probe trigger put
// devices at the front, driver registration appends at the back. Array.shift/unshift would make
// boot quadratic in the number of devices.
export class Deque<T> {
  /** Front items, stored reversed (the next item is the last element). */
  private readonly front: T[] = [];
  private back: T[] = [];
  private head = 0;

  get length(): number {
    return this.front.length + this.back.length - this.head;
  }

  push(item: T): void {
    this.back.push(item);
  }

  /** Puts one item at the front. */
  unshiftOne(item: T): void {
    this.front.push(item);
  }

  /** Puts `items` at the front, keeping their order. */
  unshift(items: readonly T[]): void {
    for (let i = items.length - 1; i >= 0; i--) this.front.push(items[i]!);
  }

  shift(): T | undefined {
    if (this.front.length > 0) return this.front.pop();
    if (this.head >= this.back.length) return undefined;
    const item = this.back[this.head++];
    if (this.head > 1024 && this.head * 2 > this.back.length) {
      this.back = this.back.slice(this.head);
      this.head = 0;
    }
    return item;
  }
}
