import { describe, expect, it } from "vitest";
import { StringsTable } from "../../src/fdt/strings-table.ts";

describe("StringsTable (dtc's suffix-sharing strings block)", () => {
  it("appends new names in first-use order", () => {
    const t = new StringsTable();
    expect(t.insert("compatible")).toBe(0);
    expect(t.insert("reg")).toBe(11);
    expect(t.insert("compatible")).toBe(0);
    expect(t.text()).toBe("compatible\0reg\0");
    expect(t.length).toBe(15);
  });

  it("reuses the tail of an earlier name", () => {
    const t = new StringsTable();
    t.insert("#size-cells");
    expect(t.insert("size-cells")).toBe(1);
    expect(t.insert("cells")).toBe(6);
    expect(t.insert("s")).toBe(10);
    expect(t.text()).toBe("#size-cells\0");
  });

  it("does not reuse a name that only appears as a prefix or in the middle", () => {
    const t = new StringsTable();
    t.insert("interrupts-extended");
    expect(t.insert("interrupts")).toBe(20);
    expect(t.insert("rupts")).toBe(25);
    expect(t.text()).toBe("interrupts-extended\0interrupts\0");
  });

  it("picks the first occurrence when a name is the tail of several strings", () => {
    const t = new StringsTable();
    t.insert("a-cells");
    t.insert("b-cells");
    expect(t.insert("cells")).toBe(2);
    expect(t.insert("b-cells")).toBe(8);
  });

  it("an empty name reuses the first NUL", () => {
    const t = new StringsTable();
    t.insert("ab");
    expect(t.insert("")).toBe(2);
    const e = new StringsTable();
    expect(e.insert("")).toBe(0);
    expect(e.text()).toBe("\0");
  });
});
