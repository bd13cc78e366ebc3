import { processIo } from './io.js';
import { runPlugin } from './kubectl-plugin.js';

process.exitCode = await runPlugin(process.argv.slice(2), processIo());
