import js from "@eslint/js";
import tseslint from "typescript-eslint";
import reactHooks from "eslint-plugin-react-hooks";
import globals from "globals";

export default tseslint.config(
  { ignores: ["dist/**", "node_modules/**", "coverage/**", "docs/**", "native/*/build/**"] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ["**/*.tsx"],
    plugins: { "react-hooks": reactHooks },
    rules: reactHooks.configs.recommended.rules,
  },
  { languageOptions: { globals: { ...globals.node } } },
  {
    rules: {
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_" }],
    },
  },
  {
    // The demo page's script: a plain browser script, served as it is.
    files: ["src/widget/**/*.js"],
    languageOptions: { sourceType: "script" },
  },
  {
    // The chat widget (TypeScript, bundled for the browser) and the demo page. Text goes in with textContent
    // only: nothing that parses HTML.
    files: ["src/widget/**/*.{js,ts}"],
    languageOptions: { globals: { ...globals.browser } },
    rules: {
      "no-restricted-properties": [
        "error",
        ...["innerHTML", "outerHTML", "insertAdjacentHTML", "write", "writeln", "createContextualFragment"].map(
          (property) => ({ property, message: "put text in with textContent; build elements with createElement" }),
        ),
      ],
    },
  },
  {
    // The routing core is pure: no I/O, no clock, no randomness, no timers. Time arrives with each command.
    files: ["server/core/**/*.ts"],
    rules: {
      "no-restricted-imports": [
        "error",
        { patterns: ["node:*", "fs", "net", "http", "ws", "better-sqlite3", "../store/*", "../*.js"] },
      ],
      "no-restricted-globals": ["error", "setTimeout", "setInterval", "setImmediate", "process", "performance"],
      "no-restricted-properties": [
        "error",
        { object: "Date", property: "now", message: "time arrives with each command (at)" },
        { object: "Math", property: "random", message: "ids and choices come from state" },
      ],
      "no-restricted-syntax": [
        "error",
        {
          selector: "NewExpression[callee.name='Date'][arguments.length=0]",
          message: "time arrives with each command (at)",
        },
      ],
    },
  },
  {
    // The same for decide's modules, one folder down: the core's own modules are siblings of the folder.
    files: ["server/core/decide/**/*.ts"],
    rules: {
      "no-restricted-imports": [
        "error",
        { patterns: ["node:*", "fs", "net", "http", "ws", "better-sqlite3", "../../store/*", "../../*.js"] },
      ],
    },
  },
  {
    // The server runs unattended: typescript-eslint's type-checked rules catch a forgotten case or an unawaited
    // promise before a test has to.
    files: ["server/**/*.ts"],
    extends: [tseslint.configs.recommendedTypeChecked],
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    rules: {
      "@typescript-eslint/switch-exhaustiveness-check": ["error", { considerDefaultExhaustiveForUnions: true }],
      "@typescript-eslint/no-floating-promises": "error",
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_" }],
    },
  },
);
