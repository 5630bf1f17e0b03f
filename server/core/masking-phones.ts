// Phone numbers in free text, for masking (SPEC L6). International forms ("+46 70 123 45 67", "+46701234567") count
// for every country; national forms ("070-123 45 67") count for the regions the org names (`masking.regions`,
// default the US), because a national form of one country is an ordinary number in another.
//
// A candidate the phone number finder reports is a phone number when:
//   - it starts with "+": it has a possible length for its country code (so "+ 1 (123) 456 7890" counts);
//   - otherwise it is a valid number of a configured region, written with the digits of that region's national
//     form (its national prefix included: "070-123 45 67", not "70-123 45 67"), or behind an international
//     dialling prefix ("0046 70 123 45 67"); a number written exactly in the grouping of its national form
//     ("555 123 4567") counts when merely possible;
//   - it has at least as many digits as the region's numbers, and 5 unless its mobile numbers have fewer;
//   - and it is not a reference: nothing right after "#", nothing glued to a word ("INV-2026-000123") or to a
//     larger number ("$1,299.99"), no date, decimal number or amount ("24.12.2025", "59.3293", "12 995 kr"),
//     nothing right after a word that names a reference ("order number 5012345678", "Rechnung Nr. 2026-00815").
import { Metadata, findPhoneNumbersInText, isSupportedCountry } from "libphonenumber-js/max";
import type { CountryCode, NumberFound } from "libphonenumber-js/max";

export interface Span {
  start: number;
  end: number;
}

/** Regions whose national forms count when the org file names none (SPEC L6 examples are US numbers). */
export const DEFAULT_MASKING_REGIONS: readonly string[] = ["US"];

/** Whether `code` is an ISO 3166 region with a phone numbering plan of its own ("SE", "DE", "US"). */
export function isMaskingRegion(code: string): boolean {
  return isSupportedCountry(code);
}

export interface PhonePlan {
  regions: readonly CountryCode[];
  /**
   * Per region, the fewest digits of a national number that counts: the region's shortest numbers (10 in the US),
   * and at least 5 unless its mobile numbers are shorter (4 in Tokelau).
   */
  shortest: ReadonlyMap<CountryCode, number>;
  /** Text with fewer digits than any number of these regions (7 for the US) skips the search. */
  minDigits: RegExp;
}

/** The typings leave out the metadata of each number type, which the library has. */
interface TypedPlan {
  possibleLengths(): number[];
  type?(type: "MOBILE"): { possibleLengths(): number[] } | undefined;
}

const plans = new Map<string, PhonePlan>();

/** The plan of a list of regions, built once per list (the core masks every customer message). */
export function phonePlan(regions: readonly string[]): PhonePlan {
  const key = regions.join(",");
  let plan = plans.get(key);
  if (plan) return plan;
  const codes = regions.filter((code): code is CountryCode => isSupportedCountry(code));
  const metadata = new Metadata();
  const shortest = new Map<CountryCode, number>();
  // "+" forms: 7 digits at least ("+690 7290", Tokelau). National forms: at least the region's shortest numbers,
  // and never fewer than 5 digits unless its mobile numbers are that short (Tokelau's 4), so that years, PINs and
  // ports stay numbers where only short service numbers have 4 digits (Germany, Luxembourg).
  let min = 7;
  for (const code of codes) {
    metadata.selectNumberingPlan(code);
    const numbering = metadata.numberingPlan as TypedPlan | undefined;
    const all = numbering?.possibleLengths() ?? [7];
    const mobile = numbering?.type?.("MOBILE")?.possibleLengths() ?? all;
    const least = Math.max(Math.min(...all), Math.min(5, ...mobile));
    shortest.set(code, least);
    min = Math.min(min, least);
  }
  plan = { regions: codes, shortest, minDigits: new RegExp(`(?:\\d\\D*){${min - 1}}\\d`) };
  plans.set(key, plan);
  return plan;
}

