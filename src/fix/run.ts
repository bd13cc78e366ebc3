import { readFile, stat, writeFile } from 'node:fs/promises';
import { createTwoFilesPatch } from 'diff';
import { NO_MANIFEST_FILES, readStream, reason, walk } from '../manifests/load.js';
import type { Engine } from '../rules/types.js';
import { ExitCode, type Io } from '../cli/io.js';
import { fixText } from './fix-file.js';

/** What a fix run read and made of it: the text of each input after its fixes (the input itself if none). */
export interface FixOutcome {
  code: number;
  texts: Array<{ file: string; text: string }>;
}

export interface FixOptions {
  paths: string[];
  /** print a unified diff instead of writing the files */
  diffOnly: boolean;
}

/**
 * `btls check --fix`: writes the rule table's mutations into the files; for `-` the fixed text goes to
 * stdout. The files are read as text because a fix edits bytes, so that the rest stays as it was.
 */
export async function runFix(options: FixOptions, io: Io, engine: Engine): Promise<FixOutcome> {
  let code: number = ExitCode.ok;
  const texts: FixOutcome['texts'] = [];
  const fail = (message: string) => {
    io.stderr.write(`${message}\n`);
    code = ExitCode.error;
  };
  for (const path of options.paths) {
    if (path === '-') {
      const before = await readStream(io.stdin);
      const { text, problems } = fixText(before, '<stdin>', engine);
      problems.forEach(fail);
      texts.push({ file: '<stdin>', text });
      io.stdout.write(options.diffOnly ? (text === before ? '' : createTwoFilesPatch('a/<stdin>', 'b/<stdin>', before, text)) : text);
      continue;
    }
    let files: string[];
    try {
      files = (await stat(path)).isDirectory() ? await walk(path) : [path];
    } catch (err) {
      fail(`${path}:0:0: error: cannot read: ${reason(err)}`);
      continue;
    }
    // as in src/manifests/load.ts: --fix --diff checks only these texts, and must not pass on a wrong folder
    if (files.length === 0) fail(`${path}: error: ${NO_MANIFEST_FILES}`);
    for (const file of files) {
      let before: string;
      try {
        before = await readFile(file, 'utf8');
      } catch (err) {
        fail(`${file}:0:0: error: cannot read: ${reason(err)}`);
        continue;
      }
      const { text, changes, problems } = fixText(before, file, engine);
      problems.forEach(fail);
      texts.push({ file, text });
      if (text === before) continue;
      if (options.diffOnly) {
        io.stdout.write(createTwoFilesPatch(`a/${file}`, `b/${file}`, before, text));
      } else {
        await writeFile(file, text);
        for (const c of changes) io.stderr.write(`${file}: fixed ${c}\n`);
      }
    }
  }
  return { code, texts };
}
