// The rep console: header, session pane, communication pane (thread + composer) or Home, footer.
// A pure function of the store; the one input handler hands keys to the controller.
import { useKeys } from "../keys/use-keys.js";
import { Box, Text, useIsScreenReaderEnabled } from "ink";
import { useSyncExternalStore } from "react";
import { sanitizeLine } from "../../protocol/sanitize.js";
import { Composer, measureComposer } from "../components/Composer.js";
import { Details } from "../components/Details.js";
import { Footer } from "../components/Footer.js";
import { Header } from "./components/Header.js";
import { Help } from "../components/Help.js";
import { Home } from "./components/Home.js";
import { OfferCard } from "./components/OfferCard.js";
import { Picker } from "../components/Picker.js";
import { highlighted } from "./templates.js";
import { SessionPane } from "./components/SessionPane.js";
import { Thread } from "../components/Thread.js";
import type { ConsoleController } from "./controller.js";
import { consoleHelpRoom, modeOf } from "./controller.js";
import { fitHints, hintItems } from "../keys/bindings.js";
import type { Need } from "../keys/bindings.js";
import {
  alertHint,
  conversationSummary,
  currentOffer,
  cursorIn,
  offerCountdown,
  serverNow,
  sessionRows,
  stateLabel,
  unreadHint,
} from "../mirror/selectors.js";
import type { UiState } from "../mirror/state.js";
import type { Store } from "../mirror/store.js";
import type { Theme } from "../theme/theme.js";
import { border, fg, PRESENCE_LABEL } from "../theme/theme.js";

const PICKER_TITLE = {
  transfer: "Transfer to",
  conference: "Invite to a conference",
  wrapup: "Wrap-up reason",
  presence: "Presence",
  switcher: "Switch to",
  quickreply: "Quick replies",
} as const;

function PickerOverlay(props: { state: UiState; controller: ConsoleController; theme: Theme }) {
  const picker = props.state.picker!;
  const items = props.controller.pickerItems(picker);
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
            : "Esc closes",
      ]
        .filter(Boolean)
        .join(" · ")}
      theme={props.theme}
    />
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
  const paneWidth = state.collapsed || columns < 80 ? 8 : 28;
  const showPane = columns >= 60;
  const mainWidth = columns - (showPane ? paneWidth + 1 : 0);
  const offer = currentOffer(state);
  const offers = Object.values(state.offers).filter((o) => o.status === "pending").length;
  const mode = modeOf(state);
  const session = state.focus === "home" ? undefined : state.sessions[state.focus];
  const now = serverNow(state);

  const selectedHint = session ? [alertHint(session), unreadHint(session)].filter(Boolean).join(" ") || null : null;
  const ronaHint =
    state.me?.presence === "rona"
      ? `${PRESENCE_LABEL.rona.glyph} RONA: you missed an offer and get none until you set yourself Available — Alt+P or /status available.`
      : null;
  const hint = ronaHint ?? selectedHint;
  // The footer shows the keys that would act now (lazygit's way): no "accept" without an offer.
  const holds = (need: Need): boolean => {
    switch (need) {
      case "offer":
        return offer !== undefined && offer !== null;
      case "session":
        return session !== undefined && session.view.state !== "closed";
      case "owned-active":
        return session?.view.state === "active" && session.view.ownerId === state.me?.id;
      case "persistent":
        return session?.view.mode === "persistent" && session.view.state === "active";
      case "closed-session":
        return session?.view.state === "closed";
      case "transfer-picker":
        return state.picker?.kind === "transfer";
    }
  };

  const overlayHeight = (offer ? 7 : 0) + (state.picker || state.dialog ? 14 : 0);
  const composerHeight = measureComposer(
    session?.draft ?? state.homeDraft,
    mainWidth - 1,
    state.connection !== "online",
  );
  // Title, customer line, summary (S2), then the abort warning and context variables when there are any.
  const detailsHeight = session
    ? (session.view.aborted ? 4 : 3) + (Object.keys(session.view.context).length > 0 ? 1 : 0)
    : 0;
  const threadHeight = Math.max(3, height - 1 - 2 - overlayHeight - composerHeight - detailsHeight - 1);

  return (
    <Box flexDirection="column" height={height} width={columns}>
      <Header me={state.me} offers={offers} connection={state.connection} org={state.org?.name ?? ""} theme={theme} />
      {/* A screen reader hears the panes one after the other, not side by side. */}
      <Box flexGrow={1} flexDirection={screenReader ? "column" : "row"}>
        {showPane ? (
          <SessionPane
            rows={sessionRows(state)}
            homeFocused={state.focus === "home"}
            collapsed={state.collapsed || columns < 80}
            width={paneWidth}
            theme={theme}
          />
        ) : null}
        <Box flexDirection="column" width={mainWidth} paddingLeft={1}>
          {offer ? (
            <OfferCard
              offer={offer}
              repName={state.me?.name ?? ""}
              now={now}
              countdown={offerCountdown(state, offer)}
              more={offers - 1}
              theme={theme}
            />
          ) : null}
          {/* Help opened from a picker covers it; Esc goes back to the picker. */}
          {state.picker && state.dialog?.kind !== "help" ? (
            <PickerOverlay state={state} controller={controller} theme={theme} />
          ) : null}
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
            <Box flexDirection="column" borderStyle="round" {...border(theme.warn)} paddingX={1}>
              <Text bold>
                Close {sanitizeLine(state.sessions[state.dialog.conversationId]?.view.title ?? "")} to Waiting?
              </Text>
              <Text>It keeps the whole history and uses no capacity; the customer can come back to it.</Text>
              <Text>
                <Text inverse={state.dialog.choice === "cancel"}> Cancel </Text>{" "}
                <Text inverse={state.dialog.choice === "confirm"}> Close to Waiting </Text>
              </Text>
            </Box>
          ) : null}
          {/* Help is modal and takes the room of the thread: nothing is drawn over it. */}
          {state.dialog?.kind === "help" ? null : session ? (
            <>
              <Text bold wrap="truncate-end">
                {sanitizeLine(session.view.title)}{" "}
                <Text {...fg(theme.accent)}>[{stateLabel(session, state.me?.id)}]</Text>
                {session.view.customerEnded ? <Text {...fg(theme.warn)}> Customer ended the conversation</Text> : null}
              </Text>
              <Details
                view={session.view}
                summary={conversationSummary(session)}
                abortAdvice="You cannot continue it — end it (Alt+E)."
                theme={theme}
              />
              <Thread
                messages={session.messages}
                notes={session.notes}
                height={threadHeight}
                width={mainWidth}
                scroll={session.scroll}
                meId={state.me?.id}
                customerName={session.view.customer.name}
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
                  highlighted(session.draft, cursorIn(session.draft, state.editors[`draft:${session.id}`])) ?? null
                }
                width={mainWidth - 1}
                disabled={null}
                offline={state.connection !== "online"}
                theme={theme}
              />
            </>
          ) : (
            <>
              <Home state={state} theme={theme} now={now} />
              <Box flexGrow={1} />
              <Composer
                draft={state.homeDraft}
                cursor={cursorIn(state.homeDraft, state.editors["draft:home"])}
                width={mainWidth - 1}
                disabled={null}
                offline={state.connection !== "online"}
                theme={theme}
              />
            </>
          )}
        </Box>
      </Box>
      <Footer
        flash={state.flash}
        hint={hint}
        keys={state.quitArmed ? "Ctrl+C again quits" : fitHints(hintItems(mode, holds), columns)}
        theme={theme}
      />
    </Box>
  );
}
