// What the widget writes for people: times, initials, the customer's own wording of system messages, and the
// transcript the customer can keep. Pure functions of their arguments (the local time zone aside).
import { customerSystemText } from "../protocol/customer-wording.js";
import type { MessageView } from "../protocol/views.js";

/** A message as the widget holds it: from the server, or written here and not yet confirmed. */
export type DisplayMessage = Pick<MessageView, "text"> &
  Partial<Pick<MessageView, "at" | "code">> & {
    author: { role: "customer" | "system" } | { role: "rep" | "supervisor"; name: string };
  };

function pad(n: number): string {
  return String(n).padStart(2, "0");
}

/** "15:04": 24-hour local time, the way the rep's console shows it. */
export function clockTime(at: number): string {
  const d = new Date(at);
  return `${pad(d.getHours())}:${pad(d.getMinutes())}`;
}

/** "2026-12-04 15:04", local time. */
export function dateTime(at: number): string {
  const d = new Date(at);
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${clockTime(at)}`;
}

function firstGrapheme(word: string): string {
  if (typeof Intl !== "undefined" && "Segmenter" in Intl) {
    for (const { segment } of new Intl.Segmenter(undefined, { granularity: "grapheme" }).segment(word)) return segment;
    return "";
  }
  return Array.from(word)[0] ?? "";
}

/** Avatar initials: the first grapheme of the first and last words ("Alice Moreau" → "AM"), never half of one. */
export function initials(name: string): string {
  const words = name.trim().split(/\s+/).filter(Boolean);
  const picked = words.length > 1 ? [words[0]!, words[words.length - 1]!] : words;
  return picked.map((w) => firstGrapheme(w).toLocaleUpperCase()).join("");
}

/** A system message as the customer reads it: the end they asked for is theirs, not "Customer ended…". */
export function systemText(message: DisplayMessage): string {
  return customerSystemText(message);
}

/** Who wrote a message, as the customer reads it ("" for the system). */
export function authorLabel(message: DisplayMessage): string {
  const author = message.author;
  if (author.role === "customer") return "You";
  if (author.role === "rep" || author.role === "supervisor") return author.name || "Agent";
  return "";
}

/**
 * The transcript the customer can keep: a plain text file, one message per entry with its date and time, who
 * wrote it, and its lines (continuation lines indented under the first).
 */
export function transcript(org: string, messages: readonly DisplayMessage[], savedAt: number): string {
  const lines = [`Chat with ${org || "us"}`, `Transcript saved ${dateTime(savedAt)}`, ""];
  for (const m of messages) {
    const when = typeof m.at === "number" ? `[${dateTime(m.at)}] ` : "";
    const who = m.author.role === "system" ? "* " : `${authorLabel(m)}: `;
    const text = m.author.role === "system" ? systemText(m) : m.text;
    const indent = " ".repeat(when.length + who.length);
    lines.push(when + who + text.split("\n").join(`\n${indent}`));
  }
  return lines.join("\n") + "\n";
}
