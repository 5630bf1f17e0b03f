// Home's three lists as the screen shows them: which rows of each fit, from where each is scrolled, and the
// numbers they carry. The view draws this and the controller reads it, so `/pick 3` and `/open 2` act on the
// rows shown with 3 and 2, never on a row the rep cannot see.
import type { ConversationView } from "../../protocol/views.js";
import { measureComposer } from "../components/Composer.js";
import { currentOffer } from "../mirror/selectors.js";
import { offerCardHeight } from "./components/OfferCard.js";
import type { HomeList, Session, UiState } from "../mirror/state.js";

/** Below this many columns the session pane shows numbers and badges only. */
export const COLLAPSE_BELOW = 100;

/** The session pane widens with the terminal: 28 cells from 100 columns, a fifth of it beyond 125, at most 48. */
export function sessionPaneWidth(columns: number, collapsed: boolean): number {
  return collapsed || columns < COLLAPSE_BELOW ? 6 : Math.min(48, Math.max(28, Math.floor(columns / 5) + 3));
}

export interface HomeRow {
  id: string;
  /** The number shown: the session's number (Alt+N) for my work items, the position for the other lists. */
  number: number;
  view: ConversationView;
  session: Session | undefined;
}

export interface HomeSection {
  list: HomeList;
  total: number;
  /** Index of the first shown row in the whole list. */
  offset: number;
  shown: HomeRow[];
}

export const HOME_LISTS: HomeList[] = ["mine", "open", "closed"];

/** Every row of each list, in order: my open sessions, open items by arrival, my closed ones newest first. */
export function homeItems(state: UiState): Record<HomeList, HomeRow[]> {
  const meId = state.me?.id;
  const mine = state.order
    .map((id, index) => ({ id, number: index + 1, session: state.sessions[id]! }))
    .filter((r) => r.session.view.state !== "closed")
    .map((r) => ({ ...r, view: r.session.view }));
  const open = state.openItems.map((view, index) => ({
    id: view.id,
    number: index + 1,
    view,
    session: state.sessions[view.id],
  }));
  const closed = Object.values(state.sessions)
    .filter(
      (s) =>
        s.view.state === "closed" &&
        (s.view.ownerId === meId || s.view.lastOwnerId === meId || s.view.closedBy === meId),
    )
    .sort((a, b) => (b.view.closedAt ?? 0) - (a.view.closedAt ?? 0) || a.id.localeCompare(b.id))
    .map((session, index) => ({ id: session.id, number: index + 1, view: session.view, session }));
  return { mine, open, closed };
}

/**
 * Rows the offer card takes over the top of Home: Home's lists start below it instead of under it (a session's thread
 * stays where it is under the card; Home has the room).
 */
export function homeCardRows(state: UiState): number {
  const offer = currentOffer(state);
  return offer ? offerCardHeight(offer) : 0;
}

/** Rows Home has for list rows: the main column between header and footer, less the composer, the card, headings. */
export function homeListRows(state: UiState): number {
  const height = Math.max(10, state.size.rows - 1);
  const columns = state.size.columns;
  const mainWidth = columns - (columns >= 60 ? sessionPaneWidth(columns, state.collapsed) + 1 : 0);
  const composer = measureComposer(state.homeDraft, mainWidth - 1, state.connection !== "online");
  // Header, footer (two rows), three headings and the "Today" line.
  return Math.max(3, height - 1 - 2 - composer - homeCardRows(state) - 4);
}

/**
 * How many rows each list shows: all of them when they fit; otherwise turns are taken, the highlighted list
 * first, one row at a time, so that every list keeps at least one row and none takes the whole page.
 */
export function homeLayout(state: UiState, rows = homeListRows(state)): Record<HomeList, HomeSection> {
  const items = homeItems(state);
  // An empty list still takes a row (it says so).
  const need = (list: HomeList) => Math.max(1, items[list].length);
  const room: Record<HomeList, number> = { mine: 0, open: 0, closed: 0 };
  const turns = [state.home.list, ...HOME_LISTS.filter((l) => l !== state.home.list)];
  let left = rows;
  for (let progress = true; left > 0 && progress;) {
    progress = false;
    for (const list of turns) {
      if (left > 0 && room[list] < need(list)) {
        room[list]++;
        left--;
        progress = true;
      }
    }
  }
  const section = (list: HomeList): HomeSection => {
    const all = items[list];
    const fits = Math.min(all.length, room[list]);
    const offset = Math.max(0, Math.min(state.home.offsets[list], all.length - fits));
    return { list, total: all.length, offset, shown: all.slice(offset, offset + fits) };
  };
  return { mine: section("mine"), open: section("open"), closed: section("closed") };
}

/** The shown numbers of a section, as the rep reads them: "1–5". */
export function shownRange(section: HomeSection): string {
  const first = section.shown[0]?.number;
  const last = section.shown.at(-1)?.number;
  return first === undefined ? "none" : first === last ? String(first) : `${first}–${last}`;
}
