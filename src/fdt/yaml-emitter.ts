// The part of libyaml's emitter (0.2.5, src/emitter.c) that dtc's `-O yaml` drives, so that the
// text is byte for byte what dtc prints: the same event queue with its lookahead, the same state
// machine, indentation, line folding at 80 columns, scalar style choice and quoting. Only what
// dtc's events need is here: no anchors, aliases, block scalars, %TAG directives or canonical
// mode; text is ASCII (dtc asserts that strings are), one char per byte.

export type Event =
  | { readonly type: "stream-start" }
  | { readonly type: "stream-end" }
  | { readonly type: "document-start"; readonly implicit: boolean }
  | { readonly type: "document-end"; readonly implicit: boolean }
  | { readonly type: "sequence-start"; readonly tag: string | undefined; readonly implicit: boolean; readonly flow: boolean }
  | { readonly type: "sequence-end" }
  | { readonly type: "mapping-start"; readonly tag: string | undefined; readonly implicit: boolean; readonly flow: boolean }
  | { readonly type: "mapping-end" }
  | { readonly type: "scalar"; readonly tag: string | undefined; readonly value: string; readonly plainImplicit: boolean; readonly quotedImplicit: boolean; readonly style: ScalarStyle };

export type ScalarStyle = "any" | "plain" | "single" | "double";

type State =
  | "stream-start"
  | "first-document-start"
  | "document-start"
  | "document-content"
  | "document-end"
  | "flow-sequence-first-item"
  | "flow-sequence-item"
  | "flow-mapping-first-key"
  | "flow-mapping-key"
  | "flow-mapping-simple-value"
  | "flow-mapping-value"
  | "block-sequence-first-item"
  | "block-sequence-item"
  | "block-mapping-first-key"
  | "block-mapping-key"
  | "block-mapping-simple-value"
  | "block-mapping-value"
  | "end";

/** libyaml's default %TAG directives. */
const DEFAULT_TAGS: readonly { readonly handle: string; readonly prefix: string }[] = [
  { handle: "!", prefix: "!" },
  { handle: "!!", prefix: "tag:yaml.org,2002:" },
];

const BEST_INDENT = 2;
const BEST_WIDTH = 80;

const isBreak = (c: string | undefined) => c === "\r" || c === "\n";
const isBlankZ = (c: string | undefined) => c === undefined || c === " " || c === "\t" || c === "\0" || isBreak(c);
const isPrintable = (c: string) => c === "\n" || (c >= " " && c <= "~");
const isAlpha = (c: string) => (c >= "0" && c <= "9") || (c >= "A" && c <= "Z") || (c >= "a" && c <= "z") || c === "_" || c === "-";

interface ScalarAnalysis {
  multiline: boolean;
  flowPlainAllowed: boolean;
  blockPlainAllowed: boolean;
  singleQuotedAllowed: boolean;
}

/** yaml_emitter_analyze_scalar, for single-byte text. */
function analyzeScalar(s: string): ScalarAnalysis {
  if (s.length === 0) return { multiline: false, flowPlainAllowed: false, blockPlainAllowed: true, singleQuotedAllowed: true };
  let blockIndicators = s.startsWith("---") || s.startsWith("...");
  let flowIndicators = blockIndicators;
  let lineBreaks = false;
  let special = false;
  let leadingSpace = false;
  let leadingBreak = false;
  let trailingSpace = false;
  let trailingBreak = false;
  let breakSpace = false;
  let spaceBreak = false;
  let precededByWhitespace = true;
  let followedByWhitespace = isBlankZ(s[1]);
  let previousSpace = false;
  let previousBreak = false;
  for (let i = 0; i < s.length; i++) {
    const c = s[i]!;
    if (i === 0) {
      if ("#,[]{}&*!|>'\"%@`".includes(c)) {
        flowIndicators = true;
        blockIndicators = true;
      }
      if (c === "?" || c === ":") {
        flowIndicators = true;
        if (followedByWhitespace) blockIndicators = true;
      }
      if (c === "-" && followedByWhitespace) {
        flowIndicators = true;
        blockIndicators = true;
      }
    } else {
      if (",?[]{}".includes(c)) flowIndicators = true;
      if (c === ":") {
        flowIndicators = true;
        if (followedByWhitespace) blockIndicators = true;
      }
      if (c === "#" && precededByWhitespace) {
        flowIndicators = true;
        blockIndicators = true;
      }
    }
    if (!isPrintable(c) || c > "\x7f") special = true;
    if (isBreak(c)) lineBreaks = true;
    if (c === " ") {
      if (i === 0) leadingSpace = true;
      if (i === s.length - 1) trailingSpace = true;
      if (previousBreak) breakSpace = true;
      previousSpace = true;
      previousBreak = false;
    } else if (isBreak(c)) {
      if (i === 0) leadingBreak = true;
      if (i === s.length - 1) trailingBreak = true;
      if (previousSpace) spaceBreak = true;
      previousSpace = false;
      previousBreak = true;
    } else {
      previousSpace = false;
      previousBreak = false;
    }
    precededByWhitespace = isBlankZ(c);
    if (i + 1 < s.length) followedByWhitespace = isBlankZ(s[i + 2]);
  }
  const a: ScalarAnalysis = { multiline: lineBreaks, flowPlainAllowed: true, blockPlainAllowed: true, singleQuotedAllowed: true };
  if (leadingSpace || leadingBreak || trailingSpace || trailingBreak) a.flowPlainAllowed = a.blockPlainAllowed = false;
  if (breakSpace) a.flowPlainAllowed = a.blockPlainAllowed = a.singleQuotedAllowed = false;
  if (spaceBreak || special) a.flowPlainAllowed = a.blockPlainAllowed = a.singleQuotedAllowed = false;
  if (lineBreaks) a.flowPlainAllowed = a.blockPlainAllowed = false;
  if (flowIndicators) a.flowPlainAllowed = false;
  if (blockIndicators) a.blockPlainAllowed = false;
  return a;
}

