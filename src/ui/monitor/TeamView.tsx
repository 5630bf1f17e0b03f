// The team and queues view (SV1): compact columns sized to their content, numbers right-aligned, capacity
// and the longest wait as meters (full blocks and light shade, readable without colour). Each rep's presence
// shows with its reason and the time in it; Up/Down select a rep, whose presence `p` sets (when the org allows).
import { Box, Text } from "ink";
import { cellWidth } from "../text/index.js";
import type { Theme } from "../theme/theme.js";
import { fg, meter, severity } from "../theme/theme.js";
import { queueRows, selectedTeamRow, teamRows } from "./selectors.js";
import type { QueueRow, TeamRow } from "./selectors.js";
import type { MonitorState } from "./state.js";
import { fit } from "./Table.js";

const METER = 8;
/** The wait meter is full at five minutes in the queue. */
export const WAIT_SCALE_MS = 5 * 60_000;
const GAP = "  ";

function widest(texts: string[], title: string, cap = 40): number {
  return Math.min(cap, Math.max(cellWidth(title), ...texts.map((t) => cellWidth(t))));
}

/** The used part in the row's colour, the rest dim. */
function Meter(props: { share: number; style: { color?: string; bold?: boolean }; theme: Theme }) {
  const [used, rest] = meter(props.share, METER);
  return (
    <Text>
      <Text {...props.style}>{used}</Text>
      <Text {...fg(props.theme.muted)} dimColor>
        {rest}
      </Text>
    </Text>
  );
}

function capacityNote(r: TeamRow): string {
  return r.over > 0 ? `▲ ${r.over} over` : r.capacity > 0 && r.used >= r.capacity ? "full" : "";
}

function TeamTable(props: { team: TeamRow[]; selected: string | null; nameWidth: number; theme: Theme }) {
  const { team, nameWidth, theme } = props;
  const presenceWidth = widest(
    team.map((r) => r.presence),
    "presence",
  );
  const sinceWidth = widest(
    team.map((r) => r.since),
    "for",
  );
  const countWidth = widest(
    team.map((r) => `${r.used}/${r.capacity}`),
    "",
  );
  const noteWidth = widest(team.map(capacityNote), "");
  const capacityWidth = Math.max(cellWidth("capacity"), METER + 1 + countWidth + (noteWidth > 0 ? 1 + noteWidth : 0));
  const convWidth = cellWidth("convs");
  return (
    <>
      <Text bold underline wrap="truncate">
        {[
          fit("Team", nameWidth),
          fit("presence", presenceWidth),
          fit("for", sinceWidth, true),
          fit("capacity", capacityWidth),
          fit("convs", convWidth, true),
          "queues",
        ].join(GAP)}
      </Text>
      {team.map((r) => {
        const load =
          r.over > 0 ? severity(theme, "act") : r.used >= r.capacity ? severity(theme, "watch") : fg(theme.ok);
        const note = capacityNote(r);
        const selected = r.id === props.selected;
        return (
          <Text key={r.id} wrap="truncate">
            {/* The selected rep (p sets their presence): an inverse name, which NO_COLOR keeps. */}
            <Text inverse={selected} bold={selected}>
              {fit(r.name, nameWidth)}
            </Text>
            {GAP}
            <Text {...(r.rona ? severity(theme, "act") : fg(r.available ? theme.ok : theme.muted))}>
              {fit(r.presence, presenceWidth)}
            </Text>
            {GAP}
            <Text {...(r.rona ? severity(theme, "act") : fg(theme.muted))}>{fit(r.since, sinceWidth, true)}</Text>
            {GAP}
            <Meter share={r.capacity > 0 ? r.used / r.capacity : r.used > 0 ? 1 : 0} style={load} theme={theme} />{" "}
            <Text {...(r.over > 0 ? severity(theme, "act") : {})}>
              {fit(
                fit(`${r.used}/${r.capacity}`, countWidth, true) + (noteWidth > 0 ? ` ${note}` : ""),
                capacityWidth - METER - 1,
              )}
            </Text>
            {GAP}
            {fit(String(r.conversations), convWidth, true)}
            {GAP}
            <Text {...fg(theme.muted)}>{r.queues}</Text>
          </Text>
        );
      })}
    </>
  );
}

function QueueTable(props: { queues: QueueRow[]; nameWidth: number; theme: Theme }) {
  const { queues, nameWidth, theme } = props;
  const waitWidth = widest(
    queues.map((q) => q.longestWait),
    "",
  );
  const longestWidth = Math.max(cellWidth("longest wait"), METER + 1 + waitWidth);
  return (
    <>
      <Text bold underline wrap="truncate">
        {[
          fit("Queue", nameWidth),
          fit("open", 4, true),
          fit("longest wait", longestWidth),
          fit("active", 6, true),
          fit("waiting", 7, true),
        ].join(GAP)}
      </Text>
      {queues.map((q) => (
        <Text key={q.id} wrap="truncate">
          {fit(q.name, nameWidth)}
          {GAP}
          {fit(String(q.open), 4, true)}
          {GAP}
          <Meter
            share={q.open > 0 ? q.longestWaitMs / WAIT_SCALE_MS : 0}
            style={q.open > 0 ? severity(theme, "watch") : fg(theme.muted)}
            theme={theme}
          />{" "}
          <Text {...(q.open > 0 ? severity(theme, "watch") : fg(theme.muted))}>
            {fit(q.longestWait, longestWidth - METER - 1)}
          </Text>
          {GAP}
          {fit(String(q.active), 6, true)}
          {GAP}
          {fit(String(q.waiting), 7, true)}
        </Text>
      ))}
    </>
  );
}

export function TeamView(props: { state: MonitorState; height: number; width: number; theme: Theme }) {
  const { state, theme } = props;
  const team = teamRows(state);
  const queues = queueRows(state);
  // One name column for both tables, as wide as the longest name (within reason).
  const nameWidth = widest([...team.map((r) => r.name), ...queues.map((q) => q.name)], "Queue", 24);
  return (
    <Box flexDirection="column" height={props.height} overflowY="hidden">
      <TeamTable team={team} selected={selectedTeamRow(state)?.id ?? null} nameWidth={nameWidth} theme={theme} />
      <Text> </Text>
      <QueueTable queues={queues} nameWidth={nameWidth} theme={theme} />
    </Box>
  );
}
