// Bytes <-> latin1 text (one char per byte), the project's representation of names and sources.
// (TextDecoder's "latin1" is really windows-1252 and would remap 0x80-0x9f.)

const CHUNK = 0x2000;

export function latin1Text(bytes: Uint8Array, start = 0, end = bytes.length): string {
  if (end - start <= CHUNK) return String.fromCharCode.apply(null, bytes.subarray(start, end) as unknown as number[]);
  const parts: string[] = [];
  for (let i = start; i < end; i += CHUNK) {
    parts.push(String.fromCharCode.apply(null, bytes.subarray(i, Math.min(end, i + CHUNK)) as unknown as number[]));
  }
  return parts.join("");
}
