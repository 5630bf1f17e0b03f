// The supervisor monitor (SPEC §5): a k9s-like header, the live table of ongoing conversations with a
// preview of the selected one, the team and queues view, the live view of a monitored or joined
// conversation, pickers and dialogs, a flash line and the key hints. A pure function of the store; the
// one input handler hands keys to the controller. Every string from the server is sanitised.
import { useKeys } from "../keys/use-keys.js";
import { Footer } from "../components/Footer.js";
import { Box, Text } from "ink";
import { useSyncExternalStore } from "react";
import { sanitizeLine } from "../../protocol/sanitize.js";
import { field } from "../text/index.js";
import type { ConversationView, UserView } from "../../protocol/views.js";
import { Composer, WithCursor } from "../components/Composer.js";
import { Details, ratingLine } from "../components/Details.js";
import { Help } from "../components/Help.js";
import { Picker } from "../components/Picker.js";
import { Thread, visibleMessages } from "../components/Thread.js";
import { earlierLine } from "../mirror/earlier.js";
import { fitHints, fitHintSlots, hintBindings, hintItems, hintText } from "../keys/hints.js";
import type { Need } from "../keys/binding.js";
import type { Mode } from "../keys/modes.js";
import { conversationSummary, cursorIn } from "../mirror/selectors.js";
import type { Session } from "../mirror/state.js";
import type { Theme } from "../theme/theme.js";
import { border, fg, SENTIMENT_LABEL, severity } from "../theme/theme.js";
import type { MonitorController, MonitorStore } from "./controller.js";
import {
  availability,
  monitorBodyHeight,
  monitorFrameHeight,
  monitorHelpRoom,
  monitorMode,
  monitorPickerItems,
  paneThreadRoom,
  tableRoom,
  watchComposer,
} from "./screen.js";
import {
  displayed,
  hasResponseTargets,
  pastTargetCount,
  refusalFor,
  settingOff,
  stateText,
  tableRows,
  transferLine,
  viewCounts,
} from "./selectors.js";
import type { MonitorState, WhyPanel } from "./state.js";
import { Table } from "./Table.js";
import { TeamView } from "./TeamView.js";
import { FiguresView } from "./FiguresView.js";

const CONNECTION = {
  connecting: "connecting…",
  online: "online",
  reconnecting: "reconnecting…",
  closed: "disconnected",
} as const;

// ---- header -------------------------------------------------------------------------------------------

function MonitorHeader(props: { state: MonitorState; theme: Theme }) {
  const { state, theme } = props;
  const counts = viewCounts(state);
  const late = pastTargetCount(state);
  const users = Object.values(displayed(state).users).filter((u) => u.role === "rep" || u.capacity > 0);
  const available = users.filter((u) => u.presence === "available").length;
  const full = users.filter((u) => u.capacity > 0 && u.used >= u.capacity).length;
  const over = users.filter((u) => u.used > u.capacity).length;
  const rona = users.filter((u) => u.presence === "rona").length;
  const off = (["monitor", "assign", "transfer", "force-close"] as const)
    .filter((a) => settingOff(state.base.org, a))
    .map((a) => a.replace("-", " "));
  const connection = state.base.connection;
  return (
    <Box flexDirection="column">
      {/* One row even when the name has to be cut (a shrunk text would otherwise be measured two rows high). */}
      <Box justifyContent="space-between" height={1}>
        <Text wrap="truncate-end">
          <Text bold>cc-agent monitor</Text>
          {state.base.me ? <Text> · {sanitizeLine(state.base.me.name)}</Text> : null}
          {state.base.org ? <Text {...fg(theme.muted)}> · {sanitizeLine(state.base.org.name)}</Text> : null}
          {state.base.org?.masking ? <Text {...fg(theme.muted)}> · masking on</Text> : null}
        </Text>
        {/* The connection keeps its place on a narrow terminal: the names before it are cut instead. */}
        <Box flexShrink={0}>
          <Text {...fg(connection === "online" ? theme.muted : theme.warn)} bold={connection !== "online"}>
            {" "}
            {state.paused ? (
              <Text {...fg(theme.warn)} bold>
                ⏸ PAUSED ·{" "}
              </Text>
            ) : null}
            {CONNECTION[connection]}
          </Text>
        </Box>
      </Box>
      <Text wrap="truncate-end">
        {/* What needs the supervisor now comes first: a narrow terminal cuts the end of the line, never these. */}
        {rona > 0 ? <Text {...severity(theme, "act")}>⚠ RONA {rona} · </Text> : null}
        {over > 0 ? <Text {...severity(theme, "act")}>over capacity {over} · </Text> : null}
        <Text>ongoing {counts.all}</Text>
        <Text> · open {counts.open}</Text>
        <Text> · waiting {counts.waiting}</Text>
        <Text {...(counts.alerts > 0 ? severity(theme, "act") : {})}> · alerts {counts.alerts}</Text>
        {/* Customers waiting past their workstream's response target: act now. */}
        {hasResponseTargets(state.base.org) ? (
          <Text {...(late > 0 ? severity(theme, "act") : {})}> · past target {late}</Text>
        ) : null}
        <Text {...fg(theme.muted)}> · </Text>
        {/* Nobody to take the customers who wait: act now. */}
        <Text {...severity(theme, available === 0 && counts.open > 0 ? "act" : "info")}>
          reps available {available}/{users.length}
        </Text>
        <Text {...fg(theme.muted)}> · at capacity {full}</Text>
        {off.length > 0 ? <Text {...fg(theme.warn)}> · turned off: {off.join(", ")}</Text> : null}
      </Text>
    </Box>
  );
}

