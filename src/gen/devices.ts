// The device population on the SoC bus: one labelled node per device, drawn from a table of
// realistic peripheral kinds, each with `reg`, interrupts, clocks, resets, power domains, and (for
// DMA masters) `iommus`; plus cross references (DMA channels, GPIOs, phandle and path references)
// and the trailing `&label { }` overrides a board file layers on top of its SoC file.
import type { IommuPlan } from "./iommu-plan.ts";
import type { IrqAllocator } from "./platform.ts";
import { SOC_PATH } from "./platform.ts";
import type { Prng } from "./prng.ts";
import type { Lines } from "./text.ts";
import { cells64, hex, unitAddress } from "./text.ts";

/** Device register windows: 4 KiB apart from here up (the IOMMUs and controllers sit below). */
export const DEVICE_BASE = 0x2000_0000;
const DEVICE_STRIDE = 0x1000;

type Extra = (d: DeviceWriter, i: number, t: string) => void;

interface DeviceKind {
  /** Node base name (the part before `@`). */
  readonly node: string;
  /** Label prefix; the device index is appended, so labels are unique. */
  readonly label: string;
  /** The text after `compatible = `. */
  readonly compatible: string;
  readonly weight: number;
  /** `iommus` specifiers for a DMA master (0: not a master). */
  readonly streams: 0 | 1 | 2;
  /** Interrupt names when the device has several lines; otherwise one unnamed line. */
  readonly irqNames?: readonly string[];
  readonly regSize: number;
  readonly extra?: Extra;
  /** Alias stem (`serial` → `serial0`) for the first few devices of this kind. */
  readonly alias?: string;
}

