// Recall and false positives of masking (SPEC L6) over the corpora of bench/masking-corpus.ts and
// bench/masking-chat-lines.ts. Pure: the masking benchmark reports these figures, and
// test/core/masking-corpus.test.ts asserts them (100 % recall, no ordinary line changed).
import { maskText } from "../server/core/masking.js";
import { CHAT_LINES } from "./masking-chat-lines.js";
import { TEST_CARDS, cardForms, ibanForms, ibans, nationalIds, phoneExamples } from "./masking-corpus.js";

/** Each number is measured alone and inside these lines, as customers write them. */
export const FRAMES: readonly string[] = [
  "{}",
  "You can reach me on {} after 5pm.",
  "my number is {}, thanks",
  "Ring mig på {} i kväll",
  "Meine Nummer: {}.",
  "(card/account: {})",
];

/**
 * Whether `form` came out masked inside `frame`: the frame unchanged around it, and in its place only stars and
 * the form's last characters, at most 4 and no more than the stars before them.
 */
export function maskedIn(form: string, frame: string, regions: readonly string[]): boolean {
  const [before = "", after = ""] = frame.split("{}");
  const out = maskText(before + form + after, regions);
  if (!out.startsWith(before) || !out.endsWith(after)) return false;
  const masked = out.slice(before.length, out.length - after.length);
  const tail = masked.replace(/^\*+/, "");
  const stars = masked.length - tail.length;
  return /^[A-Za-z0-9]{1,4}$/.test(tail) && tail.length <= stars && form.replace(/[^A-Za-z0-9]/g, "").endsWith(tail);
}

export interface Recall {
  what: string;
  total: number;
  masked: number;
  /** The forms not masked, with the frame and regions they were tried in. */
  misses: string[];
}

function recall(what: string, cases: { form: string; regions: readonly string[] }[]): Recall {
  const result: Recall = { what, total: 0, masked: 0, misses: [] };
  for (const { form, regions } of cases) {
    for (const frame of FRAMES) {
      result.total++;
      if (maskedIn(form, frame, regions)) result.masked++;
      else result.misses.push(`${JSON.stringify(frame.replace("{}", form))} with regions [${regions.join(", ")}]`);
    }
  }
  return result;
}

/**
 * Recall over libphonenumber's example mobile number of every region: international and E.164 forms with the
 * default regions (the US) and with the number's own region; national forms (as formatted, and without separators)
 * with the number's own region configured, one region at a time.
 */
export function phoneRecall(): { international: Recall; national: Recall; regions: number } {
  const examples = phoneExamples();
  const international = examples.flatMap((p) =>
    [p.international, p.e164].flatMap((form) => [
      { form, regions: ["US"] },
      { form, regions: [p.region] },
    ]),
  );
  const national = examples.flatMap((p) =>
    [p.national, p.nationalCompact].map((form) => ({ form, regions: [p.region] })),
  );
  return {
    international: recall("phone numbers, international and E.164 forms", international),
    national: recall("phone numbers, national forms, their region configured", national),
    regions: examples.length,
  };
}

/** Recall over the published test card numbers, compact and grouped with spaces or dashes. */
export function cardRecall(): Recall {
  return recall(
    "test card numbers",
    TEST_CARDS.flatMap((c) => cardForms(c.number).map((form) => ({ form, regions: ["US"] }))),
  );
}

/** Recall over valid IBANs of every IBAN country (3 each), compact and in groups of four. */
export function ibanRecall(): Recall & { countries: number } {
  const all = ibans();
  const result = recall(
    "IBANs",
    all.flatMap((i) => ibanForms(i.iban).map((form) => ({ form, regions: ["US"] }))),
  );
  return { ...result, countries: new Set(all.map((i) => i.country)).size };
}

/** Recall over valid national id numbers of the regions masking knows ids of, with their region configured. */
export function idRecall(): Recall & { regions: string[] } {
  const all = nationalIds();
  const result = recall(
    "national id numbers, their region configured",
    all.flatMap((id) => id.forms.map((form) => ({ form, regions: [id.region] }))),
  );
  return { ...result, regions: [...new Set(all.map((id) => id.region))] };
}

/** The ordinary chat lines that masking changes with these regions configured (goal: none). */
export function falsePositives(regions: readonly string[]): { line: string; masked: string }[] {
  const changed: { line: string; masked: string }[] = [];
  for (const line of CHAT_LINES) {
    const masked = maskText(line, regions);
    if (masked !== line) changed.push({ line, masked });
  }
  return changed;
}

/**
 * The region lists whose false positives are asserted to be zero: the default, the countries of the languages the
 * corpus is written in and some large markets, each alone, and the example org's list.
 */
export const CHECKED_REGIONS: readonly (readonly string[])[] = [
  ["US"],
  ["GB"],
  ["SE"],
  ["DE"],
  ["FR"],
  ["ES"],
  ["NL"],
  ["IT"],
  ["NO"],
  ["FI"],
  ["PL"],
  ["AT"],
  ["CH"],
  ["BE"],
  ["IE"],
  ["CA"],
  ["AU"],
  ["IN"],
  ["BR"],
  ["MX"],
  ["JP"],
  ["US", "GB", "SE", "DE"],
];