function ViewTabs(props: { state: MonitorState; theme: Theme }) {
  const { state, theme } = props;
  const counts = viewCounts(state);
  const tabs = [
    ["all", "All"],
    ["open", "Open"],
    ["waiting", "Waiting"],
    ["alerts", "Alerts"],
  ] as const;
  return (
    <Text wrap="truncate-end">
      {tabs.map(([id, name]) => (
        <Text key={id} inverse={state.view === id} bold={state.view === id}>
          {state.view === id ? `[${name} ${counts[id]}]` : ` ${name} ${counts[id]} `}
        </Text>
      ))}
      <Text {...fg(theme.muted)}>
        {"  "}sort {state.sort} {state.reversed ? "↑" : "↓"} (s, S)
      </Text>
      {state.filterEditing || state.filter ? (
        <Text {...fg(theme.accent)} bold>
          {"  "}
          {state.filter.startsWith(":") ? "" : "filter: "}
          <WithCursor
            text={state.filter}
            cursor={state.filterEditing ? cursorIn(state.filter, state.editors.filter) : null}
          />
        </Text>
      ) : (
        <Text {...fg(theme.muted)}>{"  "}/ filter · v view</Text>
      )}
    </Text>
  );
}

function PauseBanner(props: { state: MonitorState; theme: Theme }) {
  const held = props.state.paused?.held ?? 0;
  return (
    <Text inverse bold {...fg(props.theme.warn)} wrap="truncate-end">
      {" "}
      ⏸ PAUSED — the screen holds still; {held} update{held === 1 ? "" : "s"} held back · Z resumes{" "}
    </Text>
  );
}

// ---- one conversation: preview and live view --------------------------------------------------------------

function nameOf(users: Record<string, UserView>, id: string): string {
  return sanitizeLine(users[id]?.name ?? id);
}

/**
 * What can still be done about an aborted conversation (L4): its rep ends it, or a supervisor force-closes it; when its
 * rep is the one removed, a live chat's customer can still end it (a persistent one nobody could end is closed).
 */
function abortAdvice(v: ConversationView, forceClose: boolean, users: Record<string, UserView>): string {
  if (v.state === "closed") return "It is closed.";
  const repGone = v.ownerId !== null && !(v.ownerId in users);
  if (forceClose)
    return repGone
      ? "Nobody can continue it — force close it (Ctrl+D)."
      : "Nobody can continue it — the rep ends it, or force close it (Ctrl+D).";
  return repGone
    ? "Nobody can continue it — its customer can end it (force close is off in this org)."
    : "Nobody can continue it — the rep ends it (force close is off in this org).";
}

