// Debian packages as config sources: a linux-config-X.Y .deb holds config.<arch>_<featureset>_<flavour>.xz
// under /usr/src/linux-config-X.Y/; `--config armmp=linux-config-6.1_..._armhf.deb` reads the
// flavour's config out of it (through `dpkg-deb --fsys-tarfile`), with the package and version.
// For a plain file, the package that installed it (dpkg-query -S).
import { execFileSync, spawn } from "node:child_process";
import { resolve } from "node:path";
import { InputError } from "./decompress.ts";
import { TarStreamParser } from "./tar-reader.ts";

export interface PackageInfo {
  /** `name:arch` as dpkg spells a package of an architecture (`linux-config-6.1:armhf`). */
  readonly name: string;
  readonly version: string;
}

function dpkg(args: string[]): string | undefined {
  try {
    return execFileSync(args[0]!, args.slice(1), { encoding: "utf8", stdio: ["ignore", "pipe", "ignore"], maxBuffer: 1 << 20 });
  } catch {
    return undefined;
  }
}

/** The installed package owning a file, and its version (undefined without dpkg or owner). */
export function owningPackage(path: string): PackageInfo | undefined {
  const owner = dpkg(["dpkg-query", "-S", resolve(path)]);
  if (!owner) return undefined;
  const name = owner.split("\n")[0]!.replace(/: .*$/, "").split(",")[0]!.trim();
  const version = dpkg(["dpkg-query", "-W", "-f=${Version}", name])?.trim();
  return name && version ? { name, version } : undefined;
}

/** Package, version and architecture fields of a .deb file. */
export function debInfo(deb: string): PackageInfo {
  const out = dpkg(["dpkg-deb", "-f", deb, "Package", "Version", "Architecture"]);
  if (!out) throw new InputError(`${deb}: cannot read the package's control fields (is dpkg-deb installed and is this a .deb?)`);
  const field = (k: string) => new RegExp(`^${k}: (.*)$`, "m").exec(out)?.[1]?.trim() ?? "";
  const arch = field("Architecture");
  return { name: arch && arch !== "all" ? `${field("Package")}:${arch}` : field("Package"), version: field("Version") };
}

/** Runs a program and collects its stdout, failing with a clear message. */
function collect(cmd: string, args: string[], input?: Buffer): Promise<Buffer> {
  return new Promise((resolveP, reject) => {
    const child = spawn(cmd, args, { stdio: [input ? "pipe" : "ignore", "pipe", "pipe"] });
    const parts: Buffer[] = [];
    let stderr = "";
    child.stdout!.on("data", (d: Buffer) => parts.push(d));
    child.stderr!.on("data", (d: Buffer) => (stderr += d.toString()));
    child.on("error", (e: NodeJS.ErrnoException) => reject(new InputError(e.code === "ENOENT" ? `\`${cmd}\` is not installed` : `cannot run ${cmd}: ${e.message}`)));
    child.on("close", (code) => (code === 0 ? resolveP(Buffer.concat(parts)) : reject(new InputError(`${cmd} failed${stderr ? `: ${stderr.trim()}` : ` (exit ${code})`}`))));
    if (input) child.stdin!.end(input);
  });
}

/**
 * The text of flavour `name`'s config in a linux-config .deb (featureset `none` preferred), and the
 * member's file name.
 */
export async function configFromDeb(deb: string, name: string): Promise<{ file: string; text: string }> {
  const tar = await collect("dpkg-deb", ["--fsys-tarfile", deb]);
  const members = new Map<string, Buffer>();
  const parser = new TarStreamParser(
    (p) => /\/usr\/src\/linux-config-[^/]+\/config\.[^/]+$/.test(p),
    (e) => members.set(e.path.slice(e.path.lastIndexOf("/") + 1), e.bytes),
  );
  parser.push(tar);
  const flavour = (f: string) => /^config\.[^_]+_([^_]+)_(.+?)(\.xz)?$/.exec(f);
  const matches = [...members.keys()].filter((f) => flavour(f)?.[2] === name).sort((a, b) => +(flavour(b)![1] === "none") - +(flavour(a)![1] === "none"));
  const file = matches[0];
  if (file === undefined) {
    const names = [...members.keys()].map((f) => flavour(f)?.[2]).filter(Boolean);
    throw new InputError(`${deb} has no config for flavour ${name} (it has: ${[...new Set(names)].join(", ")})`);
  }
  const bytes = members.get(file)!;
  const text = file.endsWith(".xz") ? await collect("xz", ["-dc"], bytes) : bytes;
  return { file, text: text.toString("latin1") };
}
