// Build step: bundle the CLI (src/cli/program.ts and everything it imports, dependencies included) into
// dist/bundle/, which bin/cc-agent.js loads. Loading one file instead of ~600 modules is what brings the
// console's start to first frame under its goal (docs/benchmarks.md, console-start).
//
// - ESM with code splitting: the modules that only `cc-agent server` and `cc-agent demo` need (the routing
//   server, zod, libphonenumber-js) stay behind their dynamic import() in chunks of their own, so the console,
//   the monitor and the customer do not load them. The chunks sit next to the entry, one directory below
//   dist/ like dist/server/: server/http-routes.ts finds the widget's files at ../src/widget/ from either.
// - Kept external, loaded from node_modules at run time:
//     better-sqlite3  a native addon (its .node file is found through `bindings`)
//     pg              node-postgres; requires its optional native binding (pg-native, not installed) behind a
//                     getter that the bundler would try to resolve
//     pino            starts worker threads for transports from files of its own
//     sentiment       loads its language files with a computed require()
//     bufferutil, utf-8-validate  optional native add-ons ws uses when installed
//     react-devtools-core  Ink's optional React DevTools hook with DEV=true (not installed; bin/cc-agent.js
//                          clears DEV)
// - CommonJS dependencies bundled into ESM call require() for Node's built-ins: the banner gives each output
//   file a real `require`.
// - Whitespace and syntax are minified, names are kept: parsing and compiling 0.8 instead of 1.1 MB takes ~20 ms
//   off every start, and a stack trace still names its functions (the source maps beside give the lines).
// - process.env.NODE_ENV is defined as "production": the bundle carries React's production build only (its
//   development build, ~770 kB that every start would parse, renders each keypress about twice as slowly).
import { readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { build } from "esbuild";

const root = fileURLToPath(new URL("..", import.meta.url));
const outdir = fileURLToPath(new URL("../dist/bundle/", import.meta.url));

/**
 * A dependency's file with each `[text, replacement, times]` of `edits` made, and `imports` (lines) put before it, as
 * an esbuild onLoad result; the build fails when the file no longer holds a `text` exactly `times` times (the
 * dependency changed: the patch must be looked at again).
 */
function patched(path, edits, plugin, imports = []) {
  let source = readFileSync(path, "utf8");
  for (const [text, replacement, times] of edits) {
    if (source.split(text).length !== times + 1)
      throw new Error(`scripts/bundle.js: ${path} no longer holds ${JSON.stringify(text)} ${times}×; update ${plugin}`);
    source = source.replaceAll(text, replacement);
  }
  return { contents: [...imports, source].join("\n"), loader: "js" };
}

/** An import line for onLoad contents: `names` from our module at `file`. */
const importFrom = (file, names) => `import { ${names.join(", ")} } from ${JSON.stringify(file)};`;

/** src/ui/text/graphemes.ts: a grapheme segmenter that starts ICU only for text that needs it. */
const graphemes = fileURLToPath(new URL("../src/ui/text/graphemes.ts", import.meta.url));

// Ink's layout engine (yoga-layout) carries its WebAssembly as a data: URL, which it reads with fetch() whenever
// the global exists; touching Node's lazy fetch loads all of undici (~30 ms of every start). Its own base64
// decoder, used where fetch is missing, gives the same bytes. Fails the build if yoga-layout changes.
const yogaWithoutFetch = {
  name: "yoga-without-fetch",
  setup(bundler) {
    bundler.onLoad({ filter: /yoga-layout[\\/]dist[\\/]binaries[\\/]yoga-wasm-base64-esm\.js$/ }, ({ path }) =>
      patched(path, [['"function"!=typeof fetch', "true", 2]], "yoga-without-fetch"),
    );
  },
};

// Ink and its text libraries measure every character with string-width; src/ui/text/width.ts gives the same
// widths with a fast path that keeps string-width's segmenter and emoji tables out of the first frame.
// string-width compiles its emoji regex (\p{RGI_Emoji}: ~14 ms, building the set of every emoji sequence) as it
// loads; it is compiled on first use instead, which the fast path keeps out of most frames; and it makes its grapheme
// segmenter as it loads, which starts ICU (~15 ms): it segments with ours. Fails the build if string-width changes.
const fastWidth = fileURLToPath(new URL("../src/ui/text/width.ts", import.meta.url));
const stringWidthWithFastPath = {
  name: "string-width-with-fast-path",
  setup(bundler) {
    bundler.onResolve({ filter: /^string-width$/ }, ({ importer }) =>
      importer === fastWidth ? undefined : { path: fastWidth },
    );
    bundler.onLoad({ filter: /[\\/]string-width[\\/]index\.js$/ }, ({ path }) =>
      patched(
        path,
        [
          [
            "const rgiEmojiRegex = /^\\p{RGI_Emoji}$/v;",
            "let rgiEmoji; const rgiEmojiRegex = { test: (text) => (rgiEmoji ??= /^\\p{RGI_Emoji}$/v).test(text) };",
            1,
          ],
          ["const segmenter = new Intl.Segmenter();", "const segmenter = graphemeSegmenter;", 1],
        ],
        "string-width-with-fast-path",
        [importFrom(graphemes, ["graphemeSegmenter"])],
      ),
    );
  },
};

// Ink writes every line of every frame through @alcalzone/ansi-tokenize's styledCharsToString and passes every styled
// text node through its sanitizeAnsi; together they were most of the console's first render, and of its garbage.
// src/ui/text/ansi-fast-paths.ts gives the same text faster (test/ui/ansi-fast-paths.test.ts compares them). Fails
// the build if Ink changes.
const ansiFastPaths = fileURLToPath(new URL("../src/ui/text/ansi-fast-paths.ts", import.meta.url));
const inkWithAnsiFastPaths = {
  name: "ink-with-ansi-fast-paths",
  setup(bundler) {
    bundler.onLoad({ filter: /[\\/]ink[\\/]build[\\/]output\.js$/ }, ({ path }) =>
      patched(
        path,
        [
          [
            "import { styledCharsFromTokens, styledCharsToString, tokenize, } from '@alcalzone/ansi-tokenize';",
            "import { styledCharsFromTokens, tokenize } from '@alcalzone/ansi-tokenize';",
            1,
          ],
        ],
        "ink-with-ansi-fast-paths",
        [importFrom(ansiFastPaths, ["styledCharsToString"])],
      ),
    );
    bundler.onLoad({ filter: /[\\/]ink[\\/]build[\\/]sanitize-ansi\.js$/ }, ({ path }) =>
      patched(
        path,
        [["if (!hasAnsiControlCharacters(text)) {", "if (onlyTextAndStyles(text)) {", 1]],
        "ink-with-ansi-fast-paths",
        [importFrom(ansiFastPaths, ["onlyTextAndStyles"])],
      ),
    );
  },
};

// Ink's text libraries each make a grapheme segmenter as they load, and the first one starts ICU (~15 ms): they
// segment with ours, which splits the text of most frames without it (src/ui/text/graphemes.ts). Fails the build if
// they change.
const segmentersWithoutIcu = {
  name: "segmenters-without-icu",
  setup(bundler) {
    const segmenterOf = [
      [
        /[\\/]@alcalzone[\\/]ansi-tokenize[\\/]build[\\/]tokenize\.js$/,
        'const segmenter = new Intl.Segmenter(undefined, { granularity: "grapheme" });',
        "const segmenter = graphemeSegmenter;",
      ],
      [
        /[\\/]slice-ansi[\\/]tokenize-ansi\.js$/,
        "const GRAPHEME_SEGMENTER = new Intl.Segmenter(undefined, {granularity: 'grapheme'});",
        "const GRAPHEME_SEGMENTER = graphemeSegmenter;",
      ],
    ];
    for (const [filter, text, replacement] of segmenterOf)
      bundler.onLoad({ filter }, ({ path }) =>
        patched(path, [[text, replacement, 1]], "segmenters-without-icu", [
          importFrom(graphemes, ["graphemeSegmenter"]),
        ]),
      );
  },
};

rmSync(outdir, { recursive: true, force: true });
const { metafile } = await build({
  absWorkingDir: root,
  // `cc-agent report` and `cc-agent server` have entries of their own (src/cli/report-main.ts, server-main.ts): they
  // load none of the console's libraries.
  entryPoints: {
    "cc-agent": "src/cli/program.ts",
    "cc-agent-report": "src/cli/report-main.ts",
    "cc-agent-server": "src/cli/server-main.ts",
  },
  outdir,
  bundle: true,
  splitting: true,
  format: "esm",
  platform: "node",
  target: "node20",
  // Prefer dependencies' ES modules where they ship both.
  mainFields: ["module", "main"],
  external: ["better-sqlite3", "pg", "pino", "sentiment", "bufferutil", "utf-8-validate", "react-devtools-core"],
  define: { "process.env.NODE_ENV": '"production"' },
  banner: {
    js: 'import { createRequire as __ccAgentCreateRequire } from "node:module";\nconst require = __ccAgentCreateRequire(import.meta.url);',
  },
  plugins: [yogaWithoutFetch, stringWidthWithFastPath, inkWithAnsiFastPaths, segmentersWithoutIcu],
  minifyWhitespace: true,
  minifySyntax: true,
  sourcemap: true,
  // Which sources went into which file, and how the files import each other (test/cli/bundle.test.ts reads it).
  metafile: true,
  logLevel: "warning",
});
writeFileSync(join(outdir, "meta.json"), JSON.stringify(metafile));

// The chat widget: src/widget/widget.ts and the protocol constants it imports, one browser script that the
// server serves at GET /widget.js (options in server/widget-bundle.ts, which tsc has built by now).
const { widgetBuildOptions } = await import("../dist/server/widget-bundle.js");
await build({
  ...widgetBuildOptions(new URL("../src/widget/", import.meta.url)),
  outfile: fileURLToPath(new URL("../dist/src/widget/widget.js", import.meta.url)),
});