/** Who handles it, who else is in it, who watches, and the transfer status (SV3, SV4, SV7). */
function statusParts(state: MonitorState, session: Session, users: Record<string, UserView>): string[] {
  const v = session.view;
  const parts: string[] = [];
  if (v.ownerName) parts.push(`Rep: ${sanitizeLine(v.ownerName)}`);
  else if (v.state === "waiting" && v.lastOwnerId) parts.push(`Parked by ${nameOf(users, v.lastOwnerId)}`);
  else
    parts.push(
      `Unassigned, in ${sanitizeLine(v.queueName)}${v.offeredTo ? `, offered to ${sanitizeLine(v.offeredTo.repName)}` : ""}`,
    );
  if (v.participants.length > 0) parts.push(`Conference: ${v.participants.map((id) => nameOf(users, id)).join(", ")}`);
  if (v.conferenceRequested) parts.push(`Conference requested: ${sanitizeLine(v.conferenceRequested.repName)}`);
  if (v.consultants.length > 0) parts.push(`Consultant: ${v.consultants.map((id) => nameOf(users, id)).join(", ")}`);
  if (v.wrapUpBy.length > 0) parts.push(`Wrapping up: ${v.wrapUpBy.map((id) => nameOf(users, id)).join(", ")}`);
  const meId = state.base.me?.id;
  const watchers = Object.entries(v.supervisors).map(
    ([id, mode]) => `${id === meId ? "you" : nameOf(users, id)} (${mode === "join" ? "joined" : "monitoring"})`,
  );
  if (watchers.length > 0) parts.push(`Supervisors: ${watchers.join(", ")}`);
  return parts;
}

/** The customer's rating (CSAT) as one line: the score in stars and in words, then the comment, if any. */
function ConversationPane(props: {
  state: MonitorState;
  session: Session;
  height: number;
  width: number;
  scroll: number;
  composer?: React.ReactNode;
  composerHeight?: number;
  banner?: React.ReactNode;
  /** The preview: the thread as high as its messages, right under the details, not anchored to the bottom. */
  fitThread?: boolean;
  theme: Theme;
}) {
  const { state, session, theme } = props;
  const { users } = displayed(state);
  const v = session.view;
  const transfer = transferLine(v, state.transfers[v.id], users);
  const status = statusParts(state, session, users);
  const room = paneThreadRoom(state, session, props.height, Boolean(props.banner), props.composerHeight ?? 0);
  const meId = state.base.me?.id;
  // The preview does not scroll: the messages before the latest held are said, with the key that reads them.
  // `m` reads them only where it may be pressed: an Open or Waiting conversation cannot be monitored (SV4).
  const earlier = props.fitThread
    ? earlierLine(session, refusalFor(state, "monitor", v.id) === null ? "m to read them" : "not shown in the preview")
    : earlierLine(session);
  const threadHeight = props.fitThread
    ? Math.min(
        room,
        Math.max(1, visibleMessages(session.messages, room, props.width, 0, true, meId, v.customer.name).rows) +
          (earlier ? 1 : 0),
      )
    : room;
  return (
    <Box flexDirection="column" height={props.height} overflowY="hidden">
      <Box flexDirection="column" flexShrink={0}>
        {props.banner}
        <Text bold wrap="truncate-end">
          {sanitizeLine(v.id)} · {field(v.title, Math.max(12, props.width - 40))}{" "}
          <Text {...fg(theme.accent)}>[{stateText(v)}]</Text>
          <Text {...fg(theme.muted)}>
            {" "}
            · {sanitizeLine(v.workstreamName)} · {sanitizeLine(v.queueName)}
          </Text>
          {v.customerEnded ? <Text {...fg(theme.warn)}> · Customer ended the conversation</Text> : null}
        </Text>
        <Details
          view={v}
          summary={conversationSummary(session)}
          abortAdvice={abortAdvice(v, state.base.org?.supervisor.forceClose ?? false, users)}
          theme={theme}
        />
        <Text wrap="truncate-end" {...fg(theme.muted)}>
          {status.join(" · ")}
        </Text>
        {v.rating ? (
          <Text wrap="truncate-end" {...fg(theme.accent)}>
            {ratingLine(v.rating)}
          </Text>
        ) : null}
        {transfer ? (
          <Text wrap="truncate-end" {...fg(theme.accent)} bold>
            {transfer}
          </Text>
        ) : null}
        <Thread
          messages={session.messages}
          notes={session.notes}
          height={threadHeight}
          width={props.width}
          scroll={props.scroll}
          meId={meId}
          customerName={v.customer.name}
          theme={theme}
          showSentiment
          earlier={earlier}
        />
        {props.composer}
      </Box>
    </Box>
  );
}

