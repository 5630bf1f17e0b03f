// The chat widget is TypeScript (src/widget/widget.ts, importing the protocol's constants from src/protocol/)
// bundled by esbuild into the one browser script the server serves at GET /widget.js.
//
// - `npm run build` writes it to dist/src/widget/widget.js (scripts/bundle.js, with these options), where the
//   built server and the bundled CLI read it.
// - The server run from the sources (tests, `tsx`) has no built file next to it: it bundles the widget in
//   memory on first request with esbuild, a development dependency, so what it serves is always the source.
import { createRequire } from "node:module";
import { fileURLToPath } from "node:url";

/** esbuild's options for the widget: one classic script (an IIFE) for the browsers the widget supports. */
export function widgetBuildOptions(widgetDir: URL) {
  return {
    entryPoints: [fileURLToPath(new URL("widget.ts", widgetDir))],
    bundle: true,
    format: "iife" as const,
    platform: "browser" as const,
    target: ["es2020"],
    legalComments: "none" as const,
    charset: "utf8" as const,
    logLevel: "warning" as const,
  };
}

/** The widget bundled from its sources in widgetDir (throws when esbuild or the sources are missing). */
export function bundleWidgetFromSources(widgetDir: URL): Buffer {
  // Through a computed name: the CLI's own bundle must not pull esbuild in.
  const load = createRequire(import.meta.url);
  const esbuildName = "esbuild";
  const esbuild = load(esbuildName) as typeof import("esbuild");
  const result = esbuild.buildSync({ ...widgetBuildOptions(widgetDir), write: false });
  const output = result.outputFiles[0];
  if (!output) throw new Error("esbuild produced no widget bundle");
  return Buffer.from(output.contents);
}
