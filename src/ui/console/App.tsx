// The rep console: header, session pane, communication pane (thread + composer) or Home, footer.
// A pure function of the store; the one input handler hands keys to the controller.
import { useKeys } from "../keys/use-keys.js";
import { Box, Text, useIsScreenReaderEnabled } from "ink";
import { useSyncExternalStore } from "react";
import { Composer, measureComposer } from "../components/Composer.js";
import { Details, ratingLine } from "../components/Details.js";
import { ConfirmDialog } from "./components/ConfirmDialog.js";
import { Footer } from "../components/Footer.js";
import { Header } from "./components/Header.js";
import { Help } from "../components/Help.js";
import { Home } from "./components/Home.js";
import { OfferCard } from "./components/OfferCard.js";
import { Hints } from "./components/Hints.js";
import { Overlay } from "../components/Overlay.js";
import { Picker } from "../components/Picker.js";
import { highlighted } from "./templates.js";
import { SessionPane } from "./components/SessionPane.js";
import { Thread } from "../components/Thread.js";
import { earlierLine } from "../mirror/earlier.js";
import { attentionHint } from "./attention.js";
import type { Hint } from "./attention.js";
import { historyLine } from "./history.js";
import { COLLAPSE_BELOW, homeCardRows, sessionPaneWidth } from "./home-layout.js";
import type { ConsoleController } from "./controller.js";
import { consoleHelpRoom, modeOf, pickerItems } from "./selectors.js";
import { hintBindings, shownWhileTyping } from "../keys/hints.js";
import type { Need } from "../keys/binding.js";
import {
  conversationSummary,
  currentOffer,
  cursorIn,
  isConferenceGuest,
  isConsulting,
  offerCountdown,
  serverNow,
  sessionRows,
  stateLabel,
  waitMark,
} from "../mirror/selectors.js";
import type { WaitMark } from "../mirror/selectors.js";
import type { Session, UiState } from "../mirror/state.js";
import { cellWidth, field } from "../text/index.js";
import type { Store } from "../mirror/store.js";
import type { Theme } from "../theme/theme.js";
import { fg, severity, WAIT_LABEL } from "../theme/theme.js";

const PICKER_TITLE = {
  transfer: "Transfer to",
  conference: "Invite to a conference",
  consult: "Ask to consult",
  wrapup: "Wrap-up reason",
  presence: "Presence",
  switcher: "Switch to",
  quickreply: "Quick replies",
  history: "Earlier conversations of this customer",
} as const;

function PickerOverlay(props: { state: UiState; theme: Theme }) {
  const picker = props.state.picker!;
  const items = pickerItems(props.state, picker);
  const loaded =
    "loadedAt" in picker && picker.loadedAt !== null
      ? `updated ${Math.max(0, Math.round((props.state.now - picker.loadedAt) / 1000))} s ago · Ctrl+R reload`
      : "";
  return (
    <Picker
      title={PICKER_TITLE[picker.kind]}
      filter={picker.filter}
      cursor={cursorIn(picker.filter, props.state.editors.picker)}
      items={items}
      index={picker.index}
      {...(picker.kind === "transfer"
        ? { tabs: picker.tab === "queues" ? "[Queues] Reps  (Tab)" : "Queues [Reps]  (Tab)" }
        : {})}
      {...(picker.kind === "quickreply" && items[picker.index]?.detail
        ? { preview: items[picker.index]!.detail! }
        : {})}
      footer={[
        loaded,
        picker.kind === "wrapup"
          ? "choose a reason to finish"
          : picker.kind === "quickreply"
            ? "Enter inserts at the cursor · Esc closes"
            : picker.kind === "presence" && items.length > 9
              ? `${items.length} in all: ↑↓ or type to filter · Esc closes`
              : picker.kind === "history"
                ? "Enter opens it read-only · Esc closes"
                : "Esc closes",
      ]
        .filter(Boolean)
        .join(" · ")}
      theme={props.theme}
    />
  );
}

