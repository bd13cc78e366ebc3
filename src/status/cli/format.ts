import { dump } from 'js-yaml';
import type { PolicyResult } from '../resolve.js';

/**
 * Output of `btls status`. json and yaml print `{policies: [{namespace, name, status}]}`, where status is
 * exactly the PolicyStatus the controller would PUT; text is one line per (policy, ancestor) for people.
 */
export const statusOutputNames = ['json', 'yaml', 'text'] as const;
export type StatusOutput = (typeof statusOutputNames)[number];

export function formatResults(results: readonly PolicyResult[], output: StatusOutput, controllerName: string): string {
  const doc = { policies: results.map((r) => ({ namespace: r.namespace, name: r.name, status: r.status })) };
  if (output === 'json') return JSON.stringify(doc, null, 2) + '\n';
  if (output === 'yaml') return dump(doc, { noRefs: true, lineWidth: -1 });
  const lines: string[] = [];
  for (const r of results) {
    const ours = r.status.ancestors.filter((a) => a.controllerName === controllerName);
    if (ours.length === 0) lines.push(`${r.namespace}/${r.name}\t(no ancestors)`);
    for (const a of ours) {
      const ref = `${a.ancestorRef.kind ?? 'Gateway'} ${a.ancestorRef.namespace ?? r.namespace}/${a.ancestorRef.name}${a.ancestorRef.sectionName ? `#${a.ancestorRef.sectionName}` : ''}`;
      const conds = a.conditions.map((c) => `${c.type}=${c.status}/${c.reason}`).join(' ');
      const why = a.conditions.filter((c) => c.status !== 'True').map((c) => c.message);
      lines.push(`${r.namespace}/${r.name}\t${ref}\t${conds}${why.length ? `\t${why.join('; ')}` : ''}`);
    }
    for (const o of r.overflow) {
      lines.push(`${r.namespace}/${r.name}\t${o.kind ?? 'Gateway'} ${o.namespace}/${o.name}\tnot written: status.ancestors is full (16); the policy is unimplementable for this ancestor`);
    }
  }
  return lines.length ? lines.join('\n') + '\n' : '';
}