const ESCAPES: Record<number, string> = { 0x00: "0", 0x07: "a", 0x08: "b", 0x09: "t", 0x0a: "n", 0x0b: "v", 0x0c: "f", 0x0d: "r", 0x1b: "e", 0x22: '"', 0x5c: "\\" };

export class YamlEmitter {
  private readonly queue: Event[] = [];
  private readonly states: State[] = [];
  private state: State = "stream-start";
  private readonly indents: number[] = [];
  private indent = -1;
  private flowLevel = 0;
  private mappingContext = false;
  private simpleKeyContext = false;
  private column = 0;
  private whitespace = true;
  private indention = true;
  private openEnded = 0;
  // Per event (yaml_emitter_analyze_event).
  private tagHandle: string | undefined;
  private tagSuffix: string | undefined;
  private scalar = "";
  private analysis: ScalarAnalysis = { multiline: false, flowPlainAllowed: true, blockPlainAllowed: true, singleQuotedAllowed: true };
  private scalarStyle: ScalarStyle = "plain";

  constructor(private readonly write: (text: string) => void) {}

  emit(event: Event): void {
    this.queue.push(event);
    while (!this.needMoreEvents()) {
      const head = this.queue[0]!;
      this.analyzeEvent(head);
      this.stateMachine(head);
      this.queue.shift();
    }
  }

  private needMoreEvents(): boolean {
    if (this.queue.length === 0) return true;
    const head = this.queue[0]!.type;
    const accumulate = head === "document-start" ? 1 : head === "sequence-start" ? 2 : head === "mapping-start" ? 3 : 0;
    if (accumulate === 0) return false;
    if (this.queue.length - 1 > accumulate) return false;
    let level = 0;
    for (const e of this.queue) {
      if (e.type === "stream-start" || e.type === "document-start" || e.type === "sequence-start" || e.type === "mapping-start") level++;
      else if (e.type === "stream-end" || e.type === "document-end" || e.type === "sequence-end" || e.type === "mapping-end") level--;
      if (level === 0) return false;
    }
    return true;
  }

  private analyzeTag(tag: string): void {
    for (const d of DEFAULT_TAGS) {
      if (d.prefix.length < tag.length && tag.startsWith(d.prefix)) {
        this.tagHandle = d.handle;
        this.tagSuffix = tag.slice(d.prefix.length);
        return;
      }
    }
    this.tagSuffix = tag;
  }

  private analyzeEvent(e: Event): void {
    this.tagHandle = undefined;
    this.tagSuffix = undefined;
    this.scalar = "";
    if (e.type === "scalar") {
      if (e.tag !== undefined && !e.plainImplicit && !e.quotedImplicit) this.analyzeTag(e.tag);
      this.scalar = e.value;
      this.analysis = analyzeScalar(e.value);
    } else if ((e.type === "sequence-start" || e.type === "mapping-start") && e.tag !== undefined && !e.implicit) this.analyzeTag(e.tag);
  }

