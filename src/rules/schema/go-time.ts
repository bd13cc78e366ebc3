/**
 * Go's `time.Parse(time.RFC3339, s)`, for its error text only: metav1.Time decodes creationTimestamp and
 * deletionTimestamp with it, so the apiserver refuses a bad value with exactly this message (a 400 while
 * decoding). Written from Go's time/format.go for the one layout; test/fixtures/go-rfc3339.tsv holds what Go
 * itself says of each case (scripts/go-time-truth/).
 *
 * Works on the UTF-8 bytes, as Go does: its offsets, and the \x escapes of its quote(), are bytes.
 */

const LAYOUT = '2006-01-02T15:04:05Z07:00';

type Step = { literal: string } | { std: 'year' | 'month' | 'day' | 'hour' | 'minute' | 'second' | 'zone'; text: string };

// the layout as Go's nextStdChunk splits it
const STEPS: Step[] = [
  { std: 'year', text: '2006' },
  { literal: '-' },
  { std: 'month', text: '01' },
  { literal: '-' },
  { std: 'day', text: '02' },
  { literal: 'T' },
  { std: 'hour', text: '15' },
  { literal: ':' },
  { std: 'minute', text: '04' },
  { literal: ':' },
  { std: 'second', text: '05' },
  { std: 'zone', text: 'Z07:00' },
];

const isDigit = (b: Uint8Array, i: number): boolean => i < b.length && b[i] >= 0x30 && b[i] <= 0x39;

/** Go's getnum: one or two digits, exactly two when `fixed`; undefined where Go says errBad */
function getnum(b: Uint8Array, fixed: boolean): { n: number; rest: Uint8Array } | undefined {
  if (!isDigit(b, 0)) return undefined;
  if (!isDigit(b, 1)) return fixed ? undefined : { n: b[0] - 0x30, rest: b.subarray(1) };
  return { n: (b[0] - 0x30) * 10 + (b[1] - 0x30), rest: b.subarray(2) };
}

/** Go's time.quote: printable ASCII as is (with " and \ escaped), every other byte as \xHH */
function quote(b: Uint8Array): string {
  let out = '"';
  for (const c of b) {
    if (c < 0x20 || c >= 0x80) out += `\\x${c.toString(16).padStart(2, '0')}`;
    else out += (c === 0x22 || c === 0x5c ? '\\' : '') + String.fromCharCode(c);
  }
  return `${out}"`;
}

const daysIn = (month: number, year: number): number =>
  month === 2 ? (year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0) ? 29 : 28) : [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][month - 1];

/**
 * The plain form every Kubernetes client writes (two-digit fields, an optional fraction, Z or a ±hh:mm offset),
 * checked without the byte-by-byte walk below: that walk costs about 1.5 µs a timestamp, and every review carries
 * a few (managedFields). A match with every field in range parses in Go too; anything else, valid or not, takes
 * the walk, which words Go's error.
 */
const PLAIN = /^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}(?:[.,][0-9]+)?(?:Z|[+-][0-9]{2}:[0-9]{2})$/;

/** the number of the two (four) ASCII digits at `at`, the shape being checked already */
const num2 = (s: string, at: number) => (s.charCodeAt(at) - 48) * 10 + s.charCodeAt(at + 1) - 48;

function plainAndInRange(value: string): boolean {
  if (!PLAIN.test(value)) return false;
  const year = num2(value, 0) * 100 + num2(value, 2);
  const month = num2(value, 5);
  const day = num2(value, 8);
  if (month < 1 || month > 12 || day < 1 || day > daysIn(month, year)) return false;
  if (num2(value, 11) >= 24 || num2(value, 14) >= 60 || num2(value, 17) >= 60) return false;
  // the walk's offset limits: 24 hours and 60 minutes are written and accepted
  const end = value.length;
  return value.charCodeAt(end - 1) === 0x5a || (num2(value, end - 5) <= 24 && num2(value, end - 2) <= 60);
}

/** The error Go's time.Parse(time.RFC3339, value) returns, or undefined when it parses. */
export function rfc3339Error(value: string): string | undefined {
  return plainAndInRange(value) ? undefined : rfc3339ErrorByWalk(value);
}

/** @internal rfc3339Error without the shortcut (tests compare the two) */
export function rfc3339ErrorByWalk(value: string): string | undefined {
  const all = new TextEncoder().encode(value);
  const cannot = (at: Uint8Array, elem: string) => `parsing time ${quote(all)} as "${LAYOUT}": cannot parse ${quote(at)} as "${elem}"`;
  const outOfRange = (what: string) => `parsing time ${quote(all)}: ${what} out of range`;
  let b: Uint8Array = all;
  let year = 0;
  let month = 0;
  let day = 0;
  for (const step of STEPS) {
    if ('literal' in step) {
      if (b.length === 0 || b[0] !== step.literal.charCodeAt(0)) return cannot(b, step.literal);
      b = b.subarray(1);
      continue;
    }
    const at = b;
    switch (step.std) {
      case 'year': {
        if (b.length < 4 || ![0, 1, 2, 3].every((i) => isDigit(b, i))) return cannot(at, step.text);
        year = Number(new TextDecoder().decode(b.subarray(0, 4)));
        b = b.subarray(4);
        break;
      }
      case 'month':
      case 'day':
      case 'hour':
      case 'minute':
      case 'second': {
        const r = getnum(b, step.std !== 'hour');
        if (!r) return cannot(at, step.text);
        b = r.rest;
        if (step.std === 'month') {
          month = r.n;
          if (month <= 0 || month > 12) return outOfRange('month');
        } else if (step.std === 'day') day = r.n;
        else if (step.std === 'hour' && r.n >= 24) return outOfRange('hour');
        else if (step.std === 'minute' && r.n >= 60) return outOfRange('minute');
        else if (step.std === 'second') {
          if (r.n >= 60) return outOfRange('second');
          // a fraction the layout does not name is read anyway: '.' or ',' and digits
          if (b.length >= 2 && (b[0] === 0x2e || b[0] === 0x2c) && isDigit(b, 1)) {
            let n = 2;
            while (isDigit(b, n)) n++;
            b = b.subarray(n);
          }
        }
        break;
      }
      case 'zone': {
        if (b.length >= 1 && b[0] === 0x5a) {
          b = b.subarray(1);
          break;
        }
        if (b.length < 6 || b[3] !== 0x3a) return cannot(at, step.text);
        const hr = getnum(b.subarray(1, 3), true);
        const mm = hr && getnum(b.subarray(4, 6), true);
        // Go reports a range error before a malformed offset or sign (`>`: offsets of 24 hours are written)
        if (hr && hr.n > 24) return outOfRange('time zone offset hour');
        if (mm && mm.n > 60) return outOfRange('time zone offset minute');
        if (!hr || !mm || (b[0] !== 0x2b && b[0] !== 0x2d)) return cannot(at, step.text);
        b = b.subarray(6);
        break;
      }
    }
  }
  if (b.length > 0) return `parsing time ${quote(all)}: extra text: ${quote(b)}`;
  if (day < 1 || day > daysIn(month, year)) return outOfRange('day');
  return undefined;
}
