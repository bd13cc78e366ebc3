import { constructFromEvents, EVENT_ID, load, parseEvents, YAMLException, type Event } from 'js-yaml';
import type { KubeObject } from '../rules/types.js';
import { KUBECTL_YAML_SCHEMA } from './kubectl-yaml.js';
import type { LoadResult, LoadedObject } from './types.js';

/**
 * Splits a YAML stream at its document markers. A `---` or `...` line at column 0 always ends a document
 * in YAML, so a line scan is exact and gives each document's first line without a position-keeping parser
 * (yaml 2 keeps positions but parses ~8x slower than js-yaml here; see bench/). `start` is the offset of the
 * document's first line in `text`. Scans with indexOf and slices, so a large stream costs little beyond parsing.
 */
export function splitDocuments(text: string): Array<{ text: string; firstLine: number; start: number }> {
  const docs: Array<{ text: string; firstLine: number; start: number }> = [];
  let start = 0; // offset of the current document's first line
  let startLine = 1;
  let prefix = ''; // content after `--- ` on the marker line, with the marker blanked out
  let line = 1;
  let pos = 0;
  const flush = (end: number, endLine: number) => {
    // `end` is the offset of the marker line; the document is the lines before it (without the last newline)
    if (endLine > startLine) docs.push({ text: prefix + text.slice(start + prefix.length, end - 1), firstLine: startLine, start });
  };
  while (pos <= text.length) {
    const c = text.charCodeAt(pos);
    if ((c === 45 || c === 46) && isMarker(text, pos, c)) {
      flush(pos, line);
      const eol = text.indexOf('\n', pos);
      const rest = text.slice(pos + 3, eol === -1 ? text.length : eol);
      // content after `--- ` on the same line belongs to the next document
      if (c === 45 && rest.trim() !== '' && !rest.trim().startsWith('#')) {
        prefix = '   ';
        start = pos;
        startLine = line;
      } else {
        prefix = '';
        start = eol === -1 ? text.length + 1 : eol + 1;
        startLine = line + 1;
      }
    }
    const next = text.indexOf('\n', pos);
    if (next === -1) break;
    pos = next + 1;
    line++;
  }
  if (line + 1 > startLine && start <= text.length) {
    docs.push({ text: prefix + text.slice(start + prefix.length), firstLine: startLine, start });
  }
  return docs;
}

/** `---` or `...` at `pos`, followed by the end of the line, the text, or white space. */
function isMarker(text: string, pos: number, c: number): boolean {
  if (text.charCodeAt(pos + 1) !== c || text.charCodeAt(pos + 2) !== c) return false;
  if (pos + 3 >= text.length) return true;
  const n = text.charCodeAt(pos + 3);
  return n === 10 || n === 32 || n === 9 || n === 13 || n === 12 || n === 11;
}

