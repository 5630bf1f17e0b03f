// The cc-agent command line. No side effects at import: `main` builds and runs the program.
import { Command, InvalidArgumentError } from "commander";
import { registerServerCommand } from "./server-command.js";
import { registerCustomerCommand } from "./customer-command.js";
import { registerSeedCommand } from "./seed-command.js";
import { registerConsoleCommand } from "./console-command.js";
import { registerDemoCommand } from "./demo-command.js";
import { registerMonitorCommand } from "./monitor-command.js";
import { registerReportCommand } from "./report-command.js";
import { registerEventsCommand } from "./events-command.js";
import { registerWhyCommand } from "./why-command.js";
import { runProgram } from "./run-program.js";

export function parsePositiveInt(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0) throw new InvalidArgumentError("expected a whole number ≥ 0");
  return n;
}

export function buildProgram(): Command {
  const program = new Command("cc-agent")
    .description("Contact-center agent console for the terminal, with its routing server")
    .version("0.1.0")
    .showHelpAfterError("(run with --help for usage)")
    // The console's own options (--server, --as) go before any subcommand; after one, they are the subcommand's.
    .enablePositionalOptions();
  registerServerCommand(program);
  registerCustomerCommand(program);
  registerSeedCommand(program);
  registerDemoCommand(program);
  registerMonitorCommand(program);
  registerReportCommand(program);
  registerEventsCommand(program);
  registerWhyCommand(program);
  registerConsoleCommand(program);
  return program;
}

export async function main(argv: string[]): Promise<void> {
  await runProgram(buildProgram(), argv);
}
