/**
 * `kubectl btls ...`: kubectl runs the `kubectl-btls` executable with the words after `btls`, untouched.
 * This turns kubectl's habits into btls's flags: `-f FILE` names inputs; without `-f`, `check` and `status`
 * read the cluster, with kubectl's `-n`, `-A`, `--context` and `--kubeconfig`.
 */
const valueFlags = new Set(['-n', '--namespace', '--context', '--kubeconfig', '-o', '--output', '--config', '--ruleset', '--controller-name', '--ancestor-kind', '--well-known']);

export function translateKubectlArgs(argv: string[]): string[] {
  const [command, ...rest] = argv;
  if (command !== 'check' && command !== 'status') return argv;
  const files: string[] = [];
  const out: string[] = [command];
  for (let i = 0; i < rest.length; i++) {
    const a = rest[i];
    if (a === '-f' || a === '--filename') {
      if (i + 1 < rest.length) files.push(rest[++i]);
      else out.push(a); // let the usage error name it
      continue;
    }
    const eq = /^(--filename|-f)=(.*)$/.exec(a);
    if (eq) {
      files.push(eq[2]);
      continue;
    }
    out.push(a);
    if (valueFlags.has(a) && i + 1 < rest.length) out.push(rest[++i]);
  }
  if (files.length) {
    // files were named: the cluster flags do not apply to them (kubectl would use them only to send)
    return [...stripClusterFlags(out), ...files];
  }
  return out.includes('--cluster') ? out : [command, '--cluster', ...out.slice(1)];
}

function stripClusterFlags(args: string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    if (a === '-A' || a === '--all-namespaces' || a === '--cluster') continue;
    if (['-n', '--namespace', '--context', '--kubeconfig'].includes(a)) {
      i++;
      continue;
    }
    if (/^(--namespace|--context|--kubeconfig)=/.test(a)) continue;
    out.push(a);
  }
  return out;
}