// the first line with content: not blank, not only a comment (directives count as content here)
const contentLine = /^[^\S\n]*[^\s#]/m;
// the same, where `%` directive lines do not count
const objectLine = /^(?!%)[^\S\n]*[^\s#]/m;

function isBlankDocument(text: string): boolean {
  return !objectLine.test(text);
}

/**
 * Fast path: parses the whole stream at once (what `loadAll` costs, without a call per document) and gives each
 * split document its value, matched by the offset of the document's root node. Returns undefined, so that each
 * document is parsed on its own, when the stream has a syntax error (one bad document must not hide the others,
 * and its error needs its own line) or when the documents do not match the split one to one.
 */
function loadStream(text: string, docs: Array<{ text: string; start: number }>, file: string): unknown[] | undefined {
  let events: Event[];
  let parsed: unknown[];
  try {
    events = parseEvents(text, { filename: file });
    parsed = constructFromEvents(events, { source: text, filename: file, schema: KUBECTL_YAML_SCHEMA });
  } catch {
    return undefined;
  }
  const values: unknown[] = new Array(docs.length);
  const seen: boolean[] = new Array(docs.length).fill(false);
  let d = 0;
  let k = 0;
  for (let i = 0; i < events.length; i++) {
    if (events[i].type !== EVENT_ID.DOCUMENT) continue;
    const value = parsed[k++];
    const at = rootOffset(events[i + 1]);
    if (at < 0) {
      if (value !== null && value !== undefined) return undefined;
      continue;
    }
    while (d + 1 < docs.length && docs[d + 1].start <= at) d++;
    if (d >= docs.length || seen[d] || docs[d].start > at) return undefined;
    seen[d] = true;
    values[d] = value;
  }
  if (k !== parsed.length) return undefined;
  for (let i = 0; i < docs.length; i++) if (!seen[i] && !isBlankDocument(docs[i].text)) return undefined;
  return values;
}

/** Where a document's root node starts (its tag, anchor or value); -1 for an empty document. */
function rootOffset(event: Event | undefined): number {
  if (!event) return -1;
  let at = Infinity;
  for (const key of ['tagStart', 'anchorStart', 'valueStart', 'start'] as const) {
    const v = (event as unknown as Record<string, number | undefined>)[key];
    if (typeof v === 'number' && v >= 0 && v < at) at = v;
  }
  return at === Infinity ? -1 : at;
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/**
 * YAML aliases let a few lines stand for billions of values (`a: &a [x, x]`, `b: &b [*a, *a]`, ...); js-yaml
 * shares the aliased objects, but every walk over the object (the rules, the outputs) visits each use. An
 * object is refused past this many values: a real Kubernetes object has a few hundred.
 */
export const maxValuesPerObject = 100_000;

/** Deeper than this is refused too: every recursive walk after parsing would risk the stack. */
export const maxDepthPerObject = 1_000;

/** Why a value cannot be checked: too many values or levels, or a number JSON cannot hold; undefined if fine. */
function unusable(value: unknown, budget: { left: number }, depth = 0): string | undefined {
  if (--budget.left < 0 || depth > maxDepthPerObject) return tooBig;
  if (typeof value === 'number') return Number.isFinite(value) ? undefined : nonFinite;
  if (value === null || typeof value !== 'object') return undefined;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const why = unusable(value[i], budget, depth + 1);
      if (why) return why;
    }
    return undefined;
  }
  for (const k in value) {
    const why = unusable((value as Record<string, unknown>)[k], budget, depth + 1);
    if (why) return why;
  }
  return undefined;
}

const tooBig = `has more than ${maxValuesPerObject} values or is nested deeper than ${maxDepthPerObject} levels (YAML aliases?): not checked`;
// kubectl fails the same way: "error converting YAML to JSON: json: unsupported value: +Inf"
const nonFinite = 'holds .inf or .nan, which JSON cannot represent (kubectl refuses it too): not checked';

/** Parses one input (a file's text, or stdin) into Kubernetes objects; `List` kinds are expanded. */
export function parseManifests(text: string, file: string): LoadResult {
  const result: LoadResult = { objects: [], errors: [] };
  const isJson = file.endsWith('.json');
  const yaml = isJson ? '' : text.includes('\r\n') ? text.replace(/\r\n/g, '\n') : text;
  const docs = isJson ? [{ text, firstLine: 1, start: 0 }] : splitDocuments(yaml);
  const values = isJson ? undefined : loadStream(yaml, docs, file);
  for (let i = 0; i < docs.length; i++) {
    const doc = docs[i];
    if (isBlankDocument(doc.text)) continue;
    let value: unknown;
    try {
      value = values ? values[i] : isJson ? JSON.parse(doc.text) : load(doc.text, { filename: file, schema: KUBECTL_YAML_SCHEMA });
    } catch (err) {
      result.errors.push(describeParseError(err, file, doc.firstLine, doc.text));
      continue;
    }
    if (value === null || value === undefined) continue;
    const firstLine = doc.firstLine + leadingBlankLines(doc.text);
    const document = { text: doc.text, firstLine: doc.firstLine, file };
    if (!isObject(value)) {
      result.errors.push({ source: { file, line: firstLine, column: 1 }, message: 'document is not a Kubernetes object (expected a mapping)' });
      continue;
    }
    if (typeof value.kind === 'string' && value.kind.endsWith('List') && Array.isArray(value.items)) {
      value.items.forEach((item, listIndex) => {
        if (!isObject(item)) {
          result.errors.push({ source: { file, line: firstLine, column: 1 }, message: `items[${listIndex}] is not a Kubernetes object` });
          return;
        }
        const why = unusable(item, { left: maxValuesPerObject });
        if (why) {
          result.errors.push({ source: { file, line: firstLine, column: 1 }, message: `items[${listIndex}] ${why}` });
          return;
        }
        result.objects.push({ object: item as KubeObject, source: { file, line: firstLine, column: 1 }, document, listIndex });
      });
      continue;
    }
    const why = unusable(value, { left: maxValuesPerObject });
    if (why) {
      result.errors.push({ source: { file, line: firstLine, column: 1 }, message: `document ${why}` });
      continue;
    }
    const loaded: LoadedObject = { object: value as KubeObject, source: { file, line: firstLine, column: 1 }, document };
    result.objects.push(loaded);
  }
  return result;
}

function leadingBlankLines(text: string): number {
  const m = contentLine.exec(text);
  if (!m) return 0;
  let n = 0;
  for (let i = text.indexOf('\n'); i !== -1 && i < m.index; i = text.indexOf('\n', i + 1)) n++;
  return n;
}

/** Line and column (1-based) of an offset in a text. */
function positionOf(text: string, offset: number): { line: number; column: number } {
  let line = 1;
  let lineStart = 0;
  for (let i = text.indexOf('\n'); i !== -1 && i < offset; i = text.indexOf('\n', i + 1)) {
    line++;
    lineStart = i + 1;
  }
  return { line, column: offset - lineStart + 1 };
}

/**
 * Offset of the first character where `text` stops being JSON (RFC 8259), or -1. Only called after JSON.parse
 * failed, to point at the error: Node 20 gives no position for most JSON errors.
 */
function jsonErrorOffset(t: string): number {
  let i = 0;
  const fail = (): never => {
    throw i;
  };
  const ws = () => {
    while (i < t.length && (t[i] === ' ' || t[i] === '\t' || t[i] === '\n' || t[i] === '\r')) i++;
  };
  const str = () => {
    i++;
    while (i < t.length) {
      const c = t[i];
      if (c === '"') return void i++;
      if (c < ' ') fail();
      i += c === '\\' ? 2 : 1;
    }
    fail();
  };
  const value = (): void => {
    ws();
    const c = t[i];
    if (c === '{' || c === '[') {
      const close = c === '{' ? '}' : ']';
      i++;
      ws();
      if (t[i] === close) return void i++;
      for (;;) {
        if (c === '{') {
          ws();
          if (t[i] !== '"') fail();
          str();
          ws();
          if (t[i] !== ':') fail();
          i++;
        }
        value();
        ws();
        if (t[i] === close) return void i++;
        if (t[i] !== ',') fail();
        i++;
      }
    }
    if (c === '"') return str();
    const m = /^(?:-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?|true|false|null)/.exec(t.slice(i, i + 400));
    if (!m) fail();
    i += m![0].length;
  };
  try {
    value();
    ws();
    if (i < t.length) fail();
    return -1;
  } catch (at) {
    return typeof at === 'number' ? at : -1;
  }
}

/** Where and why JSON.parse failed, on one line (Node 20's messages quote the input, over several lines). */
function jsonError(err: SyntaxError, text: string): { line: number; column: number; message: string } {
  const message = err.message.replace(/, [\s\S]*is not valid JSON$/, '').replace(/ in JSON at position \d+[\s\S]*$/, '').split('\n')[0];
  const at = /position (\d+)/.exec(err.message);
  const offset = at ? Number(at[1]) : jsonErrorOffset(text);
  return offset >= 0 ? { ...positionOf(text, offset), message } : { line: 1, column: 1, message };
}

function describeParseError(err: unknown, file: string, firstLine: number, text: string) {
  if (err instanceof YAMLException && err.mark) {
    return {
      source: { file, line: firstLine + err.mark.line, column: err.mark.column + 1 },
      message: `YAML syntax error: ${err.reason}`,
    };
  }
  if (err instanceof SyntaxError) {
    const { line, column, message } = jsonError(err, text);
    return { source: { file, line: firstLine + line - 1, column }, message: `JSON syntax error: ${message}` };
  }
  return { source: { file, line: firstLine, column: 1 }, message: `cannot parse: ${err instanceof Error ? err.message : String(err)}` };
}