  private stateMachine(e: Event): void {
    switch (this.state) {
      case "stream-start":
        this.indent = -1;
        this.column = 0;
        this.whitespace = true;
        this.indention = true;
        this.state = "first-document-start";
        return;
      case "first-document-start":
      case "document-start":
        return this.documentStart(e);
      case "document-content":
        this.states.push("document-end");
        return this.node(e, false, false, false);
      case "document-end":
        return this.documentEnd(e);
      case "flow-sequence-first-item":
        return this.flowSequenceItem(e, true);
      case "flow-sequence-item":
        return this.flowSequenceItem(e, false);
      case "flow-mapping-first-key":
        return this.flowMappingKey(e, true);
      case "flow-mapping-key":
        return this.flowMappingKey(e, false);
      case "flow-mapping-simple-value":
        return this.mappingValue(e, true, true);
      case "flow-mapping-value":
        return this.mappingValue(e, false, true);
      case "block-sequence-first-item":
        return this.blockSequenceItem(e, true);
      case "block-sequence-item":
        return this.blockSequenceItem(e, false);
      case "block-mapping-first-key":
        return this.blockMappingKey(e, true);
      case "block-mapping-key":
        return this.blockMappingKey(e, false);
      case "block-mapping-simple-value":
        return this.mappingValue(e, true, false);
      case "block-mapping-value":
        return this.mappingValue(e, false, false);
      case "end":
        throw new Error("yaml emitter: expected nothing after STREAM-END");
    }
  }

  // ---- output primitives (PUT, PUT_BREAK, write_indent, write_indicator) ----

  private put(text: string): void {
    this.write(text);
    this.column += text.length;
  }

  private putBreak(): void {
    this.write("\n");
    this.column = 0;
  }

  private writeIndent(): void {
    const indent = this.indent >= 0 ? this.indent : 0;
    if (!this.indention || this.column > indent || (this.column === indent && !this.whitespace)) this.putBreak();
    if (this.column < indent) this.put(" ".repeat(indent - this.column));
    this.whitespace = true;
    this.indention = true;
  }

  private writeIndicator(indicator: string, needWhitespace: boolean, isWhitespace: boolean, isIndention: boolean): void {
    if (needWhitespace && !this.whitespace) this.put(" ");
    this.put(indicator);
    this.whitespace = isWhitespace;
    this.indention = this.indention && isIndention;
  }

  private increaseIndent(flow: boolean, indentless: boolean): void {
    this.indents.push(this.indent);
    if (this.indent < 0) this.indent = flow ? BEST_INDENT : 0;
    else if (!indentless) this.indent += BEST_INDENT;
  }

  // ---- states ----

  private documentStart(e: Event): void {
    if (e.type === "document-start") {
      this.openEnded = 0;
      if (!e.implicit) {
        this.writeIndent();
        this.writeIndicator("---", true, false, false);
      }
      this.state = "document-content";
      return;
    }
    if (e.type === "stream-end") {
      if (this.openEnded === 2) {
        this.writeIndicator("...", true, false, false);
        this.openEnded = 0;
        this.writeIndent();
      }
      this.state = "end";
      return;
    }
    throw new Error("yaml emitter: expected DOCUMENT-START or STREAM-END");
  }

  private documentEnd(e: Event): void {
    if (e.type !== "document-end") throw new Error("yaml emitter: expected DOCUMENT-END");
    this.writeIndent();
    if (!e.implicit) {
      this.writeIndicator("...", true, false, false);
      this.openEnded = 0;
      this.writeIndent();
    } else if (!this.openEnded) this.openEnded = 1;
    this.state = "document-start";
  }

  /**
   * What flow sequences and mappings share before an item: the opening bracket, the closing one
   * (true: the collection ended), else the comma and a line break past the width.
   */
  private flowItem(e: Event, first: boolean, open: string, close: string, end: Event["type"]): boolean {
    if (first) {
      this.writeIndicator(open, true, true, false);
      this.increaseIndent(true, false);
      this.flowLevel++;
    }
    if (e.type === end) {
      this.flowLevel--;
      this.indent = this.indents.pop()!;
      this.writeIndicator(close, false, false, false);
      this.state = this.states.pop()!;
      return true;
    }
    if (!first) this.writeIndicator(",", false, false, false);
    if (this.column > BEST_WIDTH) this.writeIndent();
    return false;
  }

  private flowSequenceItem(e: Event, first: boolean): void {
    if (this.flowItem(e, first, "[", "]", "sequence-end")) return;
    this.states.push("flow-sequence-item");
    this.node(e, true, false, false);
  }

