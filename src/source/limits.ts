// Limits that apply to every input, whatever layer reads it. Memory use grows with the input
// (tree nodes, property bytes, tokens), so bounding the input bounds everything after it; the
// layers are iterative, so no depth or count of nested nodes can overflow the JS stack.

/** Largest input file (DTS source, included file, or DTB) dtprobe reads: 128 MiB. */
export const MAX_INPUT_BYTES = 128 * 1024 * 1024;

export function inputTooLargeMessage(name: string, size: number): string {
  return `${name} is ${size} bytes, larger than the ${MAX_INPUT_BYTES / (1024 * 1024)} MiB input limit`;
}
