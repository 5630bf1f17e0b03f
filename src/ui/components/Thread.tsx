import { Box, Text } from "ink";
import { sanitizeText } from "../../protocol/sanitize.js";
import type { MessageView, NoteView } from "../../protocol/views.js";
import { initials } from "../mirror/selectors.js";
import type { Theme } from "../theme/theme.js";
import { fg, SENTIMENT_LABEL } from "../theme/theme.js";

function hhmm(at: number): string {
  const d = new Date(at);
  return `${String(d.getHours()).padStart(2, "0")}:${String(d.getMinutes()).padStart(2, "0")}`;
}

function day(at: number): string {
  return new Date(at).toDateString();
}

/** A customer message's sentiment on the 7-step scale, as the monitor shows it after the text (SV3). */
export function sentimentTag(message: MessageView): string {
  if (message.author.role !== "customer" || message.sentiment === undefined) return "";
  const label = SENTIMENT_LABEL[message.sentiment];
  return ` [${label.glyph} ${label.word}]`;
}

/** How many terminal lines a message takes at this width (its text wraps after the gutter). */
function linesOf(message: MessageView, width: number, withSentiment = false): number {
  const usable = Math.max(10, width - 12);
  return (sanitizeText(message.text) + (withSentiment ? sentimentTag(message) : ""))
    .split("\n")
    .reduce((sum, line) => sum + Math.max(1, Math.ceil(line.length / usable)), 0);
}

/**
 * Render only what fits: walk back from the newest message (minus `scroll` messages) until the height is
 * filled, so a keypress costs the same with 10 or 10,000 messages.
 */
export function visibleMessages(
  messages: MessageView[],
  height: number,
  width: number,
  scroll: number,
  withSentiment = false,
): { shown: MessageView[]; hiddenBelow: number } {
  const end = Math.max(0, messages.length - scroll);
  const shown: MessageView[] = [];
  let used = 0;
  for (let i = end - 1; i >= 0; i--) {
    const m = messages[i]!;
    const lines = linesOf(m, width, withSentiment) + (i > 0 && day(messages[i - 1]!.at) !== day(m.at) ? 1 : 0);
    if (used + lines > height && shown.length > 0) break;
    shown.unshift(m);
    used += lines;
  }
  return { shown, hiddenBelow: messages.length - end };
}

/** A line of the thread: a message, or a staff note (shown in a style of its own, never to the customer). */
type Entry = MessageView & { note?: true };

const merged = new WeakMap<MessageView[], { notes: NoteView[]; entries: Entry[] }>();

/** Messages and notes in time order (a note after the messages of its millisecond); cached per pair of lists. */
export function threadEntries(messages: MessageView[], notes: NoteView[] | undefined): Entry[] {
  if (!notes || notes.length === 0) return messages;
  const cached = merged.get(messages);
  if (cached?.notes === notes) return cached.entries;
  const entries: Entry[] = [];
  let n = 0;
  for (const m of messages) {
    while (n < notes.length && notes[n]!.at < m.at) entries.push(noteEntry(notes[n++]!));
    entries.push(m);
  }
  while (n < notes.length) entries.push(noteEntry(notes[n++]!));
  merged.set(messages, { notes, entries });
  return entries;
}

function noteEntry(note: NoteView): Entry {
  return { id: `note:${note.id}`, at: note.at, author: note.author, text: note.text, note: true };
}

/** L3: customer messages grey with initials, rep messages blue, system messages distinct. SV3: the monitor adds each customer message's sentiment. */
export function Thread(props: {
  messages: MessageView[];
  /** Staff notes, between the messages by time. */
  notes?: NoteView[];
  height: number;
  width: number;
  scroll: number;
  meId: string | undefined;
  customerName: string;
  theme: Theme;
  showSentiment?: boolean;
}) {
  const { theme } = props;
  const { shown, hiddenBelow } = visibleMessages(
    threadEntries(props.messages, props.notes),
    props.height - (props.scroll > 0 ? 1 : 0),
    props.width,
    props.scroll,
    props.showSentiment,
  );
  return (
    <Box flexDirection="column" height={props.height} justifyContent="flex-end" overflow="hidden">
      {shown.map((m, i) => {
        const previous = i > 0 ? shown[i - 1] : undefined;
        const separator =
          previous && day(previous.at) !== day(m.at) ? <Text {...fg(theme.muted)}>── {day(m.at)} ──</Text> : null;
        const text = sanitizeText(m.text);
        let who: React.ReactNode;
        if (m.author.role === "system") {
          who = (
            <Text {...fg(theme.system)} italic>
              *{" "}
            </Text>
          );
        } else if (m.author.role === "customer") {
          who = (
            <Text {...fg(theme.customer)} bold>
              {initials(props.customerName)}:{" "}
            </Text>
          );
        } else if ((m as Entry).note) {
          who = (
            <Text {...fg(theme.warn)} bold>
              ✎ note {m.author.id === props.meId ? "You" : initials(m.author.name)}:{" "}
            </Text>
          );
        } else {
          const mine = m.author.id === props.meId;
          who = (
            <Text {...fg(theme.rep)} bold>
              {mine ? "You" : initials(m.author.name)}
              {m.author.role === "supervisor" ? " (sup)" : ""}:{" "}
            </Text>
          );
        }
        const note = (m as Entry).note === true;
        const color = note
          ? theme.warn
          : m.author.role === "customer"
            ? theme.customer
            : m.author.role === "system"
              ? theme.system
              : theme.rep;
        return (
          <Box key={m.id} flexDirection="column">
            {separator}
            <Text wrap="wrap">
              <Text {...fg(theme.muted)}>{hhmm(m.at)} </Text>
              {who}
              <Text {...fg(color)} italic={m.author.role === "system" || note}>
                {text}
              </Text>
              {props.showSentiment && sentimentTag(m) ? (
                <Text
                  {...fg(m.sentiment !== undefined && m.sentiment < 0 ? theme.warn : theme.muted)}
                  bold={m.sentiment !== undefined && m.sentiment <= -2}
                >
                  {sentimentTag(m)}
                </Text>
              ) : null}
            </Text>
          </Box>
        );
      })}
      {hiddenBelow > 0 ? (
        <Text {...fg(theme.accent)} bold>
          {hiddenBelow} new ↓ (Ctrl+L for the newest)
        </Text>
      ) : null}
    </Box>
  );
}
