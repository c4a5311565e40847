// The extractor's readers one by one: Makefile statements and expansion, Kconfig types, .config
// values, C preprocessor conditions, guards and macros, initializers.
import { describe, expect, it } from "vitest";
import { configEnv, evaluateCondition } from "../../src/kernel-data/c-expr.ts";
import { scanC } from "../../src/kernel-data/c-file.ts";
import { MacroExpander } from "../../src/kernel-data/c-macros.ts";
import { tokenizePlain, tokensText } from "../../src/kernel-data/c-tokens.ts";
import { splitTopLevel } from "../../src/kernel-data/c-toplevel.ts";
import { parseDotConfig } from "../../src/kernel-data/dotconfig.ts";
import { fieldsOf, parseInitializer, referencedName, stringValue } from "../../src/kernel-data/initializer.ts";
import { readKbuildDir } from "../../src/kernel-data/kbuild-dir.ts";
import { readKconfigTypes } from "../../src/kernel-data/kconfig-reader.ts";
import { pciTableEntries } from "../../src/kernel-data/match-tables.ts";
import { conditionOf, readMakefile } from "../../src/kernel-data/makefile-reader.ts";
import { memoryKernelTree } from "../../src/kernel-data/source-tree.ts";
import { buildState, guardHolds } from "../../src/kernel-data/build-eval.ts";

describe("Makefile reader", () => {
  it("joins continued lines, drops comments and rules, keeps conditions", () => {
    const st = readMakefile(["obj-y += a.o \\", "\tb.o # two", "foo.o: bar.h", "ifeq ($(CONFIG_X),y)", "\tobj-y += c.o", "else", "obj-y += d.o", "endif", "define X", "obj-y += e.o", "endef"].join("\n"));
    expect(st).toEqual([
      { kind: "assign", lhs: "obj-y", op: "+=", rhs: "a.o  \tb.o", conds: [], line: 1 },
      { kind: "assign", lhs: "obj-y", op: "+=", rhs: "c.o", conds: ["CONFIG_X"], line: 5 },
      { kind: "assign", lhs: "obj-y", op: "+=", rhs: "d.o", conds: ["!CONFIG_X"], line: 7 },
    ]);
  });

  it("reads the usual configuration tests", () => {
    expect(conditionOf("ifdef", "CONFIG_A")).toBe("CONFIG_A");
    expect(conditionOf("ifndef", "CONFIG_A")).toBe("!CONFIG_A");
    expect(conditionOf("ifneq", "($(CONFIG_A),)")).toBe("CONFIG_A");
    expect(conditionOf("ifeq", '"$(CONFIG_A)" "m"')).toBe("CONFIG_A");
    expect(conditionOf("ifeq", "($(CC),clang)")).toBeUndefined();
  });

  it("evaluates obj- lists with conditions through variables, composites and functions", () => {
    const tree = memoryKernelTree({
      "d/Makefile": [
        "machine-$(CONFIG_ARCH_A) += a",
        "obj-y += $(patsubst %,mach-%/,$(machine-y))",
        "obj-$(subst m,y,$(CONFIG_B)) += b/",
        "foo-objs := x.o",
        "foo-$(CONFIG_C) += y.o",
        "obj-m += foo.o",
        "obj-$(CONFIG_D) += $(addprefix sub/,z.o)",
        "ccflags-y += -I$(srctree)/$(src)/inc",
      ].join("\n"),
    });
    const kb = readKbuildDir(tree, "d", "arm64")!;
    expect(kb.objects).toEqual([
      { w: "mach-a/", conds: ["CONFIG_ARCH_A"] },
      { w: "b/", conds: ["CONFIG_B"] },
      { w: "foo.o", conds: [] },
      { w: "sub/z.o", conds: ["CONFIG_D"] },
    ]);
    expect(kb.lists.get("foo-y")).toEqual([
      { w: "x.o", conds: [] },
      { w: "y.o", conds: ["CONFIG_C"] },
    ]);
    expect(kb.lists.get("ccflags-y")).toEqual([{ w: "-I./d/inc", conds: [] }]);
  });
});