  private flowMappingKey(e: Event, first: boolean): void {
    if (!this.flowItem(e, first, "{", "}", "mapping-end")) this.mappingKey(e, true);
  }

  /** A mapping key, simple (`key: value`) or complex (`? key`), flow or block. */
  private mappingKey(e: Event, flow: boolean): void {
    if (this.checkSimpleKey()) {
      this.states.push(flow ? "flow-mapping-simple-value" : "block-mapping-simple-value");
      this.node(e, false, true, true);
    } else {
      this.writeIndicator("?", true, false, !flow);
      this.states.push(flow ? "flow-mapping-value" : "block-mapping-value");
      this.node(e, false, true, false);
    }
  }

  private mappingValue(e: Event, simple: boolean, flow: boolean): void {
    if (simple) this.writeIndicator(":", false, false, false);
    else {
      if (!flow || this.column > BEST_WIDTH) this.writeIndent();
      this.writeIndicator(":", true, false, !flow);
    }
    this.states.push(flow ? "flow-mapping-key" : "block-mapping-key");
    this.node(e, false, true, false);
  }

  private blockSequenceItem(e: Event, first: boolean): void {
    if (first) this.increaseIndent(false, this.mappingContext && !this.indention);
    if (e.type === "sequence-end") {
      this.indent = this.indents.pop()!;
      this.state = this.states.pop()!;
      return;
    }
    this.writeIndent();
    this.writeIndicator("-", true, false, true);
    this.states.push("block-sequence-item");
    this.node(e, true, false, false);
  }

  private blockMappingKey(e: Event, first: boolean): void {
    if (first) this.increaseIndent(false, false);
    if (e.type === "mapping-end") {
      this.indent = this.indents.pop()!;
      this.state = this.states.pop()!;
      return;
    }
    this.writeIndent();
    this.mappingKey(e, false);
  }

  private node(e: Event, sequence: boolean, mapping: boolean, simpleKey: boolean): void {
    void sequence;
    this.mappingContext = mapping;
    this.simpleKeyContext = simpleKey;
    switch (e.type) {
      case "scalar":
        return this.emitScalar(e);
      case "sequence-start":
        this.processTag();
        this.state = this.flowLevel > 0 || e.flow || this.checkEmpty("sequence") ? "flow-sequence-first-item" : "block-sequence-first-item";
        return;
      case "mapping-start":
        this.processTag();
        this.state = this.flowLevel > 0 || e.flow || this.checkEmpty("mapping") ? "flow-mapping-first-key" : "block-mapping-first-key";
        return;
      default:
        throw new Error("yaml emitter: expected SCALAR, SEQUENCE-START, MAPPING-START, or ALIAS");
    }
  }

  private checkEmpty(kind: "sequence" | "mapping"): boolean {
    if (this.queue.length < 2) return false;
    return this.queue[0]!.type === `${kind}-start` && this.queue[1]!.type === `${kind}-end`;
  }

  private checkSimpleKey(): boolean {
    const e = this.queue[0]!;
    let length = 0;
    const tagLength = (this.tagHandle?.length ?? 0) + (this.tagSuffix?.length ?? 0);
    if (e.type === "scalar") {
      if (this.analysis.multiline) return false;
      length = tagLength + this.scalar.length;
    } else if (e.type === "sequence-start") {
      if (!this.checkEmpty("sequence")) return false;
      length = tagLength;
    } else if (e.type === "mapping-start") {
      if (!this.checkEmpty("mapping")) return false;
      length = tagLength;
    } else return false;
    return length <= 128;
  }

  private emitScalar(e: Extract<Event, { type: "scalar" }>): void {
    this.selectScalarStyle(e);
    this.processTag();
    this.increaseIndent(true, false);
    const allowBreaks = !this.simpleKeyContext;
    if (this.scalarStyle === "plain") this.writePlain(this.scalar, allowBreaks);
    else if (this.scalarStyle === "single") this.writeSingleQuoted(this.scalar, allowBreaks);
    else this.writeDoubleQuoted(this.scalar, allowBreaks);
    this.indent = this.indents.pop()!;
    this.state = this.states.pop()!;
  }

