// `npm run kernel-data -- SOURCE [--config [NAME=]FILE]... [--arch arm64|arm]... [-o OUT]`
// Extracts the driver facts of a kernel source tree or tarball into a data file.
import { basename } from "node:path";
import { configNameFromFile, KERNEL_DATA_USAGE, parseKernelDataArgs } from "./cli-args.ts";
import { configFromDeb, debInfo, owningPackage } from "./debian-package.ts";
import { InputError, readMaybeCompressedText } from "./decompress.ts";
import { parseDotConfig } from "./dotconfig.ts";
import { extractKernelData, type ConfigInput } from "./extract.ts";
import { openKernelTree, type Arch } from "./source-tree.ts";
import { kernelDataText, writeKernelData } from "./writer.ts";

function shellWord(w: string): string {
  return /^[\w@%+=:,./-]+$/.test(w) ? w : `'${w.replace(/'/g, "'\\''")}'`;
}

async function run(argv: readonly string[]): Promise<number> {
  const args = parseKernelDataArgs(argv);
  if ("help" in args) {
    process.stdout.write(`${KERNEL_DATA_USAGE}\n`);
    return 0;
  }
  if ("error" in args) {
    process.stderr.write(`kernel-data: ${args.error}\n${KERNEL_DATA_USAGE}\n`);
    return 2;
  }
  try {
    const configs: ConfigInput[] = [];
    const configArches: Arch[] = [];
    for (const c of args.configs) {
      let text: string;
      let file: string;
      let pkg: { name: string; version: string } | undefined;
      if (c.path.endsWith(".deb")) {
        if (c.name === undefined) throw new InputError(`--config ${c.path}: a .deb needs the flavour: --config NAME=${c.path}`);
        ({ text, file } = await configFromDeb(c.path, c.name));
        pkg = debInfo(c.path);
      } else {
        text = await readMaybeCompressedText(c.path);
        file = basename(c.path);
        pkg = owningPackage(c.path);
      }
      const arch = parseDotConfig(text).arch;
      if (!arch) throw new InputError(`${c.path}: not an arm64 or arm .config (neither CONFIG_ARM64 nor CONFIG_ARM is set)`);
      configArches.push(arch);
      configs.push({ name: c.name ?? configNameFromFile(c.path), file, text, ...(pkg ? { package: pkg.name, packageVersion: pkg.version } : {}) });
    }
    const arches: Arch[] = args.arches.length > 0 ? [...new Set(args.arches)] : configArches.length > 0 ? [...new Set(configArches)] : ["arm64", "arm"];
    const started = Date.now();
    const tree = await openKernelTree(args.source, arches);
    const sourcePackage = owningPackage(args.source);
    const data = extractKernelData(tree, {
      arches,
      configs,
      input: basename(args.source),
      command: ["npm", "run", "kernel-data", "--", ...argv].map(shellWord).join(" "),
      ...(sourcePackage ? { sourcePackage } : {}),
      pciOnlyConfigured: configs.length > 0,
    });
    if (args.output === undefined) process.stdout.write(kernelDataText(data));
    else writeKernelData(args.output, data);
    const s = data.stats;
    process.stderr.write(
      `kernel-data: ${data.kernel.version}: ${s.ofDrivers} OF drivers (${s.compatibles} compatibles), ${s.pciDrivers} PCI drivers, ${s.early} early declarations; ` +
        `drivers/: ${s.ofDriversInDriversResolved}/${s.ofDriversInDrivers} OF drivers resolved; ${((Date.now() - started) / 1000).toFixed(1)} s\n`,
    );
    return 0;
  } catch (e) {
    if (e instanceof InputError) {
      process.stderr.write(`kernel-data: error: ${e.message}\n`);
      return 1;
    }
    throw e;
  }
}

process.exitCode = await run(process.argv.slice(2));
