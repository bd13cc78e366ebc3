#!/usr/bin/env node
// Runs the Dockerfile's steps without a Docker engine (there is none where CI runs): each stage gets a folder
// as its root, COPY copies (from the build context minus .dockerignore, or from an earlier stage), RUN runs in
// the stage's WORKDIR on this machine's Node and npm, and the last stage's ENTRYPOINT is then started with the
// arguments given, as the image's USER when run as root (setpriv), with the copied files owned by root.
// What it cannot show: that the base images exist or contain what the steps need (node and npm in the build
// image; only node in the runtime image, which is why a RUN there is an error).
//
//   node scripts/dockerfile-dry-run.mjs --keep /tmp/image -- check examples/policy-admitted.yaml
import { spawnSync } from 'node:child_process';
import { chmodSync, cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const context = resolve(dirname(fileURLToPath(import.meta.url)), '..');

/** Instructions of a Dockerfile, continuations joined and comments dropped. */
export function parseDockerfile(text) {
  const out = [];
  let pending = '';
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (pending === '' && (line === '' || line.startsWith('#'))) continue;
    if (line.endsWith('\\')) {
      pending += `${line.slice(0, -1)} `;
      continue;
    }
    const full = pending + line;
    pending = '';
    const m = /^(\w+)\s+(.*)$/.exec(full);
    if (!m) throw new Error(`cannot read Dockerfile line: ${full}`);
    out.push({ op: m[1].toUpperCase(), args: m[2].trim() });
  }
  return out;
}

/** .dockerignore as Docker reads it: patterns relative to the context root, `*` within one path segment. */
function ignoreMatcher(file) {
  if (!existsSync(file)) return () => false;
  const patterns = readFileSync(file, 'utf8')
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l !== '' && !l.startsWith('#'));
  if (patterns.some((p) => p.startsWith('!') || p.includes('**'))) throw new Error('.dockerignore: only plain and * patterns are supported here');
  const res = patterns.map((p) => new RegExp(`^${p.replace(/^\//, '').replace(/[.+?^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '[^/]*')}(/.*)?$`));
  return (rel) => res.some((re) => re.test(rel));
}

function jsonForm(args, what) {
  try {
    const v = JSON.parse(args);
    if (Array.isArray(v) && v.every((s) => typeof s === 'string')) return v;
  } catch {
    // fall through
  }
  throw new Error(`${what} must be in exec (JSON) form: ${args}`);
}

