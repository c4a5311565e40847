// Quoting for the two kinds of text a DOT file holds: "quoted strings" (ids, attributes) and
// HTML-like labels <...>, whose text is XML. Device names come from the device tree (node names
// may hold `,` `+` `#` `@`; PCI names `:`), so everything is quoted, never emitted bare.

/** A DOT double-quoted string: backslash and quote escaped, newlines as \n (a centred line break). */
export function dotString(text: string): string {
  return `"${text.replace(/[\\"]/g, (c) => `\\${c}`).replace(/\r?\n/g, "\\n")}"`;
}

const XML: Record<string, string> = { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" };

/**
 * Text inside an HTML-like label (and in the HTML page): XML-escaped. Control characters other
 * than tab are dropped, since neither Graphviz's XML parser nor SVG accepts them.
 */
export function xmlText(text: string): string {
  return text.replace(/[&<>"']/g, (c) => XML[c]!).replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f]/g, "");
}
