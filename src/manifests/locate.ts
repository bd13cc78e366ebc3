import { createRequire } from 'node:module';
import type { Document, Node } from 'yaml';
import type { LoadedObject, SourcePosition } from './types.js';

// yaml 2 is loaded on the first finding, not at start-up: a clean run never needs it (it costs ~100 ms to load)
type Yaml = typeof import('yaml');
let yamlModule: Yaml | undefined;
function yaml(): Yaml {
  return (yamlModule ??= createRequire(import.meta.url)('yaml') as Yaml);
}
const isAlias = (n: unknown) => yaml().isAlias(n);
const isMap = (n: unknown) => yaml().isMap(n);
const isPair = (n: unknown) => yaml().isPair(n);
const isScalar = (n: unknown) => yaml().isScalar(n);
const isSeq = (n: unknown) => yaml().isSeq(n);

/** The part of a LoadedObject that locating a field needs. */
export type SourceDocument = LoadedObject['document'];

interface ParsedDocument {
  doc: Document.Parsed;
}

/**
 * The parsed document of one run, keyed by the document object the loader shares between the objects of a
 * document (the items of a `List` share one). Keep one per run; it holds the latest document's syntax tree.
 */
export type LocateCache = Map<SourceDocument, ParsedDocument | null>;

export function createLocateCache(): LocateCache {
  return new Map();
}

function parse(document: SourceDocument, cache: LocateCache): ParsedDocument | null {
  let parsed = cache.get(document);
  if (parsed === undefined) {
    // findings come object by object in input order, so only the current document is worth keeping: holding
    // every parsed document of a large input would only feed the garbage collector
    cache.clear();
    try {
      // yaml 2 keeps source ranges; it is only ever asked for documents that have findings (it is much slower
      // than js-yaml, which reads every document). The failsafe schema skips typing scalars: keys stay strings.
      const doc = yaml().parseDocument(document.text, { uniqueKeys: false, prettyErrors: false, schema: 'failsafe' });
      parsed = { doc };
    } catch {
      parsed = null;
    }
    cache.set(document, parsed);
  }
  return parsed;
}

function keyText(key: unknown): string | undefined {
  if (isScalar(key)) return key.value === null ? '' : String(key.value);
  if (typeof key === 'string') return key;
  return undefined;
}

/** Start offset of a node, following aliases to their anchor. */
function start(node: unknown): number | undefined {
  if (node && typeof node === 'object' && 'range' in node) {
    const range = (node as Node).range;
    if (Array.isArray(range)) return range[0];
  }
  return undefined;
}

function deref(node: unknown, doc: Document.Parsed): unknown {
  return isAlias(node) ? node.resolve(doc) : node;
}

/**
 * Walks a Kubernetes field path (`spec.validation.subjectAltNames[0].hostname`, `spec.options.example.com/key`,
 * `metadata.labels[app.kubernetes.io/name]`) through a YAML node and returns the start offset of the deepest
 * node that exists: the key of the field itself, or of the closest parent that is present (a missing field,
 * as in a Required value, points at its parent). Map keys may contain dots and slashes: at each mapping the
 * longest key that the rest of the path starts with is taken.
 */
function walk(root: unknown, path: string, doc: Document.Parsed): number | undefined {
  let node = deref(root, doc);
  let at = start(node);
  let rest = path === '<nil>' ? '' : path;
  while (rest !== '') {
    if (rest.startsWith('.')) {
      rest = rest.slice(1);
      continue;
    }
    if (isSeq(node)) {
      const m = /^\[(\d+)\]/.exec(rest);
      if (!m) break;
      const item = node.items[Number(m[1])];
      if (item === undefined) break;
      node = deref(item, doc);
      at = start(item) ?? at;
      rest = rest.slice(m[0].length);
      continue;
    }
    if (isMap(node)) {
      let best: { pair: unknown; length: number } | undefined;
      const bracket = /^\[([^\]]*)\]/.exec(rest);
      for (const pair of node.items) {
        if (!isPair(pair)) continue;
        const key = keyText(pair.key);
        if (key === undefined) continue;
        if (bracket && key === bracket[1]) {
          best = { pair, length: bracket[0].length };
          break;
        }
        if (!rest.startsWith(key)) continue;
        const next = rest.charAt(key.length);
        if ((next === '' || next === '.' || next === '[') && (!best || key.length > best.length)) {
          best = { pair, length: key.length };
        }
      }
      if (!best) break;
      const pair = best.pair as { key: unknown; value: unknown };
      at = start(pair.key) ?? at;
      node = deref(pair.value, doc);
      rest = rest.slice(best.length);
      continue;
    }
    break;
  }
  return at;
}

/**
 * Line and column of a finding's field in the input: parses only that document (with yaml 2, which keeps source
 * positions), picks the List item when `listIndex` is given, walks the field path and offsets the position by
 * the document's first line. Falls back to the object's start when the document cannot be walked.
 */
export function locateField(
  document: SourceDocument,
  listIndex: number | undefined,
  field: string,
  cache: LocateCache = createLocateCache(),
): SourcePosition {
  const fallback: SourcePosition = { file: document.file, line: document.firstLine, column: 1 };
  const parsed = parse(document, cache);
  if (!parsed) return fallback;
  let root: unknown = parsed.doc.contents;
  if (listIndex !== undefined) {
    const list = deref(root, parsed.doc);
    const items = isMap(list) ? deref(list.get('items', true), parsed.doc) : undefined;
    root = isSeq(items) ? items.items[listIndex] : undefined;
    if (root === undefined) return fallback;
  }
  const offset = walk(root, field, parsed.doc);
  if (offset === undefined) return fallback;
  let line = 0;
  let lineStart = 0;
  const text = document.text;
  for (let i = text.indexOf('\n'); i !== -1 && i < offset; i = text.indexOf('\n', i + 1)) {
    line++;
    lineStart = i + 1;
  }
  return { file: document.file, line: document.firstLine + line, column: offset - lineStart + 1 };
}
