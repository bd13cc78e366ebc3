import { run } from './program.js';
import { processIo } from './io.js';
import { translateKubectlArgs } from './kubectl-plugin.js';

process.exitCode = await run(translateKubectlArgs(process.argv.slice(2)), processIo());
