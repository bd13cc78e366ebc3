import type { Command } from 'commander';
import type { Io } from '../io.js';
import type { CommandOutcome } from '../program.js';
import { register as registerCerts } from './certs.js';
import { register as registerCheck } from './check.js';
import { register as registerStatus } from './status.js';
import { register as registerController } from './controller.js';
import { register as registerServe } from './serve.js';
import { register as registerVap } from './vap.js';

/** Each subcommand lives in its own file and registers itself here; one line per command. */
export function registerCommands(program: Command, io: Io, outcome: CommandOutcome): void {
  registerCerts(program, io, outcome);
  registerCheck(program, io, outcome);
  registerStatus(program, io, outcome);
  registerController(program, io, outcome);
  registerServe(program, io, outcome);
  registerVap(program, io, outcome);
}