/** What the second Ctrl+C would do: drafts not sent are said first (they do not outlive the console). */
function quitWarning(state: UiState): string {
  const drafts = Object.values(state.sessions).filter((s) => s.draft.trim() !== "").length;
  const lost = drafts === 0 ? "" : ` — ${drafts === 1 ? "1 unsent draft is" : `${drafts} unsent drafts are`} lost`;
  return state.consoles > 1
    ? `Press Ctrl+C again to quit${lost} (your other console stays signed in); any other key goes on.`
    : `Press Ctrl+C again to quit${lost} (you will be set Offline); any other key goes on.`;
}

/** The session's title, cut to leave room for its state, the customer's wait and whether the customer ended it. */
function TitleLine(props: {
  session: Session;
  meId: string | undefined;
  wait: WaitMark | null;
  width: number;
  theme: Theme;
}) {
  const { session, theme, wait } = props;
  const state = ` [${stateLabel(session, props.meId)}]`;
  const waiting = wait ? ` ${WAIT_LABEL[wait.level].glyph} ${wait.words}` : "";
  const ended = session.view.customerEnded ? " Customer ended the conversation" : "";
  const title = field(session.view.title, Math.max(8, props.width - cellWidth(state + waiting + ended)));
  return (
    <Text bold wrap="truncate-end">
      {title}
      <Text {...fg(theme.accent)}>{state}</Text>
      {wait ? <Text {...severity(theme, WAIT_LABEL[wait.level].severity)}>{waiting}</Text> : null}
      {ended ? <Text {...fg(theme.warn)}>{ended}</Text> : null}
    </Text>
  );
}

