import type { Command } from 'commander';
import type { Io } from '../io.js';
import type { CommandOutcome } from '../program.js';

/** Each subcommand lives in its own file and registers itself here; one line per command. */
export function registerCommands(program: Command, io: Io, outcome: CommandOutcome): void {
  void program;
  void io;
  void outcome;
}
