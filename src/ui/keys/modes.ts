// The modes the key table knows: each screen or field of the console and the monitor that reads keys its own way.
export type Mode =
  | "composer"
  | "home"
  | "picker"
  | "confirm"
  | "help"
  // the monitor: the table, its filter prompt, the team view, the live figures, the live view of a monitored or joined conversation and its composer
  | "monitor"
  | "monitor-filter"
  | "monitor-team"
  | "monitor-figures"
  | "monitor-watch"
  | "monitor-compose";

/** Modes with a field that takes text: composers (several lines) and filters (one line). */
export const COMPOSER_MODES: Mode[] = ["composer", "home", "monitor-compose"];
export const FILTER_MODES: Mode[] = ["picker", "help", "monitor-filter"];
export const FIELD_MODES: Mode[] = [...COMPOSER_MODES, ...FILTER_MODES];
