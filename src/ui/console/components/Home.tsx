import { Box, Text } from "ink";
import type { HomeList, UiState } from "../../mirror/state.js";
import { elapsed, stateLabel, todayFigures, unreadBadge } from "../../mirror/selectors.js";
import { cellWidth, clock, fitField, plainLine, truncate } from "../../text/index.js";
import type { Theme } from "../../theme/theme.js";
import { fg } from "../../theme/theme.js";
import type { HomeRow, HomeSection } from "../home-layout.js";
import { homeLayout, shownRange } from "../home-layout.js";

const HEADING: Record<HomeList, (total: number) => string> = {
  mine: (n) => `My work items (${n})`,
  open: (n) => `Open work items to pick (${n})`,
  closed: (n) => `Recently closed (${n})`,
};
const HOW: Record<HomeList, string> = { mine: "Alt+1…9 opens", open: "/pick N", closed: "/open N, read-only" };
const EMPTY: Record<HomeList, string> = {
  mine: "nothing yet — offers appear here when you are Available",
  open: "none waiting",
  closed: "none today",
};

/**
 * S3, S7: the rep's dashboard — my work items, open items to pick, recently closed, today's counts. Every list
 * scrolls (PgUp/PgDn move the highlighted one, Tab highlights the next); rows carry the numbers the commands
 * take, unread badges and the sentiment `!` (S9, S10).
 */
export function Home(props: { state: UiState; theme: Theme; now: number; width: number }) {
  const { state, theme, now } = props;
  const layout = homeLayout(state);
  const today = todayFigures(state);
  // Padding either side.
  const width = Math.max(20, props.width - 2);
  const meId = state.me?.id;

  const heading = (section: HomeSection) => {
    const highlighted = state.home.list === section.list;
    const partial = section.shown.length < section.total;
    const range = partial ? ` ${shownRange(section)}` : "";
    return (
      <Text bold wrap="truncate-end">
        <Text inverse={highlighted}>
          {highlighted ? "▸ " : "  "}
          {HEADING[section.list](section.total)}
        </Text>
        {range}
        <Text {...fg(theme.muted)} bold={false}>
          {" · "}
          {HOW[section.list]}
          {partial && highlighted ? " · PgDn more" : ""}
          {highlighted ? "" : " · Tab"}
        </Text>
      </Text>
    );
  };

  const row = (section: HomeSection, r: HomeRow) => {
    const v = r.view;
    // Numbers right-aligned in the list's widest, so that titles start in one column ("  9." over "10.").
    const widest = String(Math.max(...section.shown.map((s) => s.number))).length;
    const number = `${String(r.number).padStart(widest)}. `;
    const badge = section.list === "mine" ? unreadBadge(r.session?.unread ?? 0) : "";
    const extra =
      section.list === "mine"
        ? stateLabel(r.session!, meId)
        : section.list === "open"
          ? // As the offer card counts it: from the customer's oldest unanswered line, else since it was queued.
            `waiting ${elapsed(now - (v.customerWaitingSince ?? v.queuedAt ?? v.createdAt))}`
          : `Closed ${v.closedAt ? clock().time(v.closedAt) : ""}`.trim();
    const tail = ` · ${truncate(plainLine(v.queueName), 20)} · ${extra}`;
    // Number, title, tail, then the badge and the alert in columns of their own.
    const titleRoom = Math.max(8, width - 2 - cellWidth(number) - cellWidth(tail) - 4);
    return (
      <Text
        key={r.id}
        wrap="truncate-end"
        bold={badge !== ""}
        {...fg(section.list === "closed" ? theme.muted : undefined)}
      >
        {"  "}
        <Text {...fg(theme.muted)}>{number}</Text>
        {fitField(v.title || v.id, Math.min(titleRoom, cellWidth(plainLine(v.title || v.id))))}
        {tail}
        <Text {...fg(theme.accent)}> {badge || " "}</Text>
        <Text {...fg(theme.error)} bold>
          {v.alert ? " !" : ""}
        </Text>
      </Text>
    );
  };

  const list = (section: HomeSection) => (
    <>
      {heading(section)}
      {section.total === 0 ? (
        <Text {...fg(theme.muted)} wrap="truncate-end">
          {"  "}
          {EMPTY[section.list]}
        </Text>
      ) : null}
      {section.shown.map((r) => row(section, r))}
    </>
  );

  return (
    <Box flexDirection="column" paddingX={1}>
      {list(layout.mine)}
      {list(layout.open)}
      {list(layout.closed)}
      <Text wrap="truncate-end">
        <Text bold>Today</Text> accepted {today.accepted} · ended {today.ended} · transferred {today.transferred}
      </Text>
    </Box>
  );
}