const KINDS: readonly DeviceKind[] = [
  {
    node: "serial", label: "uart", compatible: '"dtprobe,uart", "ns16550a"', weight: 8, streams: 0, regSize: 0x100, alias: "serial",
    extra: (d, _i, t) => {
      d.out.push(`${t}reg-shift = <2>;`);
      d.out.push(`${t}reg-io-width = <4>;`);
      d.dmaChannels(t);
    },
  },
  {
    node: "i2c", label: "i2c", compatible: '"dtprobe,i2c"', weight: 6, streams: 0, regSize: 0x400, alias: "i2c",
    extra: (d, _i, t) => {
      d.out.push(`${t}clock-frequency = <400000>;`);
      d.out.push(`${t}#address-cells = <1>;`);
      d.out.push(`${t}#size-cells = <0>;`);
    },
  },
  {
    node: "spi", label: "spi", compatible: '"dtprobe,spi"', weight: 4, streams: 0, regSize: 0x400, alias: "spi",
    extra: (d, _i, t) => {
      d.out.push(`${t}#address-cells = <1>;`);
      d.out.push(`${t}#size-cells = <0>;`);
      d.dmaChannels(t);
    },
  },
  {
    node: "gpio", label: "gpio", compatible: '"dtprobe,gpio"', weight: 5, streams: 0, regSize: 0x100,
    extra: (d, _i, t) => {
      d.out.push(`${t}gpio-controller;`);
      d.out.push(`${t}#gpio-cells = <2>;`);
      d.out.push(`${t}interrupt-controller;`);
      d.out.push(`${t}#interrupt-cells = <2>;`);
      // dtc 1.6.1's interrupt_provider check wants #address-cells on every interrupt provider.
      d.out.push(`${t}#address-cells = <0>;`);
    },
  },
  {
    node: "usb", label: "usb", compatible: '"dtprobe,dwc3", "snps,dwc3"', weight: 8, streams: 1, regSize: 0x1000,
    extra: (d, _i, t) => {
      d.out.push(`${t}dr_mode = "${d.prng.pick(["host", "peripheral", "otg"])}";`);
      d.out.push(`${t}dtprobe,quirks = /bits/ 8 <0x1 0x${d.prng.below(256).toString(16)}>;`);
    },
  },
  {
    node: "ethernet", label: "eth", compatible: '"dtprobe,eqos", "snps,dwmac-4.20a"', weight: 6, streams: 1, regSize: 0x1000, alias: "ethernet",
    irqNames: ["macirq", "eth_wake_irq"],
    extra: (d, i, t) => {
      d.out.push(`${t}phy-mode = "rgmii-id";`);
      d.out.push(`${t}local-mac-address = [02 00 ${byteHex(i >>> 16)} ${byteHex(i >>> 8)} ${byteHex(i)} ${byteHex(d.prng.below(256))}];`);
      d.out.push(`${t}dtprobe,tx-fifo-depth = /bits/ 16 <0x800 ${hex(d.prng.between(1, 8) * 0x100)}>;`);
      d.gpio(t, "reset-gpios");
    },
  },
  {
    node: "mmc", label: "mmc", compatible: '"dtprobe,sdhci"', weight: 6, streams: 1, regSize: 0x1000, alias: "mmc",
    extra: (d, _i, t) => {
      d.out.push(`${t}bus-width = <${d.prng.pick([4, 8])}>;`);
      d.out.push(`${t}max-frequency = <200000000>;`);
      if (d.prng.percent(50)) d.out.push(`${t}non-removable;`);
      else d.gpio(t, "cd-gpios");
    },
  },
  {
    node: "gpu", label: "gpu", compatible: '"dtprobe,gpu", "arm,mali-bifrost"', weight: 3, streams: 2, regSize: 0x1000,
    irqNames: ["job", "mmu", "gpu"],
    extra: (d, _i, t) => {
      d.out.push(`${t}dtprobe,opp-hz = /bits/ 64 <400000000 ${d.prng.between(6, 12) * 100000000}>;`);
    },
  },
  {
    node: "video-codec", label: "vpu", compatible: '"dtprobe,vpu"', weight: 4, streams: 2, regSize: 0x1000,
    extra: (d, _i, t) => {
      d.out.push(`${t}firmware-name = "dtprobe/vpu-fw.bin";`);
    },
  },
  {
    node: "display-controller", label: "dpu", compatible: '"dtprobe,dpu"', weight: 3, streams: 1, regSize: 0x1000,
    extra: (d, i, t) => d.crossReference(i, t),
  },
  {
    node: "dma-controller", label: "dmac", compatible: '"arm,pl330", "arm,primecell"', weight: 5, streams: 1, regSize: 0x1000,
    extra: (d, _i, t) => {
      d.out.push(`${t}#dma-cells = <1>;`);
      d.out.push(`${t}dma-channels = <8>;`);
      d.out.push(`${t}dtprobe,tag = <'D' 'M' 'A'>;`);
    },
  },
  {
    node: "crypto", label: "crypto", compatible: '"dtprobe,crypto"', weight: 3, streams: 1, regSize: 0x1000,
    extra: (d, _i, t) => {
      d.out.push(`${t}dtprobe,algorithms = "aes", "sha256", "rsa";`);
    },
  },
  {
    node: "npu", label: "npu", compatible: '"dtprobe,npu"', weight: 2, streams: 1, regSize: 0x1000,
    extra: (d, i, t) => {
      // A value label, a string, a char literal and a byte string in one property.
      d.out.push(`${t}dtprobe,info = npu${i}_info: "npu", <'n' ${hex(d.prng.below(16))}>, [ca fe];`);
    },
  },
  {
    node: "isp", label: "isp", compatible: '"dtprobe,isp"', weight: 3, streams: 1, regSize: 0x1000,
    extra: (d, i, t) => {
      d.out.push(`${t}dtprobe,lanes = /bits/ 8 <1 2 3 4>;`);
      d.crossReference(i, t);
    },
  },
  {
    node: "audio-controller", label: "i2s", compatible: '"dtprobe,i2s"', weight: 4, streams: 1, regSize: 0x400,
    extra: (d, _i, t) => {
      d.out.push(`${t}#sound-dai-cells = <0>;`);
      d.dmaChannels(t);
    },
  },
  {
    node: "watchdog", label: "wdt", compatible: '"arm,sp805", "arm,primecell"', weight: 2, streams: 0, regSize: 0x1000,
    extra: (d, _i, t) => {
      d.out.push(`${t}timeout-sec = <${d.prng.between(10, 60)}>;`);
    },
  },
  {
    node: "pwm", label: "pwm", compatible: '"dtprobe,pwm"', weight: 2, streams: 0, regSize: 0x100,
    extra: (d, _i, t) => {
      d.out.push(`${t}#pwm-cells = <3>;`);
    },
  },
];

const KIND_WEIGHTS = KINDS.map((k) => k.weight);
const KIND_WEIGHT_TOTAL = KIND_WEIGHTS.reduce((a, b) => a + b, 0);
const KIND_INDEX = new Map(KINDS.map((k, n) => [k, n]));
const ALIASES_PER_KIND = 4;

function byteHex(n: number): string {
  return (n & 0xff).toString(16).padStart(2, "0");
}

export function deviceAddress(i: number): number {
  return DEVICE_BASE + i * DEVICE_STRIDE;
}

/** Writes devices in index order and remembers what later devices and the trailer refer to. */
export class DeviceWriter {
  /** Kind of each device emitted so far (an index into KINDS). */
  private readonly kindOf: Uint8Array;
  private readonly gpioControllers: number[] = [];
  private readonly dmaControllers: number[] = [];
  /** Trailing `&label { }` / `&{/path} { }` / `/delete-node/` statements, in device order. */
  readonly overrides: string[] = [];
  /** `name = &label;` lines for /aliases, in first-seen order. */
  readonly aliases: string[] = [];
  private readonly aliasCount = new Map<string, number>();
  firstSerialAlias: string | undefined = undefined;
  out!: Lines;

