// The kernel log (printk with dev_printk's prefixes) and the per-device errors and notes, written
// by every part of the emulated kernel, stamped with the initcall stage it happens in.
import type { Device } from "../graph/index.ts";
import { addError, addNote, type CoreLog, type Failure, type IommuDev, type LogKind, type LogLevel } from "../iommu/index.ts";
import { EventLog } from "./event-log.ts";

/** Printed where the kernel prints the name of a driver dtprobe only assumes to bind. */
export const ASSUMED_DRIVER_PREFIX = "(assumed driver)";

/** What dev_driver_string() reads of a device. */
interface PrefixSource {
  readonly out: { readonly state: string; readonly driver: string | null; readonly driverAssumed: boolean };
  readonly inProbe: boolean;
}

export class KernelLog implements CoreLog {
  readonly events = new EventLog();
  /** The initcall stage (or scenario step) events are stamped with. */
  stage = "setup";

  constructor(private readonly stateOf: (dev: Device) => PrefixSource | undefined) {}

  /**
   * dev_printk's prefix: dev_driver_string() — the driver once dev->driver is set (really_probe
   * sets it before dma_configure), else the bus. An assumed driver has no known name, so the
   * prefix says so instead of printing the bus name the kernel would not print.
   */
  prefixFor(dev: Device | null): string {
    if (!dev) return "";
    const s = this.stateOf(dev);
    const drv = s && (s.out.state === "bound" || s.inProbe) ? s.out.driver : null;
    if (!drv) return dev.bus;
    return s!.out.driverAssumed ? ASSUMED_DRIVER_PREFIX : drv;
  }

  emit(kind: LogKind, dev: Device | null, level: LogLevel, message: string, prefix?: string): void {
    this.events.push(this.stage, kind, level, dev?.name ?? null, prefix ?? this.prefixFor(dev), message);
  }

  /**
   * A line about a struct device the model keeps no Device for (a composite driver's logical
   * device on its own bus): dev_name and dev_driver_string given as they are.
   */
  emitNamed(kind: LogKind, devName: string | null, level: LogLevel, message: string, prefix: string): void {
    this.events.push(this.stage, kind, level, devName, prefix, message);
  }

  /** A model note on the device (and in the log). */
  note(s: IommuDev, message: string): void {
    addNote(s.out, message);
    this.emit("note", s.dev, "info", message);
  }

  /** An error on the device, logged at `level` (null: not logged). */
  failWith(s: IommuDev, f: Failure, level: "err" | "warn" | "debug" | null): void {
    addError(s.out, f);
    if (level) this.emit("log", s.dev, level, f.message);
  }
}
