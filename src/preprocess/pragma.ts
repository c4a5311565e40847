// `#pragma` and `_Pragma` in assembler-with-cpp mode. cpp runs its own pragmas (once,
// push_macro/pop_macro, GCC poison/warning/error/system_header/dependency) and, because the
// assembler output has no pragma callback, drops every other pragma without printing it.
import type { Engine } from "./engine.ts";
import { isPunct, T_EOF, T_NAME, T_STRING } from "./token.ts";
import type { Token } from "./token.ts";

/** The contents of a "..." string token (escapes of `\` and `"` undone). */
function stringContents(t: Token): string {
  return t.text.slice(t.text.startsWith("L") ? 2 : 1, -1).replace(/\\(["\\])/g, "$1");
}

/** `( "NAME" )` of push_macro / pop_macro. */
function macroNameOperand(e: Engine, next: () => Token, pragma: string, at: Token): string | undefined {
  const open = next();
  const str = next();
  const close = next();
  if (!isPunct(open, "(") || str.kind !== T_STRING || !isPunct(close, ")")) {
    e.error(`invalid #pragma ${pragma} directive`, at);
    return undefined;
  }
  return stringContents(str);
}

export function runPragma(e: Engine, next: () => Token): void {
  // A pragma's effects (once, poison, push/pop_macro, ...) are not in an include memo's recording.
  e.recorder?.taint();
  const first = next();
  if (first.kind !== T_NAME) return;
  switch (first.text) {
    case "once":
      if (e.currentFile.depth === 0) e.warning("#pragma once in main file", first);
      e.includeGuards.onceFiles.add(e.currentFile.name);
      return;
    case "push_macro": {
      const name = macroNameOperand(e, next, "push_macro", first);
      if (name === undefined) return;
      const m = e.macros.get(name);
      const stack = e.pushedMacros.get(name) ?? [];
      stack.push(m && !m.builtin ? { ...m, disabled: false } : undefined);
      e.pushedMacros.set(name, stack);
      return;
    }
    case "pop_macro": {
      const name = macroNameOperand(e, next, "pop_macro", first);
      if (name === undefined) return;
      const stack = e.pushedMacros.get(name);
      if (!stack || stack.length === 0) return;
      const m = stack.pop();
      if (m) e.macros.set(name, m);
      else e.macros.delete(name);
      return;
    }
    case "GCC":
      runGccPragma(e, next);
      return;
    default:
      return;
  }
}

function runGccPragma(e: Engine, next: () => Token): void {
  const what = next();
  if (what.kind !== T_NAME) return;
  switch (what.text) {
    case "poison":
      for (let t = next(); t.kind !== T_EOF; t = next()) {
        if (t.kind !== T_NAME) {
          e.error("invalid #pragma GCC poison directive", t);
          return;
        }
        if (e.poisoned.has(t.text)) continue;
        if (e.macros.has(t.text)) e.warning(`poisoning existing macro "${t.text}"`, t);
        e.macros.delete(t.text);
        e.poisoned.add(t.text);
      }
      return;
    case "system_header":
      if (e.currentFile.depth === 0) e.warning("#pragma system_header ignored outside include file", what);
      return;
    case "warning":
    case "error": {
      let t = next();
      const paren = isPunct(t, "(");
      if (paren) t = next();
      if (t.kind !== T_STRING) {
        e.error(`invalid "#pragma GCC ${what.text}" directive`, t);
        return;
      }
      if (what.text === "warning") e.warning(stringContents(t), t);
      else e.error(stringContents(t), t);
      return;
    }
    default:
      return;
  }
}
