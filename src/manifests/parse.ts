import { load, YAMLException } from 'js-yaml';
import type { KubeObject } from '../rules/types.js';
import type { LoadResult, LoadedObject } from './types.js';

/**
 * Splits a YAML stream at its document markers. A `---` or `...` line at column 0 always ends a document
 * in YAML, so a line scan is exact and gives each document's first line without a position-keeping parser
 * (yaml 2 keeps positions but parses ~8x slower than js-yaml here; see bench/).
 */
export function splitDocuments(text: string): Array<{ text: string; firstLine: number }> {
  const docs: Array<{ text: string; firstLine: number }> = [];
  const lines = text.split('\n');
  let start = 0;
  const flush = (end: number) => {
    if (end > start) docs.push({ text: lines.slice(start, end).join('\n'), firstLine: start + 1 });
  };
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i];
    if ((line.startsWith('---') || line.startsWith('...')) && (line.length === 3 || /^\s/.test(line.slice(3)))) {
      flush(i);
      // content after `--- ` on the same line belongs to the next document
      if (line.startsWith('---') && line.slice(3).trim() !== '' && !line.slice(3).trim().startsWith('#')) {
        lines[i] = ' '.repeat(3) + line.slice(3);
        start = i;
      } else {
        start = i + 1;
      }
    }
  }
  flush(lines.length);
  return docs;
}

const blank = /^(\s*(#.*)?)$/;

function isBlankDocument(text: string): boolean {
  return text.split('\n').every((l) => blank.test(l) || l.startsWith('%'));
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Parses one input (a file's text, or stdin) into Kubernetes objects; `List` kinds are expanded. */
export function parseManifests(text: string, file: string): LoadResult {
  const result: LoadResult = { objects: [], errors: [] };
  const isJson = file.endsWith('.json');
  const docs = isJson ? [{ text, firstLine: 1 }] : splitDocuments(text.replace(/\r\n/g, '\n'));
  for (const doc of docs) {
    if (isBlankDocument(doc.text)) continue;
    let value: unknown;
    try {
      value = isJson ? JSON.parse(doc.text) : load(doc.text, { filename: file });
    } catch (err) {
      result.errors.push(describeParseError(err, file, doc.firstLine));
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
        result.objects.push({ object: item as KubeObject, source: { file, line: firstLine, column: 1 }, document, listIndex });
      });
      continue;
    }
    const loaded: LoadedObject = { object: value as KubeObject, source: { file, line: firstLine, column: 1 }, document };
    result.objects.push(loaded);
  }
  return result;
}

function leadingBlankLines(text: string): number {
  let n = 0;
  for (const line of text.split('\n')) {
    if (!blank.test(line)) break;
    n++;
  }
  return n;
}

function describeParseError(err: unknown, file: string, firstLine: number) {
  if (err instanceof YAMLException && err.mark) {
    return {
      source: { file, line: firstLine + err.mark.line, column: err.mark.column + 1 },
      message: `YAML syntax error: ${err.reason}`,
    };
  }
  if (err instanceof SyntaxError) {
    const m = /position (\d+)/.exec(err.message);
    return { source: { file, line: firstLine, column: m ? Number(m[1]) + 1 : 1 }, message: `JSON syntax error: ${err.message}` };
  }
  return { source: { file, line: firstLine, column: 1 }, message: `cannot parse: ${err instanceof Error ? err.message : String(err)}` };
}
