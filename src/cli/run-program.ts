// Running a commander program the way every cc-agent entry point does: commander's own exits keep their code, any
// other error is one line on stderr and exit code 1. Error text can quote what was typed (a flag's value) or what a
// server said (a customer's name): it reaches the terminal sanitised, never with its escape sequences.
import { CommanderError } from "commander";
import type { Command } from "commander";
import { sanitizeText } from "../protocol/sanitize.js";

/** Commander's error output for `command` and every subcommand, sanitised (settings are copied at creation only). */
function sanitiseErrors(command: Command): void {
  command.configureOutput({ outputError: (text, write) => write(sanitizeText(text)) });
  for (const sub of command.commands) sanitiseErrors(sub);
}

/**
 * Output piped into a reader that stops early (`cc-agent events | head -1`): the pipe closes (EPIPE), and the command
 * ends quietly, as Unix tools do, instead of with an unhandled error and its stack.
 */
function endQuietlyOnClosedPipe(stream: NodeJS.WriteStream): void {
  stream.on("error", (error: NodeJS.ErrnoException) => {
    if (error.code !== "EPIPE") throw error;
    process.exit(process.exitCode ?? 0);
  });
}

export async function runProgram(program: Command, argv: string[]): Promise<void> {
  endQuietlyOnClosedPipe(process.stdout);
  program.exitOverride();
  sanitiseErrors(program);
  try {
    await program.parseAsync(argv);
  } catch (error) {
    if (error instanceof CommanderError) {
      process.exitCode = error.exitCode;
      return;
    }
    process.stderr.write(`cc-agent: ${sanitizeText((error as Error).message)}\n`);
    process.exitCode = 1;
  }
}
