import { describe, expect, it } from "vitest";
import { decodeCharLiteral, decodeEscapes, decodeIntegerLiteral, decodeSmallLiteral, HexEscapeError } from "../../src/tree/literals.ts";

const bytesOf = (raw: string) => decodeEscapes(raw);

describe("integer literals (strtoull base 0 + U/L suffix)", () => {
  it("decodes decimal, hex and octal", () => {
    expect(decodeIntegerLiteral("42").value).toBe(42n);
    expect(decodeIntegerLiteral("0x1F").value).toBe(31n);
    expect(decodeIntegerLiteral("0X1f").value).toBe(31n);
    expect(decodeIntegerLiteral("010000").value).toBe(4096n);
    expect(decodeIntegerLiteral("0726746425").value).toBe(0o726746425n);
    expect(decodeIntegerLiteral("0").value).toBe(0n);
  });
  it("accepts U/L suffixes", () => {
    for (const raw of ["10U", "10L", "10UL", "10LL", "10ULL", "0x10ULL"]) expect(decodeIntegerLiteral(raw).errors).toBeUndefined();
    expect(decodeIntegerLiteral("0x10ULL").value).toBe(16n);
  });
  it("reports dtc's errors", () => {
    expect(decodeIntegerLiteral("09").errors).toEqual(["Bad integer literal '09'"]);
    expect(decodeIntegerLiteral("0x").errors).toEqual(["Bad integer literal '0x'"]);
    expect(decodeIntegerLiteral("18446744073709551615").errors).toBeUndefined();
    expect(decodeIntegerLiteral("18446744073709551615").value).toBe((1n << 64n) - 1n);
    expect(decodeIntegerLiteral("18446744073709551616").errors).toEqual(["Integer literal '18446744073709551616' out of range"]);
    expect(decodeIntegerLiteral("0x10000000000000000").errors).toEqual(["Integer literal '0x10000000000000000' out of range"]);
    // Octal overflow followed by a non-octal digit: both messages, as dtc prints both.
    expect(decodeIntegerLiteral("077777777777777777777779").errors).toEqual([
      "Bad integer literal '077777777777777777777779'",
      "Integer literal '077777777777777777777779' out of range",
    ]);
  });
  it("fast path agrees with the full decoder", () => {
    for (const raw of ["0", "7", "123456789012345", "0x0", "0xffffffff", "0x1234567890abc", "0xFF"]) {
      expect(BigInt(decodeSmallLiteral(raw)!)).toBe(decodeIntegerLiteral(raw).value);
    }
    for (const raw of ["010", "09", "1U", "0x", "1234567890123456", "0x12345678901234"]) expect(decodeSmallLiteral(raw)).toBeUndefined();
  });
});

describe("escapes (util.c get_escape_char)", () => {
  it("decodes the simple escapes and unknown ones as themselves", () => {
    expect(bytesOf(String.raw`"\a\b\t\n\v\f\r\\\"\q"`)).toEqual([7, 8, 9, 10, 11, 12, 13, 92, 34, 113]);
  });
  it("octal takes up to three digits and truncates to a byte", () => {
    expect(bytesOf(String.raw`"\0"`)).toEqual([0]);
    expect(bytesOf(String.raw`"\101B"`)).toEqual([65, 66]);
    expect(bytesOf(String.raw`"\1012"`)).toEqual([65, 50]);
    expect(bytesOf(String.raw`"\777"`)).toEqual([255]);
    expect(bytesOf(String.raw`"\400"`)).toEqual([0]);
    expect(bytesOf(String.raw`"a\08"`)).toEqual([97, 0, 56]);
  });
  it("hex takes up to two characters through strtol", () => {
    expect(bytesOf(String.raw`"\x41"`)).toEqual([0x41]);
    expect(bytesOf(String.raw`"\x4g"`)).toEqual([4, 103]);
    expect(bytesOf(String.raw`"\x414"`)).toEqual([0x41, 0x34]);
    expect(bytesOf(String.raw`"\x a"`)).toEqual([10]);
    expect(bytesOf(String.raw`"\x-f"`)).toEqual([0xf1]);
    expect(bytesOf(String.raw`"\x+f"`)).toEqual([0x0f]);
    expect(bytesOf(String.raw`"\x0x"`)).toEqual([0, 120]);
  });
  it("\\x without digits is dtc's fatal error", () => {
    expect(() => bytesOf(String.raw`"\xg"`)).toThrow(HexEscapeError);
    expect(() => bytesOf(String.raw`"\x"`)).toThrow(HexEscapeError);
    expect(() => bytesOf(String.raw`"\x "`)).toThrow("\\x used with no following hex digits");
  });
  it("an escape at the end reads the closing quote (the '\\' quirk)", () => {
    expect(bytesOf(String.raw`'\'`)).toEqual([39]);
  });
});

describe("character literals", () => {
  it("gives the unsigned byte", () => {
    expect(decodeCharLiteral("'a'")).toEqual({ value: 97n });
    expect(decodeCharLiteral(String.raw`'\xff'`)).toEqual({ value: 255n });
    expect(decodeCharLiteral(String.raw`'\0'`)).toEqual({ value: 0n });
  });
  it("reports empty and multi-character literals", () => {
    expect(decodeCharLiteral("''")).toEqual({ value: 0n, error: "Empty character literal" });
    expect(decodeCharLiteral("'ab'")).toEqual({ value: 97n, error: "Character literal has 2 characters instead of 1" });
  });
});
