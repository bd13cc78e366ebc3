/**
 * Bounds checked on raw JSON text before JSON.parse, for bodies large enough to hurt:
 * - nesting depth: a body of 1 MiB of `[` parses fine in V8, but the object it yields would blow the stack of
 *   every recursive walk after it (rules, logging, serialisers);
 * - the number of values: what JSON.parse allocates grows with it, not with the body's size. Measured here,
 *   6 MiB of `{}` in lists parse into 131 MiB of heap, 6 MiB of long strings into 15 MiB; two such bodies at
 *   once took a webhook with the Deployment's 160 MiB heap down. Counted as containers plus commas (at least
 *   the number of values less one per container), which needs no tokenizer.
 * One pass, no allocation; string contents are skipped with indexOf, so long strings cost little.
 */
export interface JsonTextBounds {
  maxDepth: number;
  maxValues: number;
}

export type JsonTextViolation = 'depth' | 'values';

export function scanJsonText(text: string, bounds: JsonTextBounds): JsonTextViolation | undefined {
  const { maxDepth, maxValues } = bounds;
  let depth = 0;
  let values = 0;
  const n = text.length;
  for (let i = 0; i < n; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x22 /* " */) {
      i = endOfString(text, i);
      if (i < 0) return undefined; // unterminated: JSON.parse reports it
    } else if (c === 0x7b /* { */ || c === 0x5b /* [ */) {
      if (++depth > maxDepth) return 'depth';
      if (++values > maxValues) return 'values';
    } else if (c === 0x7d /* } */ || c === 0x5d /* ] */) {
      depth--;
    } else if (c === 0x2c /* , */) {
      if (++values > maxValues) return 'values';
    }
  }
  return undefined;
}

/** Index of the quote that closes the string opened at `start`, or -1. */
function endOfString(text: string, start: number): number {
  let i = start;
  for (;;) {
    i = text.indexOf('"', i + 1);
    if (i < 0) return -1;
    let backslashes = 0;
    for (let j = i - 1; text.charCodeAt(j) === 0x5c; j--) backslashes++;
    if (backslashes % 2 === 0) return i;
  }
}
