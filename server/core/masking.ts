// Masking of payment and personal data in text shown to reps (SPEC L6).
// Runs on every message a rep receives, so: precompiled regexes, and text with no digit
// and no "@" (most chat lines) returns at once.
//
// The masking rule, one for every kind of number (it gives exactly the SPEC L6 examples):
//   - the last 4 kept characters stay as they are: digits for cards, phones and SSNs,
//     letters or digits for IBANs and UK NI numbers (whose tails mix both); a number of fewer than
//     8 digits keeps only as many as it hides (the 4-digit numbers of Tokelau keep 2);
//   - every other letter, digit, "+", "(" and ")" of the span becomes one "*";
//   - separators (spaces, "-", ".", "/") are dropped, so the length of the groups leaks nothing.
//   "+ 1 (123) 456 7890" → "**********7890"   (+ 1 ( 1 2 3 ) 4 5 6 → 10 stars)
//   "+447966197542"      → "*********7542"
//   "123-45-6789"        → "*****6789"
// E-mail: the first character of the local part stays, each other local character becomes
// "*", the domain stays: "melissa@gmail.com" → "m******@gmail.com".
// Masked output contains no run of digits long enough to match again, and digits right after
// 3+ stars are the kept tail of a masked number, never the start of a new one (1–2 stars are
// chat formatting such as *bold*), so masking is idempotent.
import { idPatterns } from "./masking-ids.js";
import type { IdPattern } from "./masking-ids.js";
import { DEFAULT_MASKING_REGIONS, phonePlan, phonesIn } from "./masking-phones.js";
import type { PhonePlan, Span } from "./masking-phones.js";

export { DEFAULT_MASKING_REGIONS, isMaskingRegion } from "./masking-phones.js";

interface Hit {
  start: number;
  end: number;
  masked: string;
}

const DIGIT = /\d/;
const ALNUM = /[A-Za-z0-9]/;
const STARRED = /[A-Za-z0-9+()]/;

function maskSpan(span: string, kept: RegExp): string {
  let out = "";
  let count = 0;
  for (const c of span) if (kept.test(c)) count++;
  let keep = Math.min(4, Math.floor(count / 2));
  for (let i = span.length - 1; i >= 0; i--) {
    const c = span[i] ?? "";
    if (keep > 0 && kept.test(c)) {
      out = c + out;
      keep--;
    } else if (STARRED.test(c)) {
      out = `*${out}`;
    }
  }
  return out;
}

// Candidate lengths of a separated number: the whole, then cut at each separator, longest
// first, so "4111 1111 1111 1111 123" still finds the card in front of the extra digits.
function validPrefix(candidate: string, isValid: (compact: string) => boolean): string | undefined {
  let end = candidate.length;
  while (end > 0) {
    const piece = candidate.slice(0, end);
    if (isValid(piece.replace(/[ -]/g, ""))) return piece;
    end = Math.max(piece.lastIndexOf(" "), piece.lastIndexOf("-")); // -1 when no separator left
  }
  return undefined;
}

// Cards: Luhn-valid, first digit 2–6 (Mastercard, Amex, Diners, JCB, Visa, Discover, UnionPay),
// written compact (13–19 digits), in groups of 4 (last group 1–4) or 4-6-4/5 (Amex, Diners),
// with one kind of separator. Looser shapes glue neighbouring numbers into false cards.
// Never starts right after "-" (inside a dashed number) or after the kept tail of a masked one.
const CARD =
  /(?<![\d-])(?<!\*{3})(?=[2-6])(?:\d{13,19}|\d{4}([ -])\d{4}(?:\1\d{4}){1,2}(?:\1\d{1,4})?|\d{4}([ -])\d{6}\2\d{4,5})(?!\d)/g;

/** The Luhn check of card numbers (13–19 digits). */
export function luhn(digits: string): boolean {
  if (digits.length < 13 || digits.length > 19) return false;
  let sum = 0;
  for (let i = 0; i < digits.length; i++) {
    let d = digits.charCodeAt(digits.length - 1 - i) - 48;
    if (i % 2 === 1) d = d * 2 > 9 ? d * 2 - 9 : d * 2;
    sum += d;
  }
  return sum % 10 === 0;
}