  private selectScalarStyle(e: Extract<Event, { type: "scalar" }>): void {
    const noTag = this.tagHandle === undefined && this.tagSuffix === undefined;
    if (noTag && !e.plainImplicit && !e.quotedImplicit) throw new Error("yaml emitter: neither tag nor implicit flags are specified");
    let style = e.style === "any" ? "plain" : e.style;
    if (this.simpleKeyContext && this.analysis.multiline) style = "double";
    if (style === "plain") {
      if ((this.flowLevel > 0 && !this.analysis.flowPlainAllowed) || (this.flowLevel === 0 && !this.analysis.blockPlainAllowed)) style = "single";
      if (this.scalar.length === 0 && (this.flowLevel > 0 || this.simpleKeyContext)) style = "single";
      if (noTag && !e.plainImplicit) style = "single";
    }
    if (style === "single" && !this.analysis.singleQuotedAllowed) style = "double";
    if (noTag && !e.quotedImplicit && style !== "plain") this.tagHandle = "!";
    this.scalarStyle = style;
  }

  private processTag(): void {
    if (this.tagHandle === undefined && this.tagSuffix === undefined) return;
    if (this.tagHandle !== undefined) {
      if (!this.whitespace) this.put(" ");
      this.put(this.tagHandle);
      this.whitespace = false;
      this.indention = false;
      if (this.tagSuffix !== undefined) this.writeTagContent(this.tagSuffix, false);
    } else {
      this.writeIndicator("!<", true, false, false);
      this.writeTagContent(this.tagSuffix!, false);
      this.writeIndicator(">", false, false, false);
    }
  }

  private writeTagContent(value: string, needWhitespace: boolean): void {
    if (needWhitespace && !this.whitespace) this.put(" ");
    for (const c of value) {
      if (isAlpha(c) || ";/?:@&=+$,_.~*'()[]".includes(c)) this.put(c);
      else this.put("%" + c.charCodeAt(0).toString(16).toUpperCase().padStart(2, "0"));
    }
    this.whitespace = false;
    this.indention = false;
  }

  private writePlain(s: string, allowBreaks: boolean): void {
    if (!this.whitespace && (s.length > 0 || this.flowLevel > 0)) this.put(" ");
    let spaces = false;
    let breaks = false;
    for (let i = 0; i < s.length; i++) {
      const c = s[i]!;
      if (c === " ") {
        if (allowBreaks && !spaces && this.column > BEST_WIDTH && s[i + 1] !== " ") this.writeIndent();
        else this.put(c);
        spaces = true;
      } else if (isBreak(c)) {
        if (!breaks && c === "\n") this.putBreak();
        this.putBreak();
        this.indention = true;
        breaks = true;
      } else {
        if (breaks) this.writeIndent();
        this.put(c);
        this.indention = false;
        spaces = false;
        breaks = false;
      }
    }
    this.whitespace = false;
    this.indention = false;
  }

  private writeSingleQuoted(s: string, allowBreaks: boolean): void {
    this.writeIndicator("'", true, false, false);
    let spaces = false;
    let breaks = false;
    for (let i = 0; i < s.length; i++) {
      const c = s[i]!;
      if (c === " ") {
        if (allowBreaks && !spaces && this.column > BEST_WIDTH && i !== 0 && i !== s.length - 1 && s[i + 1] !== " ") this.writeIndent();
        else this.put(c);
        spaces = true;
      } else if (isBreak(c)) {
        if (!breaks && c === "\n") this.putBreak();
        this.putBreak();
        this.indention = true;
        breaks = true;
      } else {
        if (breaks) this.writeIndent();
        if (c === "'") this.put("'");
        this.put(c);
        this.indention = false;
        spaces = false;
        breaks = false;
      }
    }
    if (breaks) this.writeIndent();
    this.writeIndicator("'", false, false, false);
    this.whitespace = false;
    this.indention = false;
  }

  private writeDoubleQuoted(s: string, allowBreaks: boolean): void {
    this.writeIndicator('"', true, false, false);
    let spaces = false;
    for (let i = 0; i < s.length; i++) {
      const c = s[i]!;
      const code = c.charCodeAt(0);
      if (!isPrintable(c) || code > 0x7f || isBreak(c) || c === '"' || c === "\\") {
        const short = ESCAPES[code];
        this.put("\\" + (short ?? "x" + code.toString(16).toUpperCase().padStart(2, "0")));
        spaces = false;
      } else if (c === " ") {
        if (allowBreaks && !spaces && this.column > BEST_WIDTH && i !== 0 && i !== s.length - 1) {
          this.writeIndent();
          if (s[i + 1] === " ") this.put("\\");
        } else this.put(c);
        spaces = true;
      } else {
        this.put(c);
        spaces = false;
      }
    }
    this.writeIndicator('"', false, false, false);
    this.whitespace = false;
    this.indention = false;
  }
}