  constructor(
    readonly prng: Prng,
    private readonly plan: IommuPlan,
    private readonly irqs: IrqAllocator,
    count: number,
  ) {
    this.kindOf = new Uint8Array(count);
  }

  label(i: number): string {
    return KINDS[this.kindOf[i]!]!.label + i;
  }

  path(i: number): string {
    return `${SOC_PATH}/${KINDS[this.kindOf[i]!]!.node}@${unitAddress(deviceAddress(i))}`;
  }

  /** `indent` is the node line's indentation: two tabs inside `/ { soc { … } }`, one in `&soc { … }`. */
  emit(out: Lines, i: number, indent: string): void {
    this.out = out;
    const prng = this.prng;
    const kind = prng.weighted(KINDS, KIND_WEIGHTS, KIND_WEIGHT_TOTAL);
    this.kindOf[i] = KIND_INDEX.get(kind)!;
    const label = kind.label + i;
    const address = deviceAddress(i);
    const t = indent + "\t";
    out.push(`${indent}${label}: ${kind.node}@${unitAddress(address)} {`);
    out.push(`${t}compatible = ${kind.compatible};`);
    // Property labels (a fifth of the devices) and value labels (another fifth): dtc looks each of
    // these up with whole-tree scans of every property and value, the reference density of the
    // issue's board (dts-syntax.md §12).
    const labelling = prng.below(5);
    const regLabel = labelling === 0 ? `${label}_regs: ` : "";
    out.push(`${t}${regLabel}reg = ${regValue(prng, i, address, kind.regSize)};`);
    this.interrupts(kind, t, labelling === 1 ? label : undefined);
    const clocking = prng.below(10);
    const c = (i * 2) & 0x1ff;
    if (clocking < 5) {
      out.push(`${t}clocks = <&ccu ${hex(c)}>, <&ccu ${hex(c + 1)}>;`);
      out.push(`${t}clock-names = "core", "bus";`);
    } else if (clocking < 9) out.push(`${t}clocks = <&ccu ${hex(c)}>;`);
    else out.push(`${t}clocks = <&osc24m>;`);
    if (prng.percent(50)) out.push(`${t}resets = <&ccu ${hex(i & 0x1ff)}>;`);
    if (prng.percent(60)) out.push(`${t}power-domains = <&pd ${i % 32}>;`);
    let coherent = false;
    if (kind.streams > 0) {
      const spec = this.plan.assign(prng, kind.streams);
      if (spec !== undefined) out.push(`${t}iommus = ${spec};`);
      if (prng.percent(40)) {
        out.push(`${t}dma-coherent;`);
        coherent = true;
      }
    }
    kind.extra?.(this, i, t);
    // Every other device also points at a random earlier device, by phandle or by path.
    if (i > 0 && prng.percent(50)) this.crossReference(i, t, "-link");
    // status: 15% disabled, 35% an explicit "okay", the rest left to the default.
    const status = prng.below(20);
    const disabled = status < 3;
    if (status < 10) out.push(`${t}status = "${disabled ? "disabled" : "okay"}";`);
    this.children(kind, i, label, t);
    out.push(`${indent}};`);
    this.remember(kind, i, label, disabled);
    if (prng.percent(10)) this.override(i, label, disabled, coherent);
  }

  /** With `valueLabel`, the first specifier's last cell carries a value label (`<0 42 irq: 4>`). */
  private interrupts(kind: DeviceKind, t: string, valueLabel: string | undefined): void {
    const names = kind.irqNames;
    const first = valueLabel === undefined ? "" : `${valueLabel}_irq: `;
    if (names === undefined) {
      this.out.push(`${t}interrupts = <0 ${this.irqs.next()} ${first}4>;`);
      return;
    }
    this.out.push(`${t}interrupts = ${names.map((_, n) => `<0 ${this.irqs.next()} ${n === 0 ? first : ""}4>`).join(", ")};`);
    this.out.push(`${t}interrupt-names = ${names.map((n) => `"${n}"`).join(", ")};`);
  }