export function App(props: { store: Store; controller: ConsoleController; theme: Theme }) {
  const { store, controller, theme } = props;
  const state = useSyncExternalStore(store.subscribe, store.getState);
  useKeys(controller);
  const screenReader = useIsScreenReaderEnabled();

  const { columns, rows } = state.size;
  // One row shorter than the terminal avoids full-screen repaints.
  const height = Math.max(10, rows - 1);
  const paneWidth = sessionPaneWidth(columns, state.collapsed);
  const showPane = columns >= 60;
  const mainWidth = columns - (showPane ? paneWidth + 1 : 0);
  const offer = currentOffer(state);
  const offers = Object.values(state.offers).filter((o) => o.status === "pending").length;
  const mode = modeOf(state);
  const session = state.focus === "home" ? undefined : state.sessions[state.focus];
  const now = serverNow(state);
  const typing = (mode === "composer" ? (session?.draft ?? "") : mode === "home" ? state.homeDraft : "") !== "";

  const selectedHint = attentionHint(state);
  const ronaHint: Hint | null =
    state.me?.presence === "rona"
      ? {
          // The footer draws an alert's ⚠ itself.
          // The way out first: at 80 columns the end of the line is cut.
          text: "RONA: Alt+P or /status available to get offers again (you missed one).",
          level: "alert",
        }
      : null;
  const hint = ronaHint ?? selectedHint;
  // The footer shows the keys that would act now (lazygit's way): no "accept" without an offer.
  const holds = (need: Need): boolean => {
    switch (need) {
      case "offer":
        return offer !== undefined && offer !== null;
      case "session":
        // A consultant does not end, transfer or answer the customer: only leaving is theirs.
        return session !== undefined && session.view.state !== "closed" && !isConsulting(session.view, state.me?.id);
      case "owned-active":
        return session?.view.state === "active" && session.view.ownerId === state.me?.id;
      case "persistent":
        // Closing to Waiting is the owner's: a consultant or a conference guest is not offered it.
        return (
          session?.view.mode === "persistent" &&
          session.view.state === "active" &&
          session.view.ownerId === state.me?.id
        );
      case "closed-session":
        return session?.view.state === "closed";
      case "transfer-picker":
        return state.picker?.kind === "transfer";
      case "consulting":
        return session !== undefined && isConsulting(session.view, state.me?.id);
      case "conference-guest":
        return session !== undefined && isConferenceGuest(session.view, state.me?.id);
      case "escapable":
        return !(state.picker?.kind === "wrapup" && state.picker.filter === "");
      case "writable":
        return holds("session") && session!.view.state === "active";
      case "ends":
        return holds("session") && !isConferenceGuest(session!.view, state.me?.id);
    }
  };

  // The frame: status bar, the panes, then the footer's two rows. The composer sits on the panes' last rows and
  // the thread takes every row between the details and the composer; overlays are drawn over them.
  const bodyRows = height - 1 - 2;
  const composerHeight = measureComposer(
    session?.draft ?? state.homeDraft,
    mainWidth - 1,
    state.connection !== "online",
    session?.view.state === "closed",
  );
  const summary = session ? conversationSummary(session) : "";
  const earlier = session ? historyLine(state, session) : "";
  // Title, customer line, the summary (S2), then the abort warning and context variables when there are any.
  const detailsHeight = session
    ? 2 +
      (summary ? 1 : 0) +
      (earlier ? 1 : 0) +
      (session.view.aborted ? 1 : 0) +
      (Object.keys(session.view.context).length > 0 ? 1 : 0) +
      (session.view.rating ? 1 : 0)
    : 0;
  const outboxHeight = session && session.outbox.length > 0 ? 1 : 0;
  const typingHeight = session?.customerTypingUntil !== undefined && state.now < session.customerTypingUntil ? 1 : 0;
  const threadHeight = Math.max(1, bodyRows - composerHeight - detailsHeight - outboxHeight - typingHeight);
  const overlayWidth = Math.max(10, mainWidth - 1);
  const showOverlay = Boolean(offer) || Boolean(state.picker) || Boolean(state.dialog);

  return (
    <Box flexDirection="column" height={height} width={columns}>
      <Header
        me={state.me}
        offers={offers}
        connection={state.connection}
        consoles={state.consoles}
        org={state.org?.name ?? ""}
        width={columns}
        theme={theme}
      />
      {/* A screen reader hears the panes one after the other, not side by side. */}
      <Box height={screenReader ? undefined : bodyRows} flexDirection={screenReader ? "column" : "row"}>
        {showPane ? (
          <SessionPane
            rows={sessionRows(state)}
            homeFocused={state.focus === "home"}
            collapsed={state.collapsed || columns < COLLAPSE_BELOW}
            width={paneWidth}
            theme={theme}
          />
        ) : null}
        <Box flexDirection="column" width={mainWidth} paddingLeft={1}>
          {session ? (
            <>
              <TitleLine
                session={session}
                meId={state.me?.id}
                wait={waitMark(state.org, session.view, now)}
                width={mainWidth - 1}
                theme={theme}
              />
              <Details
                view={session.view}
                width={mainWidth - 1}
                summary={summary}
                abortAdvice={
                  session.view.state === "closed" ? "It is closed." : "You cannot continue it — end it (Alt+E)."
                }
                theme={theme}
              />
              {earlier ? (
                <Text {...fg(theme.muted)} wrap="truncate-end">
                  {earlier}
                </Text>
              ) : null}
              {session.view.rating ? (
                <Text {...fg(theme.accent)} wrap="truncate-end">
                  {ratingLine(session.view.rating)}
                </Text>
              ) : null}
              <Thread
                messages={session.messages}
                notes={session.notes}
                {...(session.lines ? { lines: session.lines } : {})}
                height={threadHeight}
                width={mainWidth - 1}
                scroll={session.scroll}
                meId={state.me?.id}
                customerName={session.view.customer.name}
                bottom={showOverlay}
                earlier={earlierLine(session)}
                theme={theme}
              />
              {session.outbox.length > 0 ? <Text {...fg(theme.muted)}>sending {session.outbox.length}…</Text> : null}
              {session.customerTypingUntil !== undefined && state.now < session.customerTypingUntil ? (
                <Text {...fg(theme.muted)} italic>
                  {session.view.customer.name} is typing…
                </Text>
              ) : null}
              <Composer
                draft={session.draft}
                cursor={cursorIn(session.draft, state.editors[`draft:${session.id}`])}
                highlight={
                  highlighted(
                    controller.prompts(session.draft),
                    cursorIn(session.draft, state.editors[`draft:${session.id}`]),
                  ) ?? null
                }
                width={mainWidth - 1}
                disabled={
                  session.view.state !== "closed"
                    ? null
                    : session.historyOf
                      ? "An earlier conversation of this customer: read-only. Alt+0 goes back to Home."
                      : "Closed: read-only. Alt+0 goes back to Home."
                }
                offline={state.connection !== "online"}
                focused={mode === "composer" || mode === "home"}
                theme={theme}
              />
            </>
          ) : (
            <>
              <Box flexDirection="column" height={bodyRows - composerHeight} overflowY="hidden">
                <Box height={homeCardRows(state)} flexShrink={0} />
                <Home state={state} theme={theme} now={now} width={mainWidth - 1} />
              </Box>
              <Composer
                draft={state.homeDraft}
                cursor={cursorIn(state.homeDraft, state.editors["draft:home"])}
                width={mainWidth - 1}
                disabled={null}
                offline={state.connection !== "online"}
                focused={mode === "composer" || mode === "home"}
                theme={theme}
              />
            </>
          )}
          {/* One overlay style, one position: the offer card, pickers, the close dialog and help, over the pane; drawn last so it lies on top. */}
          {showOverlay ? (
            <Overlay width={overlayWidth}>
              {offer ? (
                <OfferCard
                  offer={offer}
                  repName={state.me?.name ?? ""}
                  now={now}
                  countdown={offerCountdown(state, offer)}
                  more={offers - 1}
                  width={overlayWidth}
                  theme={theme}
                />
              ) : null}
              {/* Help opened from a picker covers it; Esc goes back to the picker. */}
              {state.picker && state.dialog?.kind !== "help" ? <PickerOverlay state={state} theme={theme} /> : null}
              {state.dialog?.kind === "help" ? (
                <Help
                  filter={state.dialog.filter}
                  cursor={cursorIn(state.dialog.filter, state.editors.help)}
                  scroll={state.dialog.scroll ?? 0}
                  monitor={false}
                  rows={consoleHelpRoom(state)}
                  theme={theme}
                />
              ) : null}
              {state.dialog?.kind === "confirm-close" ? (
                <ConfirmDialog
                  question={`Close ${field(state.sessions[state.dialog.conversationId]?.view.title ?? "", overlayWidth - 24)} to Waiting?`}
                  explanation="It keeps the whole history and uses no capacity; the customer can come back to it."
                  confirm="Close to Waiting"
                  choice={state.dialog.choice}
                  theme={theme}
                />
              ) : null}
              {state.dialog?.kind === "confirm-end" ? (
                <ConfirmDialog
                  question={`End the conversation with ${field(state.sessions[state.dialog.conversationId]?.view.title ?? "", overlayWidth - 34)}?`}
                  explanation="Your draft has not been sent, and once it ends it cannot be."
                  confirm="End without sending"
                  choice={state.dialog.choice}
                  theme={theme}
                />
              ) : null}
            </Overlay>
          ) : null}
        </Box>
      </Box>
      <Footer
        flash={state.flash}
        hint={hint}
        keys={
          state.quitArmed ? (
            <Text {...fg(theme.warn)} bold wrap="truncate-end">
              {quitWarning(state)}
            </Text>
          ) : (
            <Hints
              bindings={hintBindings(mode, holds).map((b) => shownWhileTyping(b, mode, typing))}
              width={columns}
              theme={theme}
            />
          )
        }
        theme={theme}
      />
    </Box>
  );
}