describe("Kconfig and .config", () => {
  it("types symbols; tristate wins over bool", () => {
    const m = new Map();
    readKconfigTypes("config A\n\tbool \"a\"\nmenuconfig B\n\tdef_tristate m\nconfig C\n\tint\nconfig A\n\ttristate\n", m);
    expect(Object.fromEntries(m)).toEqual({ CONFIG_A: "tristate", CONFIG_B: "tristate" });
  });

  it("reads values and the arch", () => {
    const c = parseDotConfig("CONFIG_ARM64=y\nCONFIG_A=m\n# CONFIG_B is not set\nCONFIG_S=\"x\"\n");
    expect([c.value("CONFIG_A"), c.value("CONFIG_B"), c.value("CONFIG_S"), c.value("CONFIG_Z"), c.arch]).toEqual(["m", "n", "y", "n", "arm64"]);
  });

  it("evaluates build conditions: a module inside a built-in directory is m; a missing clause is n", () => {
    const v = (s: string) => (({ CONFIG_A: "y", CONFIG_B: "m" }) as Record<string, "y" | "m">)[s] ?? "n";
    expect(buildState([["CONFIG_A"], ["CONFIG_B"]], v)).toBe("m");
    expect(buildState([["CONFIG_A"], ["CONFIG_C", "CONFIG_A"]], v)).toBe("y");
    expect(buildState([["CONFIG_A"], ["CONFIG_C"]], v)).toBe("n");
    expect(buildState([["!CONFIG_C"]], v)).toBe("y");
    expect(buildState([], v)).toBe("y");
    expect(guardHolds("IS_ENABLED(CONFIG_B)&&!defined(CONFIG_B)", v)).toBe(true);
    expect(guardHolds("defined(CONFIG_B)", v)).toBe(false);
    expect(guardHolds("IS_MODULE(CONFIG_B)||defined(MODULE)", () => "n", true)).toBe(true);
  });
});

describe("C preprocessor", () => {
  it("evaluates conditions three-valued: unknown stays unknown unless the other side decides", () => {
    const env = (n: string) => (n === "CONFIG_OF" ? 1 : undefined);
    expect(evaluateCondition("defined(CONFIG_OF) && 1", env)).toBe(1);
    expect(evaluateCondition("!defined(CONFIG_OF) && defined(CONFIG_X)", env)).toBe(0);
    expect(evaluateCondition("defined(CONFIG_X) || IS_ENABLED(CONFIG_OF)", env)).toBe(1);
    expect(evaluateCondition("defined(CONFIG_X)", env)).toBeUndefined();
    expect(evaluateCondition("IS_ENABLED(CONFIG_X)", configEnv((s) => (s === "CONFIG_X" ? "m" : "n")))).toBe(1);
  });

  it("keeps guards per token, drops always-true CONFIG_OF and dead branches, honours include guards", () => {
    const f = scanC(["#ifndef H", "#define H", "#ifdef CONFIG_OF", "a", "#else", "b", "#endif", "#if defined(CONFIG_X) /* c */ \\", "  && 1", "c", "#elif 0", "d", "#else", "e", "#endif", "#endif"].join("\n"));
    const byText = Object.fromEntries(f.tokens.map((t) => [t.v, f.guards[t.g]]));
    expect(byText).toEqual({ a: [], c: ["(defined(CONFIG_X)&&1)"], e: ["(!(defined(CONFIG_X)&&1))"] });
    expect(f.defines.get("H")).toBeDefined();
  });

  it("expands object- and function-like macros with # and ## and __VA_ARGS__", () => {
    const f = scanC(['#define V(x) PCI_VENDOR_ID_##x', "#define S(x) #x", "#define L(...) { __VA_ARGS__ }", "#define PCI_VENDOR_ID_ACME 0x1abc", "V(ACME) S(a b) L(1, 2)"].join("\n"));
    const lookup = (n: string) => f.defines.get(n)?.at(-1);
    expect(tokensText(new MacroExpander(lookup).expand(f.tokens))).toBe('0x1abc"a b"{1,2}');
  });

  it("splits the top level into functions, declarations and invocations", () => {
    const items = splitTopLevel(tokenizePlain("static int __init f(void) { return g(); } module_platform_driver(x) static const struct of_device_id t[] __maybe_unused = { {} }; struct s { int a; }; int __printf(1, 2) h(const char *f, ...) { }"));
    expect(items.map((i) => [i.kind, "name" in i ? i.name : undefined])).toEqual([
      ["function", "f"],
      ["invocation", "module_platform_driver"],
      ["declaration", "t"],
      ["declaration", undefined],
      ["function", "h"],
    ]);
  });
});

describe("initializers", () => {
  it("reads designated, nested and positional fields, strings and references", () => {
    const { list } = parseInitializer(tokenizePlain('{ .driver = { .name = "a" "b", .of_match_table = of_match_ptr(m) }, .driver.pm = &pm, 5 }'))!;
    const f = fieldsOf(list, ["driver", "probe"]);
    expect(stringValue(f.get("driver.name"))).toBe("ab");
    expect(referencedName(f.get("driver.of_match_table"))).toBe("m");
    expect(referencedName(f.get("driver.pm"))).toBe("pm");
    expect(f.get("probe")).toEqual({ kind: "expr", tokens: [expect.objectContaining({ v: "5" })] });
  });

  it("computes PCI IDs in 32 bits, with GNU ?: and 64-bit literals", () => {
    const { list } = parseInitializer(tokenizePlain("{ { 0x10de, (unsigned)((0x8012900500429005ull >> 48) & 0xFFFF ?: ~0), ~0, ~0, 0x0300 << 8, 0xffff00 }, { 0, } }"))!;
    expect(pciTableEntries(list)).toEqual({ entries: ["10de:8012 class 030000/ffff00"], unresolved: [] });
  });
});