export function dryRun({ dockerfile = join(context, 'Dockerfile'), root, log = () => {} }) {
  const ignored = ignoreMatcher(join(context, '.dockerignore'));
  const stages = [];
  let stage;
  for (const { op, args } of parseDockerfile(readFileSync(dockerfile, 'utf8'))) {
    if (op === 'FROM') {
      const m = /^(\S+)(?:\s+AS\s+(\S+))?$/i.exec(args);
      if (!m) throw new Error(`FROM: ${args}`);
      stage = { image: m[1], name: m[2] ?? String(stages.length), root: join(root, `stage-${stages.length}`), workdir: '/', env: {}, user: undefined, entrypoint: [], cmd: [] };
      mkdirSync(stage.root, { recursive: true });
      stages.push(stage);
      continue;
    }
    if (!stage) throw new Error(`${op} before FROM`);
    const inStage = (p) => join(stage.root, p.startsWith('/') ? p : join(stage.workdir, p));
    switch (op) {
      case 'WORKDIR':
        stage.workdir = args.startsWith('/') ? args : join(stage.workdir, args);
        mkdirSync(inStage('.'), { recursive: true });
        break;
      case 'ENV': {
        const m = /^(\S+?)[= ](.*)$/.exec(args);
        stage.env[m[1]] = m[2];
        break;
      }
      case 'COPY': {
        const words = args.split(/\s+/);
        const from = words[0].startsWith('--from=') ? words.shift().slice('--from='.length) : undefined;
        const dest = words.pop();
        for (const src of words) {
          let source;
          if (from !== undefined) {
            const s = stages.find((x) => x.name === from);
            if (!s) throw new Error(`COPY --from=${from}: no such stage`);
            source = join(s.root, src.startsWith('/') ? src : join(s.workdir, src));
          } else {
            if (src.startsWith('/') || src.includes('..')) throw new Error(`COPY ${src}: outside the build context`);
            source = join(context, src);
            if (ignored(relative(context, source))) throw new Error(`COPY ${src}: excluded by .dockerignore`);
          }
          if (!existsSync(source)) throw new Error(`COPY ${src}: not found`);
          const target = dest.endsWith('/') || words.length > 1 ? join(inStage(dest), src.split('/').pop()) : inStage(dest);
          mkdirSync(dirname(target), { recursive: true });
          cpSync(source, target, {
            recursive: true,
            verbatimSymlinks: true,
            filter: (p) => from !== undefined || !ignored(relative(context, p)),
          });
        }
        break;
      }
      case 'RUN': {
        if (stage.image.includes('distroless')) throw new Error(`RUN in ${stage.image}: distroless images have no shell`);
        log(`RUN ${args}`);
        const r = spawnSync('sh', ['-c', args], { cwd: inStage('.'), env: { ...process.env, ...stage.env }, encoding: 'utf8' });
        if (r.status !== 0) throw new Error(`RUN ${args} failed (exit ${r.status}):\n${(r.stdout + r.stderr).slice(-3000)}`);
        break;
      }
      case 'USER':
        stage.user = args;
        break;
      case 'ENTRYPOINT':
        stage.entrypoint = jsonForm(args, 'ENTRYPOINT');
        break;
      case 'CMD':
        stage.cmd = jsonForm(args, 'CMD');
        break;
      case 'EXPOSE':
      case 'LABEL':
      case 'ARG':
        break;
      default:
        throw new Error(`${op}: not supported by this dry run`);
    }
  }
  return stages.at(-1);
}

/** The image's command line on this machine: its node is this node, its paths are under the stage's root. */
export function commandOf(stage, args) {
  // the image's own paths move under the stage's root; the caller's arguments (mounted files) stay as given
  const inImage = (a, i) => (i === 0 && /\/node$/.test(a) ? process.execPath : a.startsWith('/') ? join(stage.root, a) : a);
  const mapped = [...stage.entrypoint.map(inImage), ...(args.length > 0 ? args : stage.cmd)];
  const asUser = process.getuid?.() === 0 && stage.user !== undefined;
  if (!asUser) return { command: mapped[0], args: mapped.slice(1) };
  const [uid, gid = uid] = stage.user.split(':');
  return { command: 'setpriv', args: [`--reuid=${uid}`, `--regid=${gid}`, '--clear-groups', ...mapped] };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const argv = process.argv.slice(2);
  const dash = argv.indexOf('--');
  const own = dash < 0 ? argv : argv.slice(0, dash);
  const args = dash < 0 ? [] : argv.slice(dash + 1);
  const keep = own[0] === '--keep' ? own[1] : undefined;
  const root = keep ?? mkdtempSync(join(tmpdir(), 'btls-image-'));
  mkdirSync(root, { recursive: true });
  chmodSync(root, 0o755); // the image's user must reach its files
  try {
    const stage = dryRun({ root, log: (m) => console.error(m) });
    const { command, args: rest } = commandOf(stage, args);
    const r = spawnSync(command, rest, { cwd: join(stage.root, stage.workdir), stdio: 'inherit', env: { PATH: process.env.PATH, ...stage.env } });
    process.exitCode = r.status ?? 1;
  } catch (err) {
    console.error(`dockerfile dry run: ${err.message}`);
    process.exitCode = 2;
  } finally {
    if (!keep) rmSync(root, { recursive: true, force: true });
  }
}
