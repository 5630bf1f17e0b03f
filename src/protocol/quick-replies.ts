// Quick replies and their `< >` parameters (SPEC L8 reserves the characters for them). Shared by the org file's
// validation and the console that fills them in. Pure.

export interface QuickReply {
  id: string;
  title: string;
  text: string;
  tags?: string[];
  /** Offered only in conversations of these workstreams; absent: in every one. */
  workstreams?: string[];
}

/** Parameters filled in at once from what the rep sees of the conversation; `context.KEY` too. */
export const KNOWN_PARAMETERS = [
  "customer.name",
  "customer.firstName",
  "rep.name",
  "rep.firstName",
  "queue",
  "workstream",
] as const;

/** A `<label>`: one to 60 characters, none of them `<`, `>` or a line break. */
const PARAMETER = /<([^<>\n]{1,60})>/g;

export interface Placeholder {
  label: string;
  start: number;
  end: number;
}

/** The `<label>` placeholders of a text, in order. */
export function placeholders(text: string): Placeholder[] {
  return [...text.matchAll(PARAMETER)].map((m) => ({ label: m[1]!, start: m.index, end: m.index + m[0].length }));
}

/** What is wrong with a quick reply's text, or null: a `<` or `>` outside a `<label>`, or an unknown dotted name. */
export function checkReplyText(text: string): string | null {
  const stray = text.replace(PARAMETER, "");
  if (/[<>]/.test(stray))
    return "a < or > outside a <parameter> (a parameter is <label>: 1 to 60 characters, no line break)";
  for (const { label } of placeholders(text)) {
    const name = label.trim();
    if (/^(customer|rep)\./.test(name) && !(KNOWN_PARAMETERS as readonly string[]).includes(name))
      return `unknown parameter <${name}>: known are ${KNOWN_PARAMETERS.map((k) => `<${k}>`).join(", ")} and <context.KEY>; any other label (without "customer." or "rep.") asks the rep`;
  }
  return null;
}

/** What a conversation gives the known parameters: as the rep sees it (masked when the org masks). */
export interface ParameterValues {
  customerName: string;
  repName: string;
  queue: string;
  workstream: string;
  context: Record<string, string>;
}

const firstName = (name: string) => name.trim().split(/\s+/)[0] ?? "";

function known(name: string, values: ParameterValues): string | undefined {
  switch (name) {
    case "customer.name":
      return values.customerName;
    case "customer.firstName":
      return firstName(values.customerName);
    case "rep.name":
      return values.repName;
    case "rep.firstName":
      return firstName(values.repName);
    case "queue":
      return values.queue;
    case "workstream":
      return values.workstream;
  }
  if (name.startsWith("context.")) {
    const key = name.slice(8);
    return Object.hasOwn(values.context, key) ? values.context[key] : undefined;
  }
  return undefined;
}

/**
 * The text with its known parameters filled in; the others stay as `<label>` for the rep to fill. A value is one
 * line without `<` or `>` (it could not be sent otherwise); an empty one leaves its placeholder.
 */
export function fillKnown(text: string, values: ParameterValues): string {
  return text.replace(PARAMETER, (whole, label: string) => {
    const value = known(label.trim(), values)
      ?.replace(/[<>]/g, "")
      .replace(/\s*\n\s*/g, " ")
      .trim();
    return value ? value : whole;
  });
}

/** The replies offered in a workstream, filtered by words over title, tags and text (every word must match). */
export function matchReplies(replies: readonly QuickReply[], workstreamId: string, filter: string): QuickReply[] {
  const words = filter.toLowerCase().split(/\s+/).filter(Boolean);
  return replies.filter((r) => {
    if (r.workstreams && r.workstreams.length > 0 && !r.workstreams.includes(workstreamId)) return false;
    const haystack = `${r.title} ${(r.tags ?? []).join(" ")} ${r.text}`.toLowerCase();
    return words.every((w) => haystack.includes(w));
  });
}
