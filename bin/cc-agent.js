#!/usr/bin/env node
// Tiny shim: run the CLI from its bundle (dist/bundle/, made by `npm run build`: one file loads much faster than
// the ~600 modules behind it, and it carries React's production build only). NODE_ENV is set for the
// dependencies loaded beside the bundle.
// NO_COLOR is honoured by the theme (src/ui/theme/theme.ts), which drops colours and keeps bold, inverse and
// underline: chalk's FORCE_COLOR=0 would strip those too (no selection, no cursor, no badge).
process.env.NODE_ENV ??= "production";
// Ink draws only the last frame when it believes it runs under CI (CI=true is set in many dev containers and
// build shells). On a real terminal the console and the monitor must draw every frame.
if (process.stdout.isTTY) for (const name of ["CI", "CONTINUOUS_INTEGRATION"]) delete process.env[name];
// DEV=true asks Ink to connect to React DevTools (not installed) and to read its package.json beside its own files,
// which the bundle does not have: the console would not start.
delete process.env.DEV;
// `cc-agent report` streams a whole event log, and `cc-agent server` starts against the clock: their own entries load
// nothing of the console (src/cli/report-main.ts, src/cli/server-main.ts).
const { main } =
  process.argv[2] === "report"
    ? await import("../dist/bundle/cc-agent-report.js")
    : process.argv[2] === "server"
      ? await import("../dist/bundle/cc-agent-server.js")
      : await import("../dist/bundle/cc-agent.js");
await main(process.argv);
