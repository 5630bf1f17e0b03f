// A report in one call: fold the events of a log, then compute the figures. Pure: the events and the end of the
// period's open intervals (now, for a period not over yet) are given.
import type { DomainEvent } from "../core/model.js";
import { createFold } from "./fold.js";
import type { ReportOptions } from "./fold.js";
import { reportOf } from "./figures.js";
import type { Report } from "./figures.js";

export type { ReportOptions } from "./fold.js";
export type { GroupBy } from "./grouping.js";
export { GROUP_BYS } from "./grouping.js";
export type { Report, ReportRow } from "./figures.js";
export { renderCsv, renderTable } from "./figures.js";

/** Fold `events` (in seq order) into the report; stops at the first event at or after the end of the period. */
export function computeReport(events: Iterable<DomainEvent>, options: ReportOptions, now: number): Report {
  const fold = createFold(options);
  for (const event of events) {
    if (event.at >= options.to) break;
    fold.add(event);
  }
  fold.finish(Math.min(options.to, now));
  return reportOf(fold);
}
