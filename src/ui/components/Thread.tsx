import { memo } from "react";
import { Box, Text } from "ink";
import type { MessageView, NoteView } from "../../protocol/views.js";
import { bodyLines, cellWidth, clock, initials } from "../text/index.js";
import type { Theme } from "../theme/theme.js";
import { fg, SENTIMENT_LABEL, sentimentSeverity, severity } from "../theme/theme.js";

function dayKey(at: number): string {
  return new Date(at).toDateString();
}

/** A customer message's sentiment on the 7-step scale, as the monitor shows it after the text (SV3); neutral goes untagged. */
export function sentimentTag(message: MessageView): string {
  if (message.author.role !== "customer" || message.sentiment === undefined || message.sentiment === 0) return "";
  const label = SENTIMENT_LABEL[message.sentiment];
  return ` [${label.glyph} ${label.word}]`;
}

interface Laid {
  time: string;
  who: string;
  /** The body wrapped to the room after the gutter; every line after the first is indented under it. */
  lines: string[];
  /** The sentiment tag: on the last line when it fits there, otherwise on a line of its own. */
  tag: string;
  tagOwnLine: boolean;
  indent: number;
}

/**
 * A line of the thread: a message, a staff-only line shown in a style of its own and never to the customer (a note,
 * a consultant's line to the rep, a supervisor's whisper to the rep), or a line the console itself writes (shown as
 * the system's).
 */
type Entry = MessageView & { note?: "note" | "consult" | "whisper" };

/** How each staff-only line is named in the gutter: a glyph and a word, so NO_COLOR loses nothing. */
const STAFF_LINE = { note: "✎ note", consult: "↳ consult", whisper: "» whisper" } as const;

/** What the console says in a thread, at a time: the customer is back (P12). */
export interface ThreadLine {
  id: string;
  at: number;
  text: string;
}

const merged = new WeakMap<
  MessageView[],
  { notes: NoteView[] | undefined; lines: ThreadLine[] | undefined; entries: Entry[] }
>();

/** Messages, notes and the console's lines in time order (the others after the messages of their millisecond); cached per lists. */
export function threadEntries(messages: MessageView[], notes: NoteView[] | undefined, lines?: ThreadLine[]): Entry[] {
  if ((!notes || notes.length === 0) && (!lines || lines.length === 0)) return messages;
  const cached = merged.get(messages);
  if (cached && cached.notes === notes && cached.lines === lines) return cached.entries;
  const extras = [...(notes ?? []).map(noteEntry), ...(lines ?? []).map(lineEntry)].sort((a, b) => a.at - b.at);
  const entries: Entry[] = [];
  let n = 0;
  for (const m of messages) {
    while (n < extras.length && extras[n]!.at < m.at) entries.push(extras[n++]!);
    entries.push(m);
  }
  while (n < extras.length) entries.push(extras[n++]!);
  merged.set(messages, { notes, lines, entries });
  return entries;
}

function noteEntry(note: NoteView): Entry {
  return { id: `note:${note.id}`, at: note.at, author: note.author, text: note.text, note: note.kind ?? "note" };
}

function lineEntry(line: ThreadLine): Entry {
  return { id: line.id, at: line.at, author: { role: "system" }, text: line.text };
}

/** Who wrote a message, as the gutter names them: "You", initials, "(sup)" for a supervisor, "*" for the system. */
function author(m: Entry, meId: string | undefined, customerName: string): string {
  if (m.author.role === "system") return "* ";
  if (m.note && m.author.role !== "customer")
    return `${STAFF_LINE[m.note]} ${m.author.id === meId ? "You" : initials(m.author.name)}: `;
  if (m.author.role === "customer") return `${initials(customerName)}: `;
  return `${m.author.id === meId ? "You" : initials(m.author.name)}${m.author.role === "supervisor" ? " (sup)" : ""}: `;
}

// Messages never change once received: their layout is kept per message and reused while the width, the
// viewer, the sentiment column and the clock stay the same, so a keypress does not wrap the visible thread again.
const laidOut = new WeakMap<MessageView, { key: string; laid: Laid }>();

function layout(
  m: MessageView,
  width: number,
  meId: string | undefined,
  customerName: string,
  withSentiment: boolean,
): Laid {
  const key = `${width}|${meId ?? ""}|${customerName}|${withSentiment ? 1 : 0}|${clock().locale}`;
  const cached = laidOut.get(m);
  if (cached?.key === key) return cached.laid;
  const laid = layoutMessage(m, width, meId, customerName, withSentiment);
  laidOut.set(m, { key, laid });
  return laid;
}

/** A message laid out in cells: gutter (time and author), then its text wrapped and indented under itself. */
function layoutMessage(
  m: MessageView,
  width: number,
  meId: string | undefined,
  customerName: string,
  withSentiment: boolean,
): Laid {
  const time = `${clock().time(m.at)} `;
  const who = author(m, meId, customerName);
  const indent = cellWidth(time + who);
  const room = Math.max(10, width - indent);
  const lines = bodyLines(m.text, room);
  const tag = withSentiment ? sentimentTag(m) : "";
  const tagOwnLine = tag !== "" && cellWidth(lines.at(-1) ?? "") + cellWidth(tag) > room;
  return { time, who, lines, tag, tagOwnLine, indent };
}

