// The entry point of `cc-agent server` alone (bin/cc-agent.js loads it for that command): the server starts without
// parsing the console, the monitor and their libraries first (docs/benchmarks.md, restart).
import { Command } from "commander";
import { registerServerCommand } from "./server-command.js";
import { runProgram } from "./run-program.js";

export async function main(argv: string[]): Promise<void> {
  const program = new Command("cc-agent").enablePositionalOptions().showHelpAfterError("(run with --help for usage)");
  registerServerCommand(program);
  await runProgram(program, argv);
}
