// The entry point of `cc-agent report` alone (bin/cc-agent.js loads it for that command): a report streams a whole
// event log, and without the console, the monitor and their libraries loaded the process stays small.
import { Command } from "commander";
import { registerReportCommand } from "./report-command.js";
import { runProgram } from "./run-program.js";

export async function main(argv: string[]): Promise<void> {
  const program = new Command("cc-agent").enablePositionalOptions().showHelpAfterError("(run with --help for usage)");
  registerReportCommand(program);
  await runProgram(program, argv);
}
