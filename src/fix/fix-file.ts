import { parseManifests, splitDocuments } from '../manifests/parse.js';
import type { Engine, JsonPatchOp, KubeObject } from '../rules/types.js';
import { applyEdits, editsFor, UnfixableError } from './text-edits.js';

export interface FixResult {
  text: string;
  /** one line per change: `name: op path -> value` */
  changes: string[];
  problems: string[];
}

function describe(o: KubeObject, op: JsonPatchOp): string {
  const value = 'value' in op ? ` ${JSON.stringify(op.value)}` : '';
  return `${o.metadata?.namespace ?? 'default'}/${o.metadata?.name ?? '?'}: ${op.op} ${op.path}${value}`;
}

/**
 * Applies the rule table's mutations to one file's text, document by document. Only documents that change
 * are rewritten; each rewritten document is checked to need no further fix, so a second run changes nothing.
 */
export function fixText(text: string, file: string, engine: Engine): FixResult {
  const crlf = text.includes('\r\n');
  const normalized = crlf ? text.replace(/\r\n/g, '\n') : text;
  const isJson = file.endsWith('.json');
  const docs = isJson ? [{ text: normalized, firstLine: 1 }] : splitDocuments(normalized);
  const changes: string[] = [];
  const problems: string[] = [];
  const lines = normalized.split('\n');
  const replaced = new Map<number, string>();
  for (const doc of docs) {
    const { objects, errors } = parseManifests(doc.text, file);
    for (const e of errors) problems.push(`${file}:${doc.firstLine - 1 + e.source.line}:${e.source.column}: error: ${e.message}`);
    const edits = [];
    for (const loaded of objects) {
      const ops = engine.mutate(loaded.object);
      if (ops.length === 0) continue;
      try {
        edits.push(...editsFor(doc.text, ops, loaded.listIndex === undefined ? [] : ['items', loaded.listIndex], isJson));
        changes.push(...ops.map((op) => describe(loaded.object, op)));
      } catch (err) {
        if (!(err instanceof UnfixableError)) throw err;
        problems.push(`${file}:${doc.firstLine}: ${loaded.object.metadata?.name ?? '?'}: ${err.message}`);
      }
    }
    if (edits.length) replaced.set(doc.firstLine, applyEdits(doc.text, edits));
  }
  if (replaced.size === 0) return { text, changes, problems };
  // rebuild the file from the untouched lines and the rewritten documents
  const out: string[] = [];
  const byStart = [...docs].sort((a, b) => a.firstLine - b.firstLine);
  let line = 1;
  for (const doc of byStart) {
    while (line < doc.firstLine) out.push(lines[line++ - 1]);
    const n = doc.text.split('\n').length;
    const fixed = replaced.get(doc.firstLine);
    if (fixed !== undefined) out.push(fixed);
    else out.push(...lines.slice(doc.firstLine - 1, doc.firstLine - 1 + n));
    line += n;
  }
  while (line <= lines.length) out.push(lines[line++ - 1]);
  const result = out.join('\n');
  return { text: crlf ? result.replace(/\n/g, '\r\n') : result, changes, problems };
}
