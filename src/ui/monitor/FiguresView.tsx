// The live figures (`F`): each queue now and over the last hour with its charts (Unicode blocks, one cell a
// minute, the newest right), then each rep's occupancy as a meter and their figures of the day. Colour adds to the
// blocks and words, never replaces them (NO_COLOR); with a screen reader each line is said in words and numbers.
import { Box, Text } from "ink";
import { cellWidth } from "../text/index.js";
import type { Theme } from "../theme/theme.js";
import { fg, meter, severity } from "../theme/theme.js";
import { CHART_LABEL_WIDTH, figuresRows, hourText, nowText, occupancyRows, spokenOccupancy } from "./figures.js";
import type { Chart, OccupancyRow } from "./figures.js";
import type { MonitorState } from "./state.js";
import { fit } from "./Table.js";

const OCCUPANCY_METER = 20;
/** The narrowest the meter gets to leave room for the day's figures. */
const OCCUPANCY_METER_MIN = 5;

function ChartLine(props: { chart: Chart; color: string | undefined; theme: Theme }) {
  const { chart } = props;
  return (
    <Text wrap="truncate" aria-label={chart.spoken}>
      {fit(`  ${chart.label}`, CHART_LABEL_WIDTH)}
      <Text {...fg(props.color)}>{chart.cells}</Text>
      <Text {...fg(props.theme.muted)}> {chart.note}</Text>
    </Text>
  );
}

export function FiguresView(props: { state: MonitorState; height: number; width: number; theme: Theme }) {
  const { state, theme, width } = props;
  // Only what fits is drawn (laying out hidden lines costs every frame): the queues first, then as many reps.
  let room = props.height - 1;
  const queues = [];
  for (const q of figuresRows(state, width)) {
    const lines = 2 + q.charts.length;
    if (lines > room) break;
    queues.push(q);
    room -= lines;
  }
  const allReps = occupancyRows(state);
  const repRoom = Math.max(0, room - 1);
  const reps = allReps.length > repRoom ? allReps.slice(0, Math.max(0, repRoom - 1)) : allReps;
  const moreReps = allReps.length - reps.length;
  const nameWidth = Math.min(24, Math.max(cellWidth("Occupancy"), ...reps.map((r) => cellWidth(r.name))));
  const occupancyWidth = Math.max(0, ...reps.map((r) => cellWidth(occupancyText(r))));
  const todayWidth = Math.max(0, ...reps.map((r) => (r.today === null ? 0 : 2 + cellWidth(r.today))));
  // The meter gives up cells before the day's figures are cut.
  const meterWidth = Math.max(
    OCCUPANCY_METER_MIN,
    Math.min(OCCUPANCY_METER, width - nameWidth - 2 - 1 - occupancyWidth - todayWidth),
  );
  const chartColor: Record<string, string | undefined> = {
    arrivals: theme.accent,
    waiting: theme.warn,
    service: theme.ok,
  };
  return (
    <Box flexDirection="column" height={props.height} overflow="hidden">
      <Text
        {...fg(theme.muted)}
        wrap="truncate"
        aria-label={
          state.figures
            ? "Live figures: each queue now and over the last hour, its series one number a minute, oldest first."
            : "Asking the server for the live figures."
        }
      >
        {state.figures
          ? "Charts: a cell a minute over the last hour, newest right; ▁ none, blank unknown"
          : "Asking the server for the live figures…"}
      </Text>
      {queues.map((q) => (
        <Box key={q.id} flexDirection="column">
          <Text wrap="truncate" aria-label={`${q.name}: ${q.now.open} waiting, longest wait ${q.now.longestWait}`}>
            <Text bold>{q.name}</Text>
            {"  "}
            <Text {...(q.now.open > 0 ? severity(theme, "watch") : fg(theme.muted))}>{nowText(q.now)}</Text>
          </Text>
          <Text wrap="truncate" aria-label={`${q.name}, last hour: ${hourText(q.hour).replace(/ · /g, ", ")}`}>
            {"  last hour: "}
            {q.hour ? hourText(q.hour) : <Text {...fg(theme.muted)}>asking the server…</Text>}
          </Text>
          {q.charts.map((chart) => (
            <ChartLine key={chart.label} chart={chart} color={chartColor[chart.label]} theme={theme} />
          ))}
        </Box>
      ))}
      {repRoom > 0 && allReps.length > 0 ? (
        <>
          <Text bold underline wrap="truncate">
            {fit("Occupancy", nameWidth)}
            {"  "}
            {todayWidth > 0 ? fit("last hour", meterWidth + 1 + occupancyWidth) : "last hour"}
            {todayWidth > 0 ? "  today" : null}
          </Text>
          {reps.map((r) => {
            const [used, rest] = meter((r.occupancy ?? 0) / 100, meterWidth);
            return (
              <Text key={r.id} wrap="truncate" aria-label={spokenOccupancy(r)}>
                {fit(r.name, nameWidth)}
                {"  "}
                <Text {...fg(theme.ok)}>{used}</Text>
                <Text {...fg(theme.muted)} dimColor>
                  {rest}
                </Text>
                <Text {...(r.occupancy === null ? fg(theme.muted) : {})}>
                  {" "}
                  {r.today === null ? occupancyText(r) : fit(occupancyText(r), occupancyWidth)}
                </Text>
                {r.today === null ? null : `  ${r.today}`}
              </Text>
            );
          })}
          {moreReps > 0 ? (
            <Text {...fg(theme.muted)} wrap="truncate">
              … and {moreReps} more rep{moreReps === 1 ? "" : "s"}
            </Text>
          ) : null}
        </>
      ) : null}
    </Box>
  );
}

function occupancyText(row: OccupancyRow): string {
  return row.occupancy === null ? "not signed in" : `${row.occupancy}%`;
}
