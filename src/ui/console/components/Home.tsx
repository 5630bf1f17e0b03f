import { Box, Text } from "ink";
import { sanitizeLine } from "../../../protocol/sanitize.js";
import type { ConversationView } from "../../../protocol/views.js";
import type { Session, UiState } from "../../mirror/state.js";
import { elapsed, stateLabel } from "../../mirror/selectors.js";
import type { Theme } from "../../theme/theme.js";
import { fg } from "../../theme/theme.js";

/** S3, S7: the rep's dashboard — my work items, open items to pick, recently closed, today's counts. */
export function Home(props: { state: UiState; theme: Theme; now: number }) {
  const { state, theme, now } = props;
  const meId = state.me?.id;
  const mine: Session[] = state.order.map((id) => state.sessions[id]!).filter((s) => s.view.state !== "closed");
  const closed = Object.values(state.sessions)
    .filter(
      (s) =>
        s.view.state === "closed" &&
        (s.view.ownerId === meId || s.view.lastOwnerId === meId || s.view.closedBy === meId),
    )
    .sort((a, b) => (b.view.closedAt ?? 0) - (a.view.closedAt ?? 0))
    .slice(0, 5);
  const row = (v: ConversationView, extra: string) =>
    `${sanitizeLine(v.title)} · ${sanitizeLine(v.queueName)} · ${extra}`;
  return (
    <Box flexDirection="column" paddingX={1}>
      <Text bold>My work items ({mine.length})</Text>
      {mine.length === 0 ? (
        <Text {...fg(theme.muted)}> nothing yet — offers appear here when you are Available</Text>
      ) : null}
      {mine.slice(0, 8).map((s) => (
        <Text key={s.id}> {row(s.view, stateLabel(s, meId))}</Text>
      ))}
      <Text bold>
        Open work items to pick ({state.openItems.length}) <Text {...fg(theme.muted)}>/pick N</Text>
      </Text>
      {state.openItems.slice(0, 5).map((v, i) => (
        <Text key={v.id}>
          {" "}
          {i + 1}. {row(v, `waiting ${elapsed(now - (v.queuedAt ?? v.createdAt))}`)}
        </Text>
      ))}
      <Text bold>Recently closed</Text>
      {closed.length === 0 ? <Text {...fg(theme.muted)}> none today</Text> : null}
      {closed.map((s) => (
        <Text key={s.id} {...fg(theme.muted)}>
          {" "}
          {row(s.view, "Closed")}
        </Text>
      ))}
      <Text>
        <Text bold>Today</Text> accepted {state.counts.accepted} · ended {state.counts.ended} · transferred{" "}
        {state.counts.transferred}
      </Text>
    </Box>
  );
}
