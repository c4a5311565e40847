// `-I fs`: a device tree from a directory laid out as /proc/device-tree is (dtc's fstree.c):
// each directory a node, each regular file a property whose value is the file's bytes. Entries
// come in the order the directory lists them (readdir's order, not sorted), as dtc takes them;
// other kinds of entries are skipped, as dtc skips them.
//
// Unlike dtc, the walk is iterative, a directory reached twice through symbolic links is an error
// instead of endless recursion, and the bytes read add up to at most the input limit.
import { opendirSync, statSync, type Stats } from "node:fs";
import { dtcJoinPath, MAX_INPUT_BYTES, readFileWithLimit, strerror, type DiagnosticSink } from "../source/index.ts";
import { guessBootCpuIdOf } from "../tree/boot-cpu.ts";
import { DeviceTree, DtNode, DtProperty, PropertyValue } from "../tree/model.ts";


/** The directory's entry names in readdir order (fs.readdirSync sorts them; dtc does not). */
function listInOrder(dir: string): string[] {
  const d = opendirSync(dir);
  const names: string[] = [];
  try {
    for (let e = d.readSync(); e !== null; e = d.readSync()) names.push(e.name);
  } finally {
    d.closeSync();
  }
  return names;
}

/** Reads the tree under `dir`; undefined (with an error in `sink`) when it cannot be read. */
export function readFsTree(dir: string, sink: DiagnosticSink): DeviceTree | undefined {
  const root = new DtNode("");
  const pending: { node: DtNode; path: string }[] = [{ node: root, path: dir }];
  const seen = new Set<string>();
  let bytes = 0;
  while (pending.length > 0) {
    const { node, path } = pending.pop()!;
    let names: string[];
    try {
      const st = statSync(path);
      const id = `${st.dev}:${st.ino}`;
      if (seen.has(id)) {
        sink.fileError("io", path, `directory "${path}" is reached twice (a symbolic link loop)`);
        return undefined;
      }
      seen.add(id);
      names = listInOrder(path);
    } catch (e) {
      sink.fileError("io", path, `Couldn't opendir() "${path}": ${strerror(e)}`);
      return undefined;
    }
    for (const name of names) {
      if (name === "." || name === "..") continue;
      const entry = dtcJoinPath(path, name);
      let st: Stats;
      try {
        st = statSync(entry);
      } catch (e) {
        sink.fileError("io", entry, `stat(${entry}): ${strerror(e)}`);
        return undefined;
      }
      bytes += name.length;
      if (st.isFile()) {
        const r = readFileWithLimit(entry, { limit: MAX_INPUT_BYTES - bytes });
        if (!r.ok) {
          if (r.problem.kind === "too-large") {
            sink.fileError("limit", dir, `the files under "${dir}" add up to more than the ${MAX_INPUT_BYTES / (1024 * 1024)} MiB input limit`);
            return undefined;
          }
          // dtc: a file it cannot open is skipped with a warning.
          sink.add({ severity: "warning", code: "io", message: `Cannot open ${entry}: ${r.problem.message}`, file: entry });
          continue;
        }
        bytes += r.bytes.length;
        node.appendProperty(new DtProperty(name, new PropertyValue(r.bytes), [], undefined));
      } else if (st.isDirectory()) {
        const child = new DtNode(name);
        node.appendChild(child);
        pending.push({ node: child, path: entry });
      }
      if (bytes > MAX_INPUT_BYTES) {
        sink.fileError("limit", dir, `the files under "${dir}" add up to more than the ${MAX_INPUT_BYTES / (1024 * 1024)} MiB input limit`);
        return undefined;
      }
    }
  }
  const tree = new DeviceTree(root);
  tree.bootCpuId = guessBootCpuIdOf(root);
  return tree;
}