/**
 * The routing decisions of the previewed conversation (y): the answer's first line, then as many of its last lines
 * as fit (the latest decision matters most); what does not fit is counted, and `cc-agent why` prints it all.
 */
function WhyPane(props: { why: WhyPanel; height: number; theme: Theme }) {
  const { why, theme } = props;
  const id = sanitizeLine(why.conversationId);
  if (!why.lines) return <Text {...fg(theme.muted)}>Asking the server why {id} is where it is…</Text>;
  const [first = "", ...rest] = why.lines;
  const room = Math.max(1, props.height - 2);
  // When it does not all fit, one row says how much is left out.
  const shown = rest.length > room ? rest.slice(rest.length - Math.max(0, room - 1)) : rest;
  const hidden = rest.length - shown.length;
  return (
    <Box flexDirection="column" height={props.height} overflow="hidden">
      <Text bold wrap="truncate-end">
        Why: {first} <Text {...fg(theme.muted)}>· y hides</Text>
      </Text>
      {hidden > 0 ? (
        <Text {...fg(theme.muted)} wrap="truncate-end">
          … {hidden} earlier lines: cc-agent why {id} prints them all
        </Text>
      ) : null}
      {shown.map((line, i) => (
        <Text key={i} wrap="truncate-end" {...(line.startsWith("    ✔") ? fg(theme.accent) : {})}>
          {line}
        </Text>
      ))}
    </Box>
  );
}

function Preview(props: { state: MonitorState; height: number; width: number; theme: Theme }) {
  const { state, theme } = props;
  const session = state.selectedId ? displayed(state).sessions[state.selectedId] : undefined;
  if (!session) {
    return (
      <Box
        height={props.height}
        borderStyle="single"
        borderTop
        borderBottom={false}
        borderLeft={false}
        borderRight={false}
        {...border(theme.muted)}
      >
        <Text {...fg(theme.muted)}>Select a conversation to preview it.</Text>
      </Box>
    );
  }
  return (
    <Box
      flexDirection="column"
      height={props.height}
      borderStyle="single"
      borderTop
      borderBottom={false}
      borderLeft={false}
      borderRight={false}
      {...border(theme.muted)}
    >
      {state.why?.conversationId === session.id ? (
        <WhyPane why={state.why} height={props.height - 1} theme={theme} />
      ) : (
        <ConversationPane
          state={state}
          session={session}
          height={props.height - 1}
          width={props.width}
          scroll={0}
          fitThread
          theme={theme}
        />
      )}
    </Box>
  );
}

function WatchView(props: { state: MonitorState; height: number; width: number; theme: Theme }) {
  const { state, theme } = props;
  const session = state.watchId ? displayed(state).sessions[state.watchId] : undefined;
  if (!session)
    return <Text {...fg(theme.muted)}>This conversation is no longer here. Esc goes back to the table.</Text>;
  const v = session.view;
  const id = sanitizeLine(v.id);
  const mode = v.supervisors[state.base.me?.id ?? ""];
  const rep = v.ownerName ? sanitizeLine(v.ownerName) : "the rep";
  const joined = mode === "join" && v.state !== "closed";
  const banner =
    v.state === "closed" ? (
      <Text inverse bold wrap="truncate-end">
        {" "}
        ■ {id} is Closed · Esc back to the table{" "}
      </Text>
    ) : mode === "join" ? (
      <Text inverse bold {...fg(theme.accent)} wrap="truncate-end">
        {" "}
        ✎ JOINED {id} — {rep} and the customer see what you write · Esc back · L leave{" "}
      </Text>
    ) : mode === "monitor" ? (
      <Text inverse bold wrap="truncate-end">
        {" "}
        ◉ MONITORING {id} silently — {rep} and the customer do not see you · J join · L leave · Esc back{" "}
      </Text>
    ) : (
      <Text inverse wrap="truncate-end">
        {" "}
        {id}: you no longer monitor it · Esc back{" "}
      </Text>
    );
  const whispering = state.composing && state.whispering && v.state !== "closed";
  const { height: composerHeight, key, draft } = watchComposer(state, session);
  const offline = state.base.connection !== "online";
  const editor = (
    <Composer
      draft={draft}
      cursor={cursorIn(draft, state.editors[key])}
      width={props.width - 1}
      disabled={state.composing ? null : "Enter writes to the rep and the customer"}
      offline={offline}
      theme={theme}
    />
  );
  // A whisper says whom it reaches above its composer, in the whisper's own colour.
  const composer = whispering ? (
    <>
      <Text {...fg(theme.system)} bold wrap="truncate-end">
        » Whisper to {rep} only — the customer never sees it · Enter sends · Esc back
      </Text>
      {editor}
    </>
  ) : joined ? (
    editor
  ) : null;
  return (
    <ConversationPane
      state={state}
      session={session}
      height={props.height}
      width={props.width}
      scroll={state.scroll}
      banner={banner}
      composer={composer}
      composerHeight={composerHeight}
      theme={theme}
    />
  );
}

