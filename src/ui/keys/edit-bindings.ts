// The line-editing keys: the same in every field that takes text, the console's and the monitor's.
import type { Binding } from "./binding.js";
import { COMPOSER_MODES, FIELD_MODES } from "./modes.js";

export const EDIT_BINDINGS: Binding[] = [
  { id: "edit-left", keys: ["Left"], modes: FIELD_MODES, description: "cursor one character left" },
  { id: "edit-right", keys: ["Right"], modes: FIELD_MODES, description: "cursor one character right" },
  {
    id: "edit-word-left",
    keys: ["Alt+B", "Ctrl+Left", "Alt+Left"],
    modes: FIELD_MODES,
    description: "cursor one word left",
  },
  {
    id: "edit-word-right",
    keys: ["Alt+F", "Ctrl+Right", "Alt+Right"],
    modes: FIELD_MODES,
    description: "cursor one word right",
  },
  { id: "edit-home", keys: ["Home", "Ctrl+A"], modes: FIELD_MODES, description: "cursor to the start of the line" },
  { id: "edit-end", keys: ["End", "Ctrl+E"], modes: FIELD_MODES, description: "cursor to the end of the line" },
  {
    id: "edit-up",
    keys: ["Up"],
    modes: COMPOSER_MODES,
    description: "cursor to the line above; on an empty composer, the previous message sent from it",
  },
  {
    id: "edit-down",
    keys: ["Down"],
    modes: COMPOSER_MODES,
    description: "cursor to the line below; after Up, the next message sent",
  },
  {
    id: "edit-backspace",
    keys: ["Backspace"],
    modes: FIELD_MODES,
    description: "delete the character before the cursor",
  },
  { id: "edit-delete", keys: ["Delete"], modes: FIELD_MODES, description: "delete the character at the cursor" },
  {
    id: "edit-kill-word",
    keys: ["Ctrl+W"],
    modes: FIELD_MODES,
    description: "delete the word before the cursor (to a blank)",
  },
  {
    id: "edit-kill-alnum-word",
    keys: ["Alt+Backspace"],
    modes: FIELD_MODES,
    description: "delete the word before the cursor (letters and digits)",
  },
  { id: "edit-kill-start", keys: ["Ctrl+U"], modes: FIELD_MODES, description: "delete to the start of the line" },
  {
    id: "edit-kill-end",
    keys: ["Ctrl+K"],
    modes: FIELD_MODES,
    description: "delete to the end of the line (on an empty composer Ctrl+K opens the quick switcher)",
    whenText: true,
  },
  { id: "edit-undo", keys: ["Ctrl+Z", "Ctrl+_"], modes: FIELD_MODES, description: "undo the last edit" },
];