function height(laid: Laid): number {
  return laid.lines.length + (laid.tagOwnLine ? 1 : 0);
}

/**
 * Render only what fits: walk back from the newest message (minus `scroll` messages) until the height is
 * filled, so a keypress costs the same with 10 or 10,000 messages.
 */
export function visibleMessages(
  messages: MessageView[],
  rows: number,
  width: number,
  scroll: number,
  withSentiment = false,
  meId?: string,
  customerName = "",
): { shown: MessageView[]; hiddenBelow: number; rows: number } {
  const end = Math.max(0, messages.length - scroll);
  const shown: MessageView[] = [];
  let used = 0;
  for (let i = end - 1; i >= 0; i--) {
    const m = messages[i]!;
    const lines =
      height(layout(m, width, meId, customerName, withSentiment)) +
      (i > 0 && dayKey(messages[i - 1]!.at) !== dayKey(m.at) ? 1 : 0);
    if (used + lines > rows && shown.length > 0) break;
    shown.unshift(m);
    used += lines;
  }
  return { shown, hiddenBelow: messages.length - end, rows: used };
}

/**
 * L3: every message in the normal foreground with its time dim and its speaker's name coloured (the customer,
 * reps, the system in italics). SV3: the monitor adds each customer message's sentiment. A thread shorter than
 * its room starts right under the details (unless `bottom`); a longer one ends on the row above the composer.
 */
export const Thread = memo(function Thread(props: {
  messages: MessageView[];
  /** Staff notes, between the messages by time. */
  notes?: NoteView[];
  /** The console's own lines, between the messages by time. */
  lines?: ThreadLine[];
  height: number;
  /** Width in cells. */
  width: number;
  scroll: number;
  meId: string | undefined;
  customerName: string;
  theme: Theme;
  showSentiment?: boolean;
  /** Keep even a short thread at the bottom (an overlay covers the top of the pane). */
  bottom?: boolean;
  /** Said dimly above the oldest message held while earlier ones exist and are not loaded. */
  earlier?: string | null;
}) {
  const { theme } = props;
  const withSentiment = props.showSentiment ?? false;
  const entries = threadEntries(props.messages, props.notes, props.lines);
  const fit = (rows: number) =>
    visibleMessages(entries, rows, props.width, props.scroll, withSentiment, props.meId, props.customerName);
  const room = props.height - (props.scroll > 0 ? 1 : 0);
  let { shown, hiddenBelow } = fit(room);
  // The line about earlier messages takes a row only when the oldest message held is on screen.
  const earlier = props.earlier && (entries.length === 0 || shown[0] === entries[0]) ? props.earlier : null;
  if (earlier && entries.length > 0) ({ shown, hiddenBelow } = fit(Math.max(1, room - 1)));
  return (
    <Box
      flexDirection="column"
      height={props.height}
      justifyContent={shown[0] === props.messages[0] && !props.bottom ? "flex-start" : "flex-end"}
      overflowY="hidden"
    >
      {earlier ? (
        <Text {...fg(theme.muted)} dimColor wrap="truncate-end">
          {earlier}
        </Text>
      ) : null}
      {shown.map((m, i) => {
        const previous = i > 0 ? shown[i - 1] : undefined;
        const separator =
          previous && dayKey(previous.at) !== dayKey(m.at) ? (
            <Text {...fg(theme.muted)}>── {clock().day(m.at)} ──</Text>
          ) : null;
        const laid = layout(m, props.width, props.meId, props.customerName, withSentiment);
        const role = m.author.role;
        const kind = (m as Entry).note;
        const note = kind !== undefined;
        const noteColor = kind === "consult" ? theme.accent : kind === "whisper" ? theme.system : theme.warn;
        const color = note
          ? noteColor
          : role === "customer"
            ? theme.customer
            : role === "system"
              ? theme.system
              : undefined;
        const whoColor = note
          ? noteColor
          : role === "customer"
            ? theme.customerName
            : role === "system"
              ? theme.system
              : theme.rep;
        const tag = laid.tag ? <Text {...severity(theme, sentimentSeverity(m.sentiment ?? 0))}>{laid.tag}</Text> : null;
        const pad = " ".repeat(laid.indent);
        return (
          <Box key={m.id} flexDirection="column">
            {separator}
            {laid.lines.map((line, n) => (
              <Text key={n} wrap="truncate-end">
                {n === 0 ? (
                  <>
                    <Text {...fg(theme.muted)}>{laid.time}</Text>
                    <Text {...fg(whoColor)} bold={role !== "system"} italic={role === "system"}>
                      {laid.who}
                    </Text>
                  </>
                ) : (
                  pad
                )}
                <Text {...fg(color)} italic={role === "system" || note}>
                  {line}
                </Text>
                {n === laid.lines.length - 1 && !laid.tagOwnLine ? tag : null}
              </Text>
            ))}
            {laid.tagOwnLine ? (
              <Text wrap="truncate-end">
                {pad}
                {tag}
              </Text>
            ) : null}
          </Box>
        );
      })}
      {hiddenBelow > 0 ? (
        <Text {...fg(theme.accent)} bold>
          {hiddenBelow} more ↓ (Ctrl+L for the newest)
        </Text>
      ) : null}
    </Box>
  );
});
