import type { CheckResult, Summary } from './types.js';

/** Counts results as they are written; every output format keeps one, so all formats agree on totals. */
export class Tally {
  readonly summary: Summary = { objects: 0, policies: 0, denied: 0, warnings: 0, errors: 0 };

  add(result: CheckResult): void {
    const s = this.summary;
    if (result.type === 'error') {
      s.errors++;
      return;
    }
    s.objects++;
    if (result.policy) s.policies++;
    for (const f of result.findings) {
      if (f.severity === 'deny') s.denied++;
      else s.warnings++;
    }
  }
}

function plural(n: number, one: string, many: string): string {
  return `${n} ${n === 1 ? one : many}`;
}

/** `3 objects, 1 policy: 1 denied, 0 warnings, 0 errors` */
export function formatSummary(s: Summary): string {
  return (
    `${plural(s.objects, 'object', 'objects')}, ${plural(s.policies, 'policy', 'policies')}: ` +
    `${s.denied} denied, ${plural(s.warnings, 'warning', 'warnings')}, ${plural(s.errors, 'error', 'errors')}`
  );
}
