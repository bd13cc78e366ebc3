import { Command, CommanderError } from 'commander';
import { ExitCode, type Io } from './io.js';
import { registerCommands } from './commands/index.js';
import { toolVersion } from './version.js';

/** Holds the exit code a command's action decided; commander itself never exits the process. */
export interface CommandOutcome {
  code: number;
}

export function buildProgram(io: Io, outcome: CommandOutcome): Command {
  const program = new Command('btls')
    .description('Admission control, CI checks and status for Gateway API BackendTLSPolicy')
    .version(toolVersion() ?? 'unknown', '-V, --version', 'print the version of btls')
    .showHelpAfterError()
    .exitOverride()
    .configureOutput({
      writeOut: (s) => io.stdout.write(s),
      writeErr: (s) => io.stderr.write(s),
    });
  registerCommands(program, io, outcome);
  for (const cmd of program.commands) cmd.exitOverride().showHelpAfterError();
  return program;
}

/** Runs the CLI and returns the exit code: 0 ok, 1 something denied, 2 usage or input errors. */
export async function run(argv: string[], io: Io): Promise<number> {
  const outcome: CommandOutcome = { code: ExitCode.ok };
  const program = buildProgram(io, outcome);
  try {
    await program.parseAsync(argv, { from: 'user' });
    return outcome.code;
  } catch (err) {
    if (err instanceof CommanderError) {
      // --help and --version end with exitCode 0; everything else commander rejects is a usage error
      return err.exitCode === 0 ? ExitCode.ok : ExitCode.error;
    }
    io.stderr.write(`btls: ${err instanceof Error ? err.message : String(err)}\n`);
    return ExitCode.error;
  }
}