// IBAN: country code, 2 check digits, up to 30 letters/digits, optionally in groups of 4;
// upper case only (lower-case words would match far too often), mod-97 checked.
const IBAN = /(?<![A-Za-z0-9])[A-Z]{2}\d{2}(?: ?[A-Z0-9]{4}){2,7}(?: ?[A-Z0-9]{1,4})?(?![A-Za-z0-9])/g;

function iban(compact: string): boolean {
  if (compact.length < 15 || compact.length > 34) return false;
  const rotated = compact.slice(4) + compact.slice(0, 4);
  let rest = 0;
  for (const c of rotated) {
    const v = c <= "9" ? c : String(c.charCodeAt(0) - 55); // A=10 … Z=35
    for (const d of v) rest = (rest * 10 + d.charCodeAt(0) - 48) % 97;
  }
  return rest === 1;
}

// US SSN (never area 000/666, group 00 or serial 0000) and UK National Insurance number.
const SSN = /(?<![\d-])(?<!\*{3})(?!000|666)\d{3}-(?!00)\d{2}-(?!0000)\d{4}(?![\d-])/g;
const UK_NI = /(?<![A-Za-z0-9])[A-Z]{2} ?\d{2} ?\d{2} ?\d{2} ?[A-D](?![A-Za-z0-9])/g;

// E-mail: the local part may hold "*" so that a masked address matches again, unchanged
// (anything glued to it then resolves the same way on every pass); the top-level domain is letters.
const EMAIL = /(?<![\w.%+*-])([\w.%+*-]+)@((?:[A-Za-z0-9-]+\.)+[A-Za-z]{2,})/g;
const EMAIL_ONLY = new RegExp(`^${EMAIL.source}$`);