  /** Buses get one labelled child so that the tree has depth below the SoC bus. */
  private children(kind: DeviceKind, i: number, label: string, t: string): void {
    if (kind.node === "i2c") {
      const sensor = 0x48 + (i & 7);
      const eeprom = 0x50 + (i & 7);
      this.out.push("");
      this.out.push(`${t}${label}_sensor: temperature-sensor@${sensor.toString(16)} {`);
      this.out.push(`${t}\tcompatible = "dtprobe,temp-sensor";`);
      this.out.push(`${t}\treg = <${hex(sensor)}>;`);
      this.out.push(`${t}};`);
      this.out.push("");
      this.out.push(`${t}${label}_eeprom: eeprom@${eeprom.toString(16)} {`);
      this.out.push(`${t}\tcompatible = "atmel,24c32";`);
      this.out.push(`${t}\treg = <${hex(eeprom)}>;`);
      this.out.push(`${t}\tpagesize = <32>;`);
      this.out.push(`${t}};`);
      // Board files drop parts the SoC file declared: by label at top level, or by name in a merge.
      const r = this.prng.below(10);
      if (r === 0) this.overrides.push(`/delete-node/ &${label}_sensor;`);
      else if (r === 1) this.overrides.push(`&${label} {\n\t/delete-node/ eeprom@${eeprom.toString(16)};\n};`);
    } else if (kind.node === "spi") {
      this.out.push("");
      this.out.push(`${t}${label}_flash: flash@0 {`);
      this.out.push(`${t}\tcompatible = "jedec,spi-nor";`);
      this.out.push(`${t}\treg = <0>;`);
      this.out.push(`${t}\tspi-max-frequency = <50000000>;`);
      this.out.push(`${t}};`);
    }
  }

  private remember(kind: DeviceKind, i: number, label: string, disabled: boolean): void {
    if (kind.node === "gpio") this.gpioControllers.push(i);
    else if (kind.node === "dma-controller") this.dmaControllers.push(i);
    if (kind.alias !== undefined && !disabled) {
      const n = this.aliasCount.get(kind.alias) ?? 0;
      if (n < ALIASES_PER_KIND) {
        this.aliasCount.set(kind.alias, n + 1);
        // Mostly `&label` (a path reference); one per kind as a literal path string.
        this.aliases.push(n === 1 ? `${kind.alias}${n} = "${this.path(i)}";` : `${kind.alias}${n} = &${label};`);
        if (kind.alias === "serial" && n === 0) this.firstSerialAlias = `${kind.alias}0`;
      }
    }
  }

  private override(i: number, label: string, disabled: boolean, coherent: boolean): void {
    const body: string[] = [];
    if (disabled) body.push('\tstatus = "okay";');
    else if (coherent && this.prng.percent(50)) {
      body.push("\t/delete-property/ dma-coherent;");
      body.push('\tdtprobe,coherency = "none";');
    } else body.push('\tstatus = "disabled";');
    // Most overrides name the label; a few use the full path, as board files sometimes do.
    const target = this.prng.percent(5) ? `&{${this.path(i)}}` : `&${label}`;
    this.overrides.push(`${target} {\n${body.join("\n")}\n};`);
  }

  /** `dmas` to an earlier DMA controller, when there is one. */
  dmaChannels(t: string): void {
    const n = this.dmaControllers.length;
    if (n === 0 || !this.prng.percent(60)) return;
    const c = this.label(this.dmaControllers[this.prng.below(n)]!);
    const ch = this.prng.below(16) * 2;
    this.out.push(`${t}dmas = <&${c} ${ch}>, <&${c} ${ch + 1}>;`);
    this.out.push(`${t}dma-names = "tx", "rx";`);
  }

  /** A `*-gpios` property to an earlier GPIO controller, when there is one. */
  gpio(t: string, name: string): void {
    const n = this.gpioControllers.length;
    if (n === 0) return;
    const g = this.label(this.gpioControllers[this.prng.below(n)]!);
    this.out.push(`${t}${name} = <&${g} ${this.prng.below(32)} ${this.prng.below(2)}>;`);
  }

  /** A phandle reference and a path reference (by label or by path) to earlier devices. */
  crossReference(i: number, t: string, suffix = ""): void {
    if (i === 0) return;
    const a = this.prng.below(i);
    const b = this.prng.below(i);
    this.out.push(`${t}dtprobe,peer${suffix} = <&${this.label(a)}>;`);
    this.out.push(`${t}dtprobe,companion${suffix} = ${this.prng.percent(25) ? `&{${this.path(b)}}` : `&${this.label(b)}`};`);
  }
}

/** `reg` in one of the forms kernel sources use: plain cells, or cells computed by expressions. */
function regValue(prng: Prng, i: number, address: number, size: number): string {
  const [hi, lo] = cells64(address);
  const form = prng.below(6);
  if (hi === 0 && form === 0) return `<0x0 (${hex(DEVICE_BASE)} + ${i} * ${hex(DEVICE_STRIDE)}) 0x0 ${hex(size)}>`;
  if (hi === 0 && form === 1) return `<0x0 (${hex(lo - (lo & 0xffff))} | ${hex(lo & 0xffff)}) 0x0 (${size >> 8} << 8)>`;
  return `<${hex(hi)} ${hex(lo)} 0x0 ${hex(size)}>`;
}