// A word that names a reference, then perhaps "number", "no.", "#", ":" or "is", right before the number.
// English, Swedish, German, French, Spanish and Dutch, as customers write to a contact center.
const REFERENCE_WORDS = [
  "order",
  "orders",
  "ordernummer",
  "ordernr",
  "invoice",
  "inv",
  "ref",
  "reference",
  "referens",
  "referenz",
  "référence",
  "referencia",
  "ticket",
  "case",
  "tracking",
  "shipment",
  "parcel",
  "package",
  "consignment",
  "waybill",
  "awb",
  "booking",
  "reservation",
  "confirmation",
  "receipt",
  "transaction",
  "po",
  "customer",
  "membership",
  "policy",
  "claim",
  "contract",
  "serial",
  "sku",
  "timestamp",
  "code",
  "pin",
  "version",
  "build",
  "release",
  "product",
  "application",
  "reg",
  "registration",
  "org",
  "orgnr",
  "vat",
  "giro",
  "meter reading",
  "reklamation",
  "fedex",
  "dhl",
  "ups",
  "usps",
  "gls",
  "dpd",
  "postnord",
  "postnl",
  "delivery note",
  "consignment note",
  "credit note",
  "packing slip",
  "ean",
  "article",
  "part",
  "item",
  "model",
  "meter",
  "ocr",
  "bankgiro",
  "plusgiro",
  "faktura",
  "fakturanummer",
  "kundnummer",
  "bokningsnummer",
  "ärendenummer",
  "bestellung",
  "bestellnummer",
  "auftrag",
  "auftragsnummer",
  "rechnung",
  "rechnungsnummer",
  "kundennummer",
  "sendungsnummer",
  "buchungsnummer",
  "commande",
  "facture",
  "dossier",
  "pedido",
  "factura",
  "bestelling",
  "bestelnummer",
  "factuur",
  "klantnummer",
];
const REFERENCE_BEFORE = new RegExp(
  `(?<![\\p{L}\\p{N}])(?:${REFERENCE_WORDS.join("|")})\\.?` +
    `(?:\\s*(?:number|num|nummer|numéro|número|no|nr|n°|nº|id|code|ref)\\.?)?\\s*(?:[#:=]|is|ist|är|est|es)?\\s*$`,
  "iu",
);
// Glued to a word ("INV-2026-000123", "Q-2026-1042") or to the rest of a larger number ("$1,299.99").
const GLUED_BEFORE = /(?:\p{L}[-_/]?|\p{N}[-_/.,':]?)$/u;
const GLUED_AFTER = /^(?:[-_/]?\p{L}|[-_/.,':]?\p{N})/u;
const STARS_BEFORE = /\*{3}$/;
// Amounts and quantities: a currency before, a currency or a unit after ("€89.90", "25 000 SEK", "1048576 bytes").
const MONEY_BEFORE = /[$€£¥₹]\s?$|(?<![\p{L}])(?:usd|eur|sek|nok|dkk|gbp|chf|kr)\.?\s?$/iu;
const UNIT_AFTER =
  /^\s?(?:%|[$€£¥₹]|(?:kr|sek|nok|dkk|eur|usd|gbp|chf|öre|km|kg|kwh|mb|gb|bytes?|pcs|units?|ml|cm|mm|st|stk)(?![\p{L}\p{N}]))/iu;
// Dates, times and years: "24.12.2025", "2026-03-12", "03/15/2026", "2025-2026", "2025/26".
const DATE =
  /^(?:(?:0?[1-9]|[12]\d|3[01])([./-])(?:0?[1-9]|1[0-2])\1(?:19|20)?\d\d|(?:0?[1-9]|1[0-2])\/(?:0?[1-9]|[12]\d|3[01])\/(?:19|20)?\d\d|(?:19|20)\d\d([./-])(?:0?[1-9]|1[0-2])\2(?:0?[1-9]|[12]\d|3[01])|(?:19|20)\d\d\s?[-–/]\s?(?:19|20)?\d\d)$/;
// One "." or "," between digits is a decimal number (a price, a coordinate), never a phone number.
const DECIMAL = /^\d+[.,]\d+$/;

function isReference(text: string, span: Span): boolean {
  const before = text.slice(Math.max(0, span.start - 40), span.start);
  if (before.endsWith("#") || STARS_BEFORE.test(before)) return true;
  if (text[span.start] === "+") return false; // "tel:+14155552671" is a phone number
  const written = text.slice(span.start, span.end);
  const after = text.slice(span.end, span.end + 8);
  return (
    DATE.test(written) ||
    DECIMAL.test(written) ||
    GLUED_BEFORE.test(before) ||
    GLUED_AFTER.test(after) ||
    MONEY_BEFORE.test(before) ||
    UNIT_AFTER.test(after) ||
    REFERENCE_BEFORE.test(before)
  );
}

const groups = (s: string) => s.split(/\D+/).filter(Boolean).join(" ");

function isPhone(span: string, found: NumberFound, shortest: number): boolean {
  const phone = found.number;
  if (span.startsWith("+")) return phone.isPossible();
  if (phone.nationalNumber.length < shortest) return false;
  const digits = span.replace(/\D/g, "");
  const formatted = phone.formatNational();
  const national = formatted.replace(/\D/g, "");
  const international = `${phone.countryCallingCode}${phone.nationalNumber}`;
  // The national form, with a national prefix the region's format leaves out ("1 415 555 2671"), or an
  // international dialling prefix and the country code ("0046 70 123 45 67", "011 44 20 7946 0018").
  const written =
    digits === national ||
    (digits.endsWith(national) && digits.length - national.length <= 2) ||
    (digits.startsWith("0") && digits.endsWith(international) && digits.length - international.length <= 4);
  if (!written) return false;
  if (phone.isValid()) return true;
  // Possible only: written in groups, exactly those of the number's national format ("555 123 4567").
  const grouped = groups(span);
  return (
    grouped.includes(" ") && formatted !== phone.nationalNumber && grouped === groups(formatted) && phone.isPossible()
  );
}

/** Phone numbers among `segment` (a run of text no phone number spans), as offsets into `text`. */
export function phonesIn(text: string, segment: string, at: number, plan: PhonePlan): Span[] {
  const out: Span[] = [];
  const searches: readonly (CountryCode | undefined)[] = plan.regions.length > 0 ? plan.regions : [undefined];
  const digits = segment.replace(/\D/g, "").length;
  for (const [i, region] of searches.entries()) {
    const least = region === undefined ? 7 : (plan.shortest.get(region) ?? 7);
    // Too few digits for this region's national numbers; the first search also finds "+" forms (7 digits or more).
    if (digits < (i === 0 ? Math.min(7, least) : least)) continue;
    const options = region === undefined ? { extended: true } : { defaultCountry: region, extended: true };
    for (const found of findPhoneNumbersInText(segment, options)) {
      const span = { start: at + found.startsAt, end: at + found.endsAt };
      if (out.some((s) => s.start === span.start && s.end === span.end)) continue;
      if (isReference(text, span) || !isPhone(text.slice(span.start, span.end), found, least)) continue;
      out.push(span);
    }
  }
  return out;
}
