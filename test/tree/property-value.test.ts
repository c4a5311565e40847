// PropertyValue's reads: a slab range and an owned array answer alike, views alias the slab,
// and u32At reads the same cells as the bytes.
import { describe, expect, it } from "vitest";
import { PropertyValue } from "../../src/tree/model.ts";

describe("PropertyValue", () => {
  const slab = new Uint8Array([0xaa, 0xbb, 0x12, 0x34, 0x56, 0x78, 0xff, 0xff, 0xff, 0xfe, 0xcc]);
  const inSlab = PropertyValue.inSlab(slab, 2, 8, []);
  const owned = new PropertyValue(slab.slice(2, 10));

  it("gives the same bytes and cells for a slab range and an owned array", () => {
    for (const v of [inSlab, owned]) {
      expect([...v.bytes]).toEqual([0x12, 0x34, 0x56, 0x78, 0xff, 0xff, 0xff, 0xfe]);
      expect(v.length).toBe(8);
      expect(v.u32At(0)).toBe(0x12345678);
      expect(v.u32At(4)).toBe(0xfffffffe);
      expect(v.u32At(2)).toBe(0x5678ffff);
    }
  });

  it("writes through a view land in the slab (reference resolution writes in place)", () => {
    const s = new Uint8Array(8);
    const v = PropertyValue.inSlab(s, 4, 4, []);
    v.bytes[3] = 7;
    expect(s[7]).toBe(7);
    expect(v.u32At(0)).toBe(7);
    expect(v.bytes[3]).toBe(7);
  });

  it("an assigned array replaces the slab range", () => {
    const v = PropertyValue.inSlab(new Uint8Array(8), 0, 8, []);
    v.bytes = new Uint8Array([0, 0, 1, 0]);
    expect(v.length).toBe(4);
    expect(v.u32At(0)).toBe(256);
  });
});