const ANY_DIGIT_OR_AT = /[\d@]/;
const SEGMENT = /[^\p{L},;#\n]+/gu;
const PHONE_NAME = /^\+?[\d\s().-]+$/;
const SPACED_DASH = /\s[-–]\s/;
const BETWEEN_SPACED_DASHES = /(?:[^-–]|[-–](?!\s)|(?<!\s)[-–])+/g;

function maskEmail(local: string, domain: string): string {
  return `${local.slice(0, 1)}${"*".repeat(local.length - 1)}@${domain}`;
}

// Finds separated numbers that pass a check. A failed candidate does not swallow its digits:
// the scan resumes one character on (the regex's look-behind only lets it start a new group),
// so "+447966197542 4111 1111 1111 1111" still finds the card after the phone number.
function scan(re: RegExp, text: string, isValid: (compact: string) => boolean, hits: Hit[], kept: RegExp): void {
  re.lastIndex = 0;
  for (let m = re.exec(text); m; m = re.exec(text)) {
    const piece = validPrefix(m[0], isValid);
    if (piece === undefined) {
      re.lastIndex = m.index + 1;
    } else {
      hits.push({ start: m.index, end: m.index + piece.length, masked: maskSpan(piece, kept) });
      re.lastIndex = m.index + piece.length;
    }
  }
}

/**
 * Rounds of the phone number finder: each may uncover one more number of a run (see phoneHits). Rounds stop once one
 * finds nothing, so a line without a number is searched once; three were too few for
 * "+ 1 (123) 456 7890 (415) 555-2671 4155552671 (415) 555-2671", whose first number showed only to a second masking.
 */
const PHONE_ROUNDS = 8;

// The phone number finder sees earlier hits starred out, as in already-masked text, and looks again after each
// round of finds: it rejects a whole candidate such as "+ 1 (123) 456 7890 4155552671" and keeps only the inner
// valid number, which would let the next round find more.
function phoneHits(text: string, others: readonly Hit[], plan: PhonePlan): Hit[] {
  const found: Hit[] = [];
  for (let round = 0; round < PHONE_ROUNDS; round++) {
    let blanked = text;
    for (const h of [...others, ...found])
      blanked = blanked.slice(0, h.start) + "*".repeat(h.end - h.start) + blanked.slice(h.end);
    const before = found.length;
    // It also gives up on "12, 4155552671" or "12345 x 4155552671" (x: extension), so each run between letters,
    // ",", ";", "#" and newlines (no phone number spans one) is searched on its own; an extension after "ext"/"x"
    // then stays outside the masked number.
    for (const segment of blanked.matchAll(SEGMENT)) {
      if (!plan.minDigits.test(segment[0])) continue;
      for (const span of phonesIn(text, segment[0], segment.index, plan)) addPhone(found, text, span);
      // It also gives up on a whole run such as "12 - (415) 555-2671 - 12" (one candidate, no valid number inside
      // by its rules) where it finds the number once a digit before it is starred out: a dash with spaces around
      // it separates items, so each piece between such dashes is searched on its own too.
      if (!SPACED_DASH.test(segment[0])) continue;
      for (const piece of segment[0].matchAll(BETWEEN_SPACED_DASHES)) {
        if (!plan.minDigits.test(piece[0])) continue;
        for (const span of phonesIn(text, piece[0], segment.index + piece.index, plan)) addPhone(found, text, span);
      }
    }
    if (found.length === before) break;
  }
  return found;
}

/** A phone number the finder found, unless an earlier find overlaps it. */
function addPhone(found: Hit[], text: string, span: Span): void {
  if (found.some((h) => h.start < span.end && span.start < h.end)) return;
  found.push({ ...span, masked: maskSpan(text.slice(span.start, span.end), DIGIT) });
}

interface Plan {
  phones: PhonePlan;
  ids: readonly IdPattern[];
}

const plans = new Map<string, Plan>();

/** What to look for with these regions, built once per list of regions. */
function planOf(regions: readonly string[]): Plan {
  const key = regions.join(",");
  let plan = plans.get(key);
  if (!plan) plans.set(key, (plan = { phones: phonePlan(regions), ids: idPatterns(regions) }));
  return plan;
}

function collect(text: string, { phones, ids }: Plan): Hit[] {
  const hits: Hit[] = [];
  scan(CARD, text, luhn, hits, DIGIT);
  scan(IBAN, text, iban, hits, ALNUM);
  scan(SSN, text, () => true, hits, DIGIT);
  scan(UK_NI, text, () => true, hits, ALNUM);
  for (const id of ids) scan(id.re, text, id.valid, hits, id.alnumTail ? ALNUM : DIGIT);
  if (text.includes("@")) {
    for (const m of text.matchAll(EMAIL)) {
      hits.push({ start: m.index, end: m.index + m[0].length, masked: maskEmail(m[1] ?? "", m[2] ?? "") });
    }
  }
  if (phones.minDigits.test(text)) hits.push(...phoneHits(text, hits, phones));
  return hits;
}

/**
 * Masks card numbers, IBANs, SSNs, UK NI numbers, e-mail addresses and phone numbers inside free text (SPEC L6):
 * phone numbers in international form for every country, in national form for `regions` (ISO 3166 codes), and
 * the national id numbers of those regions that server/core/masking-ids.ts knows.
 */
export function maskText(text: string, regions: readonly string[] = DEFAULT_MASKING_REGIONS): string {
  if (!ANY_DIGIT_OR_AT.test(text)) return text;
  const hits = collect(text, planOf(regions));
  if (hits.length === 0) return text;
  // Overlaps (a phone finder hit inside a card, digits inside an e-mail): earliest, then longest, wins.
  hits.sort((a, b) => a.start - b.start || b.end - a.end);
  let out = "";
  let at = 0;
  for (const hit of hits) {
    if (hit.start < at) continue;
    out += text.slice(at, hit.start) + hit.masked;
    at = hit.end;
  }
  return out + text.slice(at);
}

/**
 * Masks a customer name that is really a phone number or an e-mail address (SMS and
 * messaging channels often only know the number). Any other name passes through maskText,
 * which leaves ordinary names unchanged.
 */
export function maskName(name: string, regions: readonly string[] = DEFAULT_MASKING_REGIONS): string {
  const trimmed = name.trim();
  if (PHONE_NAME.test(trimmed) && phonePlan(regions).minDigits.test(trimmed)) return maskSpan(trimmed, DIGIT);
  const email = EMAIL_ONLY.exec(trimmed);
  if (email) return maskEmail(email[1] ?? "", email[2] ?? "");
  return maskText(name, regions);
}
