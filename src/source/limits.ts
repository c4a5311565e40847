// Limits that apply to every input, whatever layer reads it. Memory use grows with the input
// (tree nodes, property bytes, tokens), so bounding the input bounds everything after it; the
// layers are iterative, so no depth or count of nested nodes can overflow the JS stack.

/** Largest input file (DTS source, included file, or DTB) dtprobe reads: 128 MiB. */
export const MAX_INPUT_BYTES = 128 * 1024 * 1024;

/** `NAME is N bytes, larger than ...`; without a size (a device or a pipe), `NAME is larger than ...`. */
export function inputTooLargeMessage(name: string, size: number | undefined): string {
  const limit = `${MAX_INPUT_BYTES / (1024 * 1024)} MiB input limit`;
  return size === undefined ? `${name} is larger than the ${limit}` : `${name} is ${size} bytes, larger than the ${limit}`;
}