// ---- overlays and the footer --------------------------------------------------------------------------------

function PickerOverlay(props: { state: MonitorState; theme: Theme }) {
  const picker = props.state.picker!;
  if (picker.kind === "presence") {
    const name = sanitizeLine(props.state.users[picker.userId]?.name ?? picker.userId);
    return (
      <Picker
        title={`Set ${name}'s presence to`}
        filter={picker.filter}
        cursor={cursorIn(picker.filter, props.state.editors.picker)}
        items={monitorPickerItems(props.state, picker)}
        index={picker.index}
        footer={`${name.split(" ")[0]} is told who set it · Enter selects · Esc closes`}
        theme={props.theme}
      />
    );
  }
  const view = props.state.base.sessions[picker.conversationId]?.view;
  const what = `${sanitizeLine(picker.conversationId)}${view ? ` (${sanitizeLine(view.title)})` : ""}`;
  const title =
    picker.kind === "transfer"
      ? `Transfer ${what} to`
      : picker.override
        ? `Assign ${what} with override (presence and capacity) to`
        : `Assign ${what} to`;
  return (
    <Picker
      title={title}
      filter={picker.filter}
      cursor={cursorIn(picker.filter, props.state.editors.picker)}
      items={monitorPickerItems(props.state, picker)}
      index={picker.index}
      tabs={picker.tab === "reps" ? "[Reps] Queues  (Tab)" : "Reps [Queues]  (Tab)"}
      footer={
        picker.kind === "transfer" ? "a rep has to accept · Enter selects · Esc closes" : "Enter selects · Esc closes"
      }
      theme={props.theme}
    />
  );
}

function ForceCloseDialog(props: { state: MonitorState; theme: Theme }) {
  const dialog = props.state.dialog as { kind: "force-close"; conversationId: string; choice: "cancel" | "confirm" };
  const view = props.state.base.sessions[dialog.conversationId]?.view;
  const who = [view?.ownerName ? sanitizeLine(view.ownerName) : null, "the customer"].filter(Boolean).join(" and ");
  return (
    <Box flexDirection="column" borderStyle="round" {...border(props.theme.warn)} paddingX={1}>
      <Text bold>
        Force close {sanitizeLine(dialog.conversationId)}
        {view ? ` (${sanitizeLine(view.title)})` : ""}?
      </Text>
      <Text>It is Closed at once for {who}; no wrap-up starts.</Text>
      <Text>
        <Text inverse={dialog.choice === "cancel"} bold={dialog.choice === "cancel"}>
          {dialog.choice === "cancel" ? "› Cancel ‹" : "  Cancel  "}
        </Text>{" "}
        <Text inverse={dialog.choice === "confirm"} bold={dialog.choice === "confirm"} {...fg(props.theme.error)}>
          {dialog.choice === "confirm" ? "› Force close ‹" : "  Force close  "}
        </Text>
      </Text>
    </Box>
  );
}

