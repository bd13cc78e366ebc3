import { isMap, isScalar, parseDocument, Scalar, type Node as YamlNode } from 'yaml';
import type { JsonPatchOp } from '../rules/types.js';

/**
 * Applies the engine's JSON patch to the YAML text of one document by editing only the bytes of the changed
 * nodes: comments, key order, quoting and layout of everything else stay as they were. yaml 2 gives the
 * source ranges; js-yaml (used for reading) keeps none.
 */
export interface TextEdit {
  start: number;
  end: number;
  text: string;
}

export class UnfixableError extends Error {}

function pathOf(pointer: string, prefix: Array<string | number>): Array<string | number> {
  return [...prefix, ...pointer.slice(1).split('/').map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~')).map((s) => (/^\d+$/.test(s) ? Number(s) : s))];
}

/** A scalar in the style of the one it replaces when that style can hold the new value; else double-quoted. */
function scalarText(value: unknown, like?: Scalar): string {
  if (typeof value !== 'string') return JSON.stringify(value);
  const plainSafe = value !== '' && /^[a-z0-9][-a-z0-9.]*$/i.test(value) && !/^(true|false|null|yes|no|on|off|~|[-+]?\d)/i.test(value);
  if (like?.type === 'QUOTE_SINGLE') return `'${value.replace(/'/g, "''")}'`;
  if (like?.type === 'PLAIN' && plainSafe) return value;
  return JSON.stringify(value);
}

export function editsFor(text: string, ops: JsonPatchOp[], prefix: Array<string | number> = [], json = false): TextEdit[] {
  const doc = parseDocument(text, { keepSourceTokens: true });
  if (doc.errors.length) throw new UnfixableError(`cannot parse for fixing: ${doc.errors[0].message}`);
  const edits: TextEdit[] = [];
  for (const op of ops) {
    const path = pathOf(op.path, prefix);
    if (op.op === 'replace') {
      const node = doc.getIn(path, true) as YamlNode | undefined;
      if (!node || !isScalar(node) || !node.range) throw new UnfixableError(`cannot find ${op.path} in the YAML`);
      // a block scalar's range runs to the start of the next line: keep its line break(s)
      const tail = /\s*$/.exec(text.slice(node.range[0], node.range[1]))![0];
      edits.push({ start: node.range[0], end: node.range[1], text: (json ? JSON.stringify(op.value) : scalarText(op.value, node)) + tail });
    } else if (op.op === 'add') {
      const key = path[path.length - 1];
      const holder = doc.getIn(path.slice(0, -1), true) as YamlNode | undefined;
      if (!holder || !isMap(holder) || !holder.range || typeof key !== 'string') throw new UnfixableError(`cannot add ${op.path} to the YAML`);
      const entry = `${json ? JSON.stringify(key) : key}: ${json ? JSON.stringify(op.value) : scalarText(op.value)}`;
      if (holder.flow) {
        const open = text.indexOf('{', holder.range[0]);
        const empty = holder.items.length === 0;
        edits.push({ start: open + 1, end: open + 1, text: empty ? entry : `${entry}, ` });
      } else {
        const first = holder.items[0]?.key as YamlNode | undefined;
        if (!first?.range) throw new UnfixableError(`cannot add ${op.path} to an empty block map`);
        const at = first.range[0];
        const column = at - (text.lastIndexOf('\n', at - 1) + 1);
        edits.push({ start: at, end: at, text: `${entry}\n${' '.repeat(column)}` });
      }
    } else {
      throw new UnfixableError(`cannot apply a '${op.op}' operation to YAML text`);
    }
  }
  return edits;
}

/** Applies edits back to front, so earlier offsets stay valid. */
export function applyEdits(text: string, edits: TextEdit[]): string {
  let out = text;
  for (const e of [...edits].sort((a, b) => b.start - a.start)) out = out.slice(0, e.start) + e.text + out.slice(e.end);
  return out;
}
