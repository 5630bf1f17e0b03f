// Build step: tsc does not copy the widget's plain .js/.css/.html files, so copy src/widget/ to
// dist/src/widget/, where the built server (dist/server/http-routes.js) serves them from. The widget's
// TypeScript stays behind: scripts/bundle.js bundles it into dist/src/widget/widget.js.
import { cpSync, mkdirSync } from "node:fs";

const from = new URL("../src/widget/", import.meta.url);
const to = new URL("../dist/src/widget/", import.meta.url);
mkdirSync(to, { recursive: true });
cpSync(from, to, { recursive: true, filter: (source) => !/\.ts$|tsconfig\.json$/.test(source) });