function MonitorFooter(props: { state: MonitorState; mode: Mode; hint: string | null; theme: Theme }) {
  const { theme, mode } = props;
  const table = mode === "monitor" || mode === "monitor-team" || mode === "monitor-watch" || mode === "monitor-compose";
  // Tab switches Queues / Reps in the assign and transfer pickers only (the presence picker has one list); Esc always
  // acts in an overlay. What the console's hints need (an offer, a session of one's own…) never holds here: the
  // monitor's picker is no place to offer Alt+Y.
  const holds = (need: Need): boolean =>
    need === "escapable" || (need === "transfer-picker" && props.state.picker?.kind !== "presence");
  const hints = hintBindings(mode, holds);
  const columns = props.state.base.size.columns;
  // Disabled actions stay in the hints, dimmed, and "(off)" when the org turned them off; whole hints only.
  const reasons = hints.map((b) => availability(props.state, b.id));
  const off = reasons.map((reason) => reason !== null && reason.endsWith("turned off for this organisation."));
  const slots = fitHintSlots(
    hints.map((b, i) => `${hintText(b)}${off[i] ? " (off)" : ""}`),
    columns,
  );
  const keys = table ? (
    <Text wrap="truncate-end" {...fg(theme.muted)}>
      {slots.map((i, n) => {
        const sep = n > 0 ? " · " : "";
        if (i === null) return <Text key="more">{sep}…</Text>;
        const b = hints[i]!;
        return (
          <Text key={b.id} dimColor={reasons[i] !== null} strikethrough={off[i] === true}>
            {sep}
            {hintText(b)}
            {off[i] ? " (off)" : ""}
          </Text>
        );
      })}
    </Text>
  ) : (
    fitHints(hintItems(mode, holds), columns)
  );
  return <Footer flash={props.state.base.flash} hint={props.hint} keys={keys} theme={theme} />;
}

// ---- the app ------------------------------------------------------------------------------------------------

export function MonitorApp(props: { store: MonitorStore; controller: MonitorController; theme: Theme }) {
  const { store, controller, theme } = props;
  const state = useSyncExternalStore(store.subscribe, store.getState);
  useKeys(controller);

  const { columns } = state.base.size;
  const height = monitorFrameHeight(state);
  const mode = monitorMode(state);
  const rows = tableRows(state);
  const selected = rows.find((r) => r.id === state.selectedId);
  const hint =
    (state.screen === "table" || state.screen === "watch") && selected?.alert
      ? `! ${selected.customer}: ${SENTIMENT_LABEL[selected.sentiment].word} — urgent attention needed.`
      : null;
  const body = monitorBodyHeight(state);
  const overlay = state.picker ? (
    <PickerOverlay state={state} theme={theme} />
  ) : state.dialog?.kind === "force-close" ? (
    <ForceCloseDialog state={state} theme={theme} />
  ) : null;

  let content: React.ReactNode;
  if (state.dialog?.kind === "help") {
    content = (
      <Help
        filter={state.dialog.filter}
        cursor={cursorIn(state.dialog.filter, state.editors.help)}
        scroll={state.dialog.scroll ?? 0}
        monitor
        rows={monitorHelpRoom(state)}
        theme={theme}
      />
    );
  } else if (state.screen === "team") {
    content = overlay ?? <TeamView state={state} height={body} width={columns} theme={theme} />;
  } else if (state.screen === "figures") {
    content = overlay ?? <FiguresView state={state} height={body} width={columns} theme={theme} />;
  } else if (state.screen === "watch") {
    content = overlay ?? <WatchView state={state} height={body} width={columns} theme={theme} />;
  } else {
    const room = body - 1;
    const tableHeight = Math.min(Math.max(2, rows.length + 1), tableRoom(state));
    content = (
      <>
        <ViewTabs state={state} theme={theme} />
        <Table state={state} rows={rows} height={tableHeight} width={columns} theme={theme} />
        {overlay ?? <Preview state={state} height={room - tableHeight} width={columns} theme={theme} />}
      </>
    );
  }

  return (
    <Box flexDirection="column" height={height} width={columns}>
      <MonitorHeader state={state} theme={theme} />
      {state.paused ? <PauseBanner state={state} theme={theme} /> : null}
      {/* What does not fit a small terminal is cut at the bottom; nothing is squeezed into the rows of another. */}
      <Box flexDirection="column" flexGrow={1} flexShrink={1} flexBasis={0} overflowY="hidden">
        <Box flexDirection="column" flexShrink={0}>
          {content}
        </Box>
      </Box>
      <MonitorFooter state={state} mode={mode} hint={hint} theme={theme} />
    </Box>
  );
}
