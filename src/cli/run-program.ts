// Running a commander program the way every cc-agent entry point does: commander's own exits keep their code, any
// other error is one line on stderr and exit code 1.
import { CommanderError } from "commander";
import type { Command } from "commander";

export async function runProgram(program: Command, argv: string[]): Promise<void> {
  program.exitOverride();
  try {
    await program.parseAsync(argv);
  } catch (error) {
    if (error instanceof CommanderError) {
      process.exitCode = error.exitCode;
      return;
    }
    process.stderr.write(`cc-agent: ${(error as Error).message}\n`);
    process.exitCode = 1;
  }
}
