import { readFile, readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { parseManifests } from './parse.js';
import type { LoadResult } from './types.js';

const manifestFile = /\.(ya?ml|json)$/i;

/** A folder with no manifest file below it: `check` and `check --fix` must not pass on a wrong path. */
export const NO_MANIFEST_FILES = 'nothing to check: no *.yaml, *.yml or *.json file below this folder';

/**
 * Every manifest file below a folder, in a stable order (sorted by path), so output is deterministic. As kubectl -R
 * walks (filepath.Walk, which uses lstat): a symlink is an entry like a file, read through the link when its name is
 * a manifest's; a symlink to a folder is never descended, which also keeps link loops from walking forever.
 */
export async function walk(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true });
  const files: string[] = [];
  for (const e of entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))) {
    const path = join(dir, e.name);
    if (e.isDirectory()) files.push(...(await walk(path)));
    else if ((e.isFile() || e.isSymbolicLink()) && manifestFile.test(e.name)) files.push(path);
  }
  return files;
}

export async function readStream(stream: NodeJS.ReadableStream): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(typeof chunk === 'string' ? Buffer.from(chunk) : (chunk as Buffer));
  return Buffer.concat(chunks).toString('utf8');
}

/**
 * Reads files, folders (recursively: *.yaml, *.yml, *.json) and `-` (stdin). Unreadable paths become
 * input errors with the path, so one bad argument never hides the findings of the others.
 */
export async function loadInputs(paths: string[], stdin: NodeJS.ReadableStream): Promise<LoadResult> {
  const result: LoadResult = { objects: [], errors: [] };
  // a loop, not push(...list): a spread of a few hundred thousand objects overflows the call stack
  const add = (r: LoadResult) => {
    for (const o of r.objects) result.objects.push(o);
    for (const e of r.errors) result.errors.push(e);
  };
  // paths that were read and held no object, with whether they were folders
  const empty: Array<{ path: string; folder: boolean }> = [];
  for (const path of paths) {
    const before = { objects: result.objects.length, errors: result.errors.length };
    const quiet = () => result.objects.length === before.objects && result.errors.length === before.errors;
    if (path === '-') {
      add(parseManifests(await readStream(stdin), '<stdin>'));
      if (quiet()) empty.push({ path: '<stdin>', folder: false });
      continue;
    }
    let files: string[];
    let folder: boolean;
    try {
      folder = (await stat(path)).isDirectory();
      files = folder ? await walk(path) : [path];
    } catch (err) {
      result.errors.push({ source: { file: path, line: 0, column: 0 }, message: `cannot read: ${reason(err)}` });
      continue;
    }
    if (folder && files.length === 0) {
      // kubectl apply -f DIR: "error reading [DIR]: recognized file extensions are [.json .yaml .yml]"
      result.errors.push({ source: { file: path, line: 0, column: 0 }, message: NO_MANIFEST_FILES });
      continue;
    }
    for (const file of files) {
      try {
        // one decode of the whole buffer: readFile(file, 'utf8') decodes chunk by chunk, several times slower
        add(parseManifests((await readFile(file)).toString('utf8'), file));
      } catch (err) {
        result.errors.push({ source: { file, line: 0, column: 0 }, message: `cannot read: ${reason(err)}` });
      }
    }
    if (quiet()) empty.push({ path, folder });
  }
  // A CI run that checked nothing must not pass. A folder that yields no object is a wrong path; an empty file
  // or stdin is an error only when nothing else brought an object, as kubectl apply's "no objects passed to apply".
  const nothing = result.objects.length === 0 && result.errors.length === 0;
  for (const e of empty) {
    if (e.folder) result.errors.push({ source: { file: e.path, line: 0, column: 0 }, message: 'nothing to check: no objects in the *.yaml, *.yml and *.json files below this folder' });
    else if (nothing) result.errors.push({ source: { file: e.path, line: 0, column: 0 }, message: 'nothing to check: no objects in the input' });
  }
  return result;
}

export function reason(err: unknown): string {
  const e = err as NodeJS.ErrnoException;
  if (e?.code === 'ENOENT') return 'no such file or directory';
  if (e?.code === 'EACCES') return 'permission denied';
  if (e?.code === 'EISDIR') return 'is a directory';
  return e instanceof Error ? e.message : String(err);
}
