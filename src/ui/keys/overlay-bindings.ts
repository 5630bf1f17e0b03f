// The console's overlays: the help, the pickers and the confirmation dialogs. The monitor's help, pickers and force
// close dialog read keys in these modes too.
import type { Binding } from "./binding.js";

export const OVERLAY_BINDINGS: Binding[] = [
  { id: "help-up", keys: ["Up"], modes: ["help"], description: "scroll help up", hint: true, label: "scroll" },
  { id: "help-down", keys: ["Down"], modes: ["help"], description: "scroll help down" },
  { id: "help-page-up", keys: ["PgUp"], modes: ["help"], description: "scroll help a page up" },
  { id: "help-page-down", keys: ["PgDn"], modes: ["help"], description: "scroll help a page down" },
  { id: "picker-up", keys: ["Up"], modes: ["picker"], description: "move up" },
  { id: "picker-down", keys: ["Down"], modes: ["picker"], description: "move down" },
  { id: "picker-select", keys: ["Enter"], modes: ["picker"], description: "select", hint: true },
  {
    id: "picker-tab",
    keys: ["Tab"],
    modes: ["picker"],
    description: "switch Queues / Reps",
    hint: true,
    needs: ["transfer-picker"],
  },
  { id: "picker-reload", keys: ["Ctrl+R"], modes: ["picker"], description: "reload the list", hint: true },
  {
    id: "picker-escape",
    keys: ["Esc"],
    modes: ["picker", "help"],
    description: "clear the filter, then close",
    hint: true,
    needs: ["escapable"],
  },
  {
    id: "confirm-toggle",
    keys: ["Tab", "Left", "Right"],
    modes: ["confirm"],
    description: "switch between Cancel and Confirm",
    hint: true,
  },
  { id: "confirm-yes", keys: ["Enter"], modes: ["confirm"], description: "choose the highlighted button", hint: true },
  { id: "confirm-no", keys: ["Esc"], modes: ["confirm"], description: "cancel", hint: true },
];
