#!/usr/bin/env node
// Tiny shim: honour NO_COLOR before anything loads chalk, then run the built CLI.
if (process.env.NO_COLOR && process.env.NO_COLOR !== "") process.env.FORCE_COLOR = "0";
const { main } = await import("../dist/src/cli/program.js");
await main(process.argv);
