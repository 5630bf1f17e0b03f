// Install step (postinstall): Ink keeps the console's frame cost low only within one frame. Its Output caches the
// ANSI tokenisation and cell width of each line, but a new Output (and so a new, empty cache) is made for every
// frame, so a keypress re-tokenises all 40 rows of a screen of which one changed; and every text node's width is
// measured again, uncached, on every frame. Ink already keeps module-level caches across frames for wrapping and
// measuring text (wrap-text.js, measure-text.js); this does the same for the Output's caches (bounded) and reuses
// measure-text for the width. It halves the cost of a frame (docs/benchmarks.md, console-p50).
//
// The patch is made to the exact text of the Ink version in package-lock.json. If Ink changes, this fails the
// install loudly rather than letting the console silently slow down: update the patterns (or drop the patch if
// Ink does it itself).
import { readFileSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";

const MARK = "/* cc-agent: caches kept across frames */";

const require = createRequire(import.meta.url);
let inkBuild;
try {
  inkBuild = dirname(require.resolve("ink"));
} catch {
  // Installed without Ink (e.g. `npm ci --omit=dev` of a package that bundles it): nothing to patch.
  process.exit(0);
}

/** Replaces each `from` in `file` once, unless the file carries MARK already. */
function patch(file, replacements) {
  const path = join(inkBuild, file);
  let text = readFileSync(path, "utf8");
  if (text.includes(MARK)) return;
  for (const [from, to] of replacements) {
    if (!text.includes(from)) {
      console.error(`scripts/patch-ink.js: ${path} no longer contains ${JSON.stringify(from)}; update the patch.`);
      process.exit(1);
    }
    text = text.replace(from, to);
  }
  writeFileSync(path, `${MARK}\n${text}`);
}

patch("output.js", [
  [
    "export default class Output {",
    `// One set of caches for every frame, emptied when it grows past a bound: most rows are the same from one frame
// to the next.
const SHARED_CACHE_LIMIT = 20000;
let sharedCaches = new OutputCaches();
function framesCaches() {
    const c = sharedCaches;
    if (c.styledChars.size + c.widths.size + c.blockWidths.size > SHARED_CACHE_LIMIT) {
        sharedCaches = new OutputCaches();
    }
    return sharedCaches;
}
export default class Output {`,
  ],
  ["caches = new OutputCaches();", "caches = framesCaches();"],
]);

patch("render-node-to-output.js", [
  [
    "import wrapText from './wrap-text.js';",
    "import wrapText from './wrap-text.js';\nimport measureText from './measure-text.js';",
  ],
  ["const currentWidth = widestLine(text);", "const currentWidth = measureText(text).width;"],
]);
