// The built-in macros (__LINE__, __FILE__, __BASE_FILE__, __INCLUDE_LEVEL__, __COUNTER__,
// __DATE__, __TIME__, __TIMESTAMP__) and the _Pragma operator, as gcc's cpp expands them
// (macro.c builtin_macro / _cpp_do__Pragma), in assembler-with-cpp mode.
import type { Engine } from "./engine.ts";
import { FileState } from "./file-state.ts";
import { Lexer } from "./lexer.ts";
import { B_BASE_FILE, B_COUNTER, B_DATE, B_FILE, B_INCLUDE_LEVEL, B_LINE, B_PRAGMA, B_TIME, B_TIMESTAMP } from "./macro.ts";
import type { Macro } from "./macro.ts";
import { runPragma } from "./pragma.ts";
import { F_PREV_WHITE, isPunct, makeToken, T_EOF, T_NUMBER, T_STRING } from "./token.ts";
import type { Token } from "./token.ts";

const MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];

function quoteString(s: string): string {
  return '"' + s.replace(/[\\"]/g, (c) => "\\" + c).replace(/\n/g, "\\n") + '"';
}

export function expandBuiltin(e: Engine, m: Macro, name: Token): boolean {
  // __FILE__ and __LINE__ depend on where they are; the others on the run (an include memo
  // cannot replay them).
  if (m.builtin !== B_FILE && m.builtin !== B_LINE) e.recorder?.taint();
  const pointFile = name.pointFile ?? name.file;
  const pointOff = name.pointFile ? name.pointOff : name.off;
  const where = pointFile ? pointFile.position(pointOff) : { file: e.currentFile.name, line: 1, column: 1 };
  let kind = T_NUMBER;
  let text: string;
  switch (m.builtin) {
    case B_LINE:
      text = String(where.line);
      break;
    case B_FILE:
      kind = T_STRING;
      text = quoteString(where.file);
      break;
    case B_BASE_FILE:
      kind = T_STRING;
      text = quoteString(e.mainFile.name);
      break;
    case B_INCLUDE_LEVEL:
      text = String(e.currentFile.depth);
      break;
    case B_COUNTER:
      text = String(e.counter++);
      break;
    case B_DATE:
      kind = T_STRING;
      text = `"${MONTHS[e.startTime.getMonth()]} ${String(e.startTime.getDate()).padStart(2, " ")} ${e.startTime.getFullYear()}"`;
      break;
    case B_TIME:
      kind = T_STRING;
      text = `"${[e.startTime.getHours(), e.startTime.getMinutes(), e.startTime.getSeconds()].map((v) => String(v).padStart(2, "0")).join(":")}"`;
      break;
    case B_TIMESTAMP:
      kind = T_STRING;
      text = '"??? ??? ?? ??:??:?? ????"';
      break;
    case B_PRAGMA:
      return doPragmaOperator(e, name);
    default:
      return false;
  }
  const t = makeToken(kind, text, name.flags & F_PREV_WHITE, null, 0);
  t.pointFile = pointFile;
  t.pointOff = pointOff;
  e.pushContext(null, true, [t]);
  return true;
}

/** `_Pragma("...")`: runs the pragma; in assembler mode cpp prints nothing for it. */
function doPragmaOperator(e: Engine, name: Token): boolean {
  e.preventExpansion++;
  const open = e.getNonPadding();
  const str = isPunct(open, "(") ? e.getNonPadding() : open;
  const close = str.kind === T_STRING ? e.getNonPadding() : str;
  e.preventExpansion--;
  if (!isPunct(open, "(") || str.kind !== T_STRING || !isPunct(close, ")")) {
    e.error("_Pragma takes a parenthesized string literal", name);
    if (close.kind !== T_EOF) e.backup(close);
    return false;
  }
  const body = str.text.slice(str.text.startsWith("L") ? 2 : 1, -1).replace(/\\(["\\])/g, "$1");
  const file = new FileState("<_Pragma>", "", body, null, -1);
  const lx = new Lexer(file, () => {});
  const tokens: Token[] = [];
  for (;;) {
    const t = lx.lex(true, false, false);
    if (t.kind === T_EOF) break;
    t.pointFile = name.pointFile ?? name.file;
    t.pointOff = name.pointFile ? name.pointOff : name.off;
    tokens.push(t);
  }
  let i = 0;
  runPragma(e, () => tokens[i++] ?? makeToken(T_EOF, "", 0, null, 0));
  e.pushContext(null, true, []);
  return true;
}
