import { dump } from 'js-yaml';
import type { PolicyResult } from '../resolve.js';

/**
 * Output of `btls status`. json and yaml print `{policies: [{namespace, name, status[, overflow]}]}`, where
 * status is exactly the PolicyStatus the controller would PUT, and overflow (only when status.ancestors is
 * full) lists the ancestors left out, for which the policy is unimplementable (the controller sends Events);
 * text is one line per (policy, ancestor) for people.
 */
export const statusOutputNames = ['json', 'yaml', 'text'] as const;
export type StatusOutput = (typeof statusOutputNames)[number];

function refText(ref: PolicyResult['overflow'][number], namespace: string): string {
  return `${ref.kind ?? 'Gateway'} ${ref.namespace ?? namespace}/${ref.name}${ref.sectionName ? `#${ref.sectionName}` : ''}`;
}

function overflowOf(r: PolicyResult): { overflow?: PolicyResult['overflow'] } {
  return r.overflow.length ? { overflow: r.overflow } : {};
}

export function formatResults(results: readonly PolicyResult[], output: StatusOutput, controllerName: string): string {
  const doc = { policies: results.map((r) => ({ namespace: r.namespace, name: r.name, status: r.status, ...overflowOf(r) })) };
  if (output === 'json') return JSON.stringify(doc, null, 2) + '\n';
  if (output === 'yaml') return dump(doc, { noRefs: true, lineWidth: -1 });
  const lines: string[] = [];
  for (const r of results) {
    const ours = r.status.ancestors.filter((a) => a.controllerName === controllerName);
    if (ours.length === 0) lines.push(`${r.namespace}/${r.name}\t(no ancestors)`);
    for (const a of ours) {
      const ref = refText(a.ancestorRef, r.namespace);
      const conds = a.conditions.map((c) => `${c.type}=${c.status}/${c.reason}`).join(' ');
      const why = a.conditions.filter((c) => c.status !== 'True').map((c) => c.message);
      lines.push(`${r.namespace}/${r.name}\t${ref}\t${conds}${why.length ? `\t${why.join('; ')}` : ''}`);
    }
    for (const o of r.overflow) {
      lines.push(`${r.namespace}/${r.name}\t${refText(o, r.namespace)}\tnot written: status.ancestors is full (16); the policy is unimplementable for this ancestor`);
    }
  }
  return lines.length ? lines.join('\n') + '\n' : '';
}

/**
 * `btls status --cluster`: per policy, the status the writer would write beside the one stored, and whether
 * they agree (what the writer's next reconcile would change).
 */
export function formatComparison(
  results: readonly PolicyResult[],
  stored: ReadonlyMap<string, unknown>,
  inSync: (computed: PolicyResult['status'], stored: unknown) => boolean,
  output: StatusOutput,
  controllerName: string,
): string {
  const rows = results.map((r) => {
    const s = stored.get(`${r.namespace}/${r.name}`);
    return { namespace: r.namespace, name: r.name, inSync: inSync(r.status, s), computed: r.status, stored: s ?? null, ...overflowOf(r) };
  });
  if (output === 'json') return JSON.stringify({ policies: rows }, null, 2) + '\n';
  if (output === 'yaml') return dump({ policies: rows }, { noRefs: true, lineWidth: -1 });
  const lines: string[] = [];
  for (const row of rows) {
    lines.push(`${row.namespace}/${row.name}\t${row.inSync ? 'in sync' : 'differs: the writer would change the stored status'}`);
    if (!row.inSync) {
      const r = results.find((x) => x.namespace === row.namespace && x.name === row.name)!;
      for (const line of formatResults([r], 'text', controllerName).trimEnd().split('\n')) lines.push(`  computed\t${line}`);
      const ancestors = ((row.stored as { ancestors?: Array<{ controllerName?: string; ancestorRef: { name: string; namespace?: string }; conditions?: Array<{ type: string; status: string; reason: string }> }> } | null)?.ancestors ?? []).filter(
        (a) => a.controllerName === controllerName,
      );
      if (ancestors.length === 0) lines.push('  stored\t(no entries of this controller)');
      for (const a of ancestors) {
        lines.push(`  stored\t${a.ancestorRef.namespace ?? row.namespace}/${a.ancestorRef.name}\t${(a.conditions ?? []).map((c) => `${c.type}=${c.status}/${c.reason}`).join(' ')}`);
      }
    }
  }
  return lines.length ? lines.join('\n') + '\n' : '';
}
