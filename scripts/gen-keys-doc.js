// Writes docs/keys.md from the built key table (run `npm run build` first; `npm run docs:keys` does both).
import { writeFileSync } from "node:fs";
const { keysMarkdown } = await import("../dist/src/ui/keys/keys-doc.js");
writeFileSync(new URL("../docs/keys.md", import.meta.url), keysMarkdown());
console.log("docs/keys.md written");
