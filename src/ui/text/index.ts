// Text on a terminal: cells, wrapping, right-to-left isolation and initials (see the modules).
export { cellWidth, fit, graphemes, padEnd, padStart, truncate, wrap } from "./cells.js";
export { CLOSE_MARK, FSI, hasRtl, isolate, OPEN_MARK, PDI, restoreIsolates, withoutMarks } from "./bidi.js";
export { bodyHeight, bodyLines, field, fitField, initials, plainLine, stableEmoji } from "./display.js";
export { clock, localMidnight, makeClock, setClockEnv } from "./time.js";
export type { Clock } from "./time.js";
