import { ExitCode, type Io } from './io.js';
import { run } from './program.js';

/**
 * `kubectl btls ...`: kubectl runs the `kubectl-btls` executable with the words after `btls`, untouched.
 * This turns kubectl's habits into btls's flags: `-f FILE` names inputs; without `-f`, `check` and `status`
 * read the cluster, with kubectl's `-n`, `-A`, `--context` and `--kubeconfig`. The flags are read as kubectl's
 * flag library (pflag) reads them: `-n shop`, `-nshop`, `-n=shop`, `--namespace=shop`; `-f a.yaml,b.yaml`;
 * booleans as `-A`, `--all-namespaces=true|false`.
 */
const btlsValueFlags = new Set(['-o', '--output', '--config', '--ruleset', '--controller-name', '--ancestor-kind', '--well-known']);

export const pluginUsage = `Check BackendTLSPolicy manifests and show their status, with kubectl's flags.

Usage:
  kubectl btls check [-f FILE|DIR|-]... [-n NS | -A] [--context C] [--kubeconfig F] [-o text|json|junit|sarif]
  kubectl btls status --controller-name NAME [-f FILE|DIR|-]... [-n NS | -A] [-o json|yaml|text]

Without -f, the objects are read from the cluster (kubeconfig, --context, -n or the context's namespace, -A);
references are resolved against the live ConfigMaps and Services.
With -f, the files are checked offline: -f may be repeated or take a comma-separated list, folders are always
walked recursively (-R is accepted), - is stdin, and -n is the namespace of the objects without one (an
object of another namespace is an error, as with kubectl apply -f -n).

Examples:
  kubectl btls check -n team-a
  kubectl btls check -f policy.yaml,context.yaml -n shop
  kubectl btls status --controller-name example.com/gw -A

Exit codes: 0 nothing denied, 1 something denied, 2 usage or input error.
Options of each command: kubectl btls check --help, kubectl btls status --help.
`;

/** `--flag=value`, `-fvalue`, `-f=value` or `-f value`: the value, and how many words it took; undefined if none. */
function valueOf(args: string[], i: number, long: string, short?: string): { value?: string; used: number } | undefined {
  const a = args[i];
  if (a === long || (short && a === short)) return i + 1 < args.length ? { value: args[i + 1], used: 2 } : { used: 1 };
  if (a.startsWith(`${long}=`)) return { value: a.slice(long.length + 1), used: 1 };
  if (short && a.startsWith(short) && a.length > short.length) return { value: a.slice(short.length + (a[short.length] === '=' ? 1 : 0)), used: 1 };
  return undefined;
}

/** `-A`, `--all-namespaces`, `--all-namespaces=false`: true, false, or undefined when `a` is another flag. */
function boolOf(a: string, long: string, short?: string): boolean | undefined {
  if (a === long || (short && a === short)) return true;
  const m = new RegExp(`^(?:${long}${short ? `|${short}` : ''})=(true|false)$`).exec(a);
  return m ? m[1] === 'true' : undefined;
}

export function translateKubectlArgs(argv: string[]): string[] {
  const [command, ...rest] = argv;
  if (command !== 'check' && command !== 'status') return argv;
  const files: string[] = [];
  const out: string[] = [command];
  let namespace: string | undefined;
  let allNamespaces = false;
  const send: string[] = []; // --context and --kubeconfig: only for reading the cluster
  for (let i = 0; i < rest.length; i++) {
    const a = rest[i];
    const f = valueOf(rest, i, '--filename', '-f');
    if (f) {
      if (f.value === undefined) out.push(a); // let the usage error name it
      // kubectl splits -f on commas (a string slice flag); '-' is stdin
      else files.push(...f.value.split(',').filter(Boolean));
      i += f.used - 1;
      continue;
    }
    const n = valueOf(rest, i, '--namespace', '-n');
    if (n) {
      if (n.value === undefined) out.push(a);
      else namespace = n.value;
      i += n.used - 1;
      continue;
    }
    const all = boolOf(a, '--all-namespaces', '-A');
    if (all !== undefined) {
      allNamespaces = all;
      continue;
    }
    // btls walks folders recursively anyway: -R asks for nothing more
    if (boolOf(a, '--recursive', '-R') !== undefined) continue;
    const c = valueOf(rest, i, '--context') ?? valueOf(rest, i, '--kubeconfig');
    if (c) {
      send.push(a.startsWith('--context') ? '--context' : '--kubeconfig', ...(c.value === undefined ? [] : [c.value]));
      i += c.used - 1;
      continue;
    }
    out.push(a);
    if (btlsValueFlags.has(a) && i + 1 < rest.length) out.push(rest[++i]);
  }
  const ns = namespace !== undefined ? ['-n', namespace] : [];
  // files were named: -n is their namespace; the cluster flags do not apply (kubectl would use them only to send)
  if (files.length) return [...out.filter((x) => x !== '--cluster'), ...ns, ...files];
  const cluster = out.includes('--cluster') ? out : [command, '--cluster', ...out.slice(1)];
  return [...cluster, ...ns, ...(allNamespaces ? ['-A'] : []), ...send];
}

/** The plugin's entry: its own usage for `kubectl btls [--help]`, else btls with the translated flags. */
export async function runPlugin(argv: string[], io: Io): Promise<number> {
  const [first] = argv;
  if (first === undefined || first === '--help' || first === '-h' || first === 'help') {
    (first === undefined ? io.stderr : io.stdout).write(pluginUsage);
    return first === undefined ? ExitCode.error : ExitCode.ok;
  }
  return run(translateKubectlArgs(argv), io);
}
