// What masking must find (SPEC L6), for the masking benchmark (bench/masking.ts) and its tests
// (test/core/masking-corpus.test.ts): libphonenumber's example mobile number of every region in its international,
// E.164 and national forms, the card issuers' published test card numbers, and a valid IBAN of every IBAN country.
import { getCountries, getExampleNumber } from "libphonenumber-js";
import type { CountryCode } from "libphonenumber-js";
import examples from "libphonenumber-js/mobile/examples";

export interface PhoneForms {
  region: CountryCode;
  /** "+46 70 123 45 67" */
  international: string;
  /** "+46701234567" */
  e164: string;
  /** "070-123 45 67", as people of the region write it */
  national: string;
  /** "0701234567": the national form without separators */
  nationalCompact: string;
}

/** Every region libphonenumber has an example mobile number for (245). */
export function phoneExamples(): PhoneForms[] {
  const out: PhoneForms[] = [];
  for (const region of getCountries()) {
    const phone = getExampleNumber(region, examples);
    if (!phone) continue;
    const national = phone.formatNational();
    out.push({
      region,
      international: phone.formatInternational(),
      e164: phone.number,
      national,
      nationalCompact: national.replace(/\D/g, ""),
    });
  }
  return out;
}

/**
 * Test card numbers the card networks and payment processors publish for sandboxes (Stripe, Adyen, PayPal,
 * Braintree): Visa, Mastercard (5- and 2-series), American Express, Discover, JCB, Diners Club, UnionPay, Maestro.
 */
export const TEST_CARDS: readonly { brand: string; number: string }[] = [
  { brand: "Visa", number: "4111111111111111" },
  { brand: "Visa", number: "4242424242424242" },
  { brand: "Visa", number: "4012888888881881" },
  { brand: "Visa", number: "4000056655665556" },
  { brand: "Visa", number: "4222222222222" },
  { brand: "Visa", number: "4917610000000000" },
  { brand: "Visa", number: "4035501000000008" },
  { brand: "Mastercard", number: "5555555555554444" },
  { brand: "Mastercard", number: "5105105105105100" },
  { brand: "Mastercard", number: "5200828282828210" },
  { brand: "Mastercard", number: "5500005555555559" },
  { brand: "Mastercard", number: "2223003122003222" },
  { brand: "Mastercard", number: "2221000000000009" },
  { brand: "American Express", number: "378282246310005" },
  { brand: "American Express", number: "371449635398431" },
  { brand: "American Express", number: "378734493671000" },
  { brand: "American Express", number: "370000000000002" },
  { brand: "Discover", number: "6011111111111117" },
  { brand: "Discover", number: "6011000990139424" },
  { brand: "Discover", number: "6011000400000000" },
  { brand: "JCB", number: "3530111333300000" },
  { brand: "JCB", number: "3566002020360505" },
  { brand: "JCB", number: "3566111111111113" },
  { brand: "Diners Club", number: "30569309025904" },
  { brand: "Diners Club", number: "38520000023237" },
  { brand: "Diners Club", number: "36227206271667" },
  { brand: "Diners Club", number: "3056930009020004" },
  { brand: "UnionPay", number: "6200000000000005" },
  { brand: "UnionPay", number: "6205500000000000004" },
  { brand: "Maestro", number: "6759649826438453" },
];

/** The ways people write a card number: compact, and grouped as printed on the card with spaces or dashes. */
export function cardForms(number: string): string[] {
  const groups =
    number.length === 15
      ? [number.slice(0, 4), number.slice(4, 10), number.slice(10)] // Amex 4-6-5
      : number.length === 14
        ? [number.slice(0, 4), number.slice(4, 10), number.slice(10)] // Diners 4-6-4
        : (number.match(/.{1,4}/g) ?? []);
  return [number, groups.join(" "), groups.join("-")];
}

/**
 * The BBAN of every country in the SWIFT IBAN registry, in its notation: n digits, a upper-case letters,
 * c letters or digits; "4!a6!n8!n" is written "4a6n8n".
 */
export const IBAN_FORMATS: Readonly<Record<string, string>> = {
  AD: "4n4n12c",
  AE: "3n16n",
  AL: "8n16c",
  AT: "5n11n",
  AZ: "4a20c",
  BA: "3n3n8n2n",
  BE: "3n7n2n",
  BG: "4a4n2n8c",
  BH: "4a14c",
  BI: "5n5n11n2n",
  BR: "8n5n10n1a1c",
  BY: "4c4n16c",
  CH: "5n12c",
  CR: "4n14n",
  CY: "3n5n16c",
  CZ: "4n6n10n",
  DE: "8n10n",
  DJ: "5n5n11n2n",
  DK: "4n9n1n",
  DO: "4c20n",
  EE: "2n2n11n1n",
  EG: "4n4n17n",
  ES: "4n4n1n1n10n",
  FI: "3n11n",
  FK: "2a12n",
  FO: "4n9n1n",
  FR: "5n5n11c2n",
  GB: "4a6n8n",
  GE: "2a16n",
  GI: "4a15c",
  GL: "4n9n1n",
  GR: "3n4n16c",
  GT: "4c20c",
  HN: "4a20n",
  HR: "7n10n",
  HU: "3n4n1n15n1n",
  IE: "4a6n8n",
  IL: "3n3n13n",
  IQ: "4a3n12n",
  IS: "4n2n6n10n",
  IT: "1a5n5n12c",
  JO: "4a4n18c",
  KW: "4a22c",
  KZ: "3n13c",
  LB: "4n20c",
  LC: "4a24c",
  LI: "5n12c",
  LT: "5n11n",
  LU: "3n13c",
  LV: "4a13c",
  LY: "3n3n15n",
  MC: "5n5n11c2n",
  MD: "2c18c",
  ME: "3n13n2n",
  MK: "3n10c2n",
  MN: "4n12n",
  MR: "5n5n11n2n",
  MT: "4a5n18c",
  MU: "4a2n2n12n3n3a",
  NI: "4a20n",
  NL: "4a10n",
  NO: "4n6n1n",
  OM: "3n16c",
  PK: "4a16c",
  PL: "8n16n",
  PS: "4a21c",
  PT: "4n4n11n2n",
  QA: "4a21c",
  RO: "4a16c",
  RS: "3n13n2n",
  RU: "9n5n15c",
  SA: "2n18c",
  SC: "4a2n2n16n3a",
  SD: "2n12n",
  SE: "3n16n1n",
  SI: "5n8n2n",
  SK: "4n6n10n",
  SM: "1a5n5n12c",
  SO: "4n3n12n",
  ST: "4n4n11n2n",
  SV: "4a20n",
  TL: "3n14n2n",
  TN: "2n3n13n2n",
  TR: "5n1n16c",
  UA: "6n19c",
  VA: "3n15n",
  VG: "4a16n",
  XK: "4n10n2n",
  YE: "4a4n18c",
};

/** A small deterministic generator (mulberry32), so that every run measures the same numbers. */
function random(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const DIGITS = "0123456789";
const LETTERS = "ABCDEFGHIJKLMNOPQRSTUVWXYZ";

function mod97(digitsAndLetters: string): number {
  let rest = 0;
  for (const c of digitsAndLetters) {
    const v = c <= "9" ? c : String(c.charCodeAt(0) - 55);
    for (const d of v) rest = (rest * 10 + d.charCodeAt(0) - 48) % 97;
  }
  return rest;
}

/** An IBAN of the country with a random BBAN of its format and correct check digits (ISO 13616, mod 97). */
export function makeIban(country: string, format: string, next: () => number): string {
  let bban = "";
  for (const [, count, kind] of format.matchAll(/(\d+)([nac])/g)) {
    const alphabet = kind === "n" ? DIGITS : kind === "a" ? LETTERS : DIGITS + LETTERS;
    for (let i = 0; i < Number(count); i++) bban += alphabet[Math.floor(next() * alphabet.length)];
  }
  const check = 98 - mod97(`${bban}${country}00`);
  return `${country}${String(check).padStart(2, "0")}${bban}`;
}

/** `perCountry` valid IBANs of every IBAN country, compact. */
export function ibans(perCountry = 3, seed = 13616): { country: string; iban: string }[] {
  const next = random(seed);
  return Object.entries(IBAN_FORMATS).flatMap(([country, format]) =>
    Array.from({ length: perCountry }, () => ({ country, iban: makeIban(country, format, next) })),
  );
}

/** Compact, and in the paper format of groups of four. */
export function ibanForms(iban: string): string[] {
  return [iban, (iban.match(/.{1,4}/g) ?? []).join(" ")];
}

const pad = (n: number, width = 2) => String(n).padStart(width, "0");

function luhnDigit(nine: string): number {
  let sum = 0;
  for (let i = 0; i < nine.length; i++) {
    let d = nine.charCodeAt(i) - 48;
    if (i % 2 === 0) d = d * 2 > 9 ? d * 2 - 9 : d * 2; // from the left: weights 2, 1, 2, … over 9 digits
    sum += d;
  }
  return (10 - (sum % 10)) % 10;
}

/**
 * Valid national id numbers of the regions whose ids masking knows, `perRegion` each, in the forms people write:
 * Swedish personnummer (Luhn), Norwegian fødselsnummer (two mod-11 digits), Danish CPR number, Finnish
 * henkilötunnus (mod 31), Spanish DNI and NIE (mod 23).
 */
export function nationalIds(perRegion = 10, seed = 3166): { region: string; forms: string[] }[] {
  const next = random(seed);
  const int = (lo: number, hi: number) => lo + Math.floor(next() * (hi - lo + 1));
  const birth = () => {
    const year = int(1940, 2008);
    const month = int(1, 12);
    const day = int(1, 28);
    return { year, yy: pad(year % 100), mm: pad(month), dd: pad(day) };
  };
  const out: { region: string; forms: string[] }[] = [];
  for (let i = 0; i < perRegion; i++) {
    const se = birth();
    const serial = pad(int(0, 999), 3);
    const check = luhnDigit(`${se.yy}${se.mm}${se.dd}${serial}`);
    const century = String(Math.floor(se.year / 100));
    out.push({
      region: "SE",
      forms: [
        `${se.yy}${se.mm}${se.dd}-${serial}${check}`,
        `${century}${se.yy}${se.mm}${se.dd}-${serial}${check}`,
        `${century}${se.yy}${se.mm}${se.dd}${serial}${check}`,
        `${se.yy}${se.mm}${se.dd}${serial}${check}`,
      ],
    });

    for (;;) {
      const no = birth();
      const base = `${no.dd}${no.mm}${no.yy}${pad(int(0, 499), 3)}`;
      const mod = (digits: string, weights: number[]) => {
        const c = 11 - (weights.reduce((s, w, k) => s + w * (digits.charCodeAt(k) - 48), 0) % 11);
        return c === 11 ? 0 : c;
      };
      const k1 = mod(base, [3, 7, 6, 1, 8, 9, 4, 5, 2]);
      if (k1 === 10) continue;
      const k2 = mod(`${base}${k1}`, [5, 4, 3, 2, 7, 6, 5, 4, 3, 2]);
      if (k2 === 10) continue;
      out.push({ region: "NO", forms: [`${base}${k1}${k2}`, `${base.slice(0, 6)} ${base.slice(6)}${k1}${k2}`] });
      break;
    }

    const dk = birth();
    out.push({ region: "DK", forms: [`${dk.dd}${dk.mm}${dk.yy}-${pad(int(0, 9999), 4)}`] });

    const fi = birth();
    const individual = pad(int(2, 899), 3);
    const fiCheck = "0123456789ABCDEFHJKLMNPRSTUVWXY"[Number(`${fi.dd}${fi.mm}${fi.yy}${individual}`) % 31];
    const sign = fi.year >= 2000 ? "A" : "-";
    out.push({ region: "FI", forms: [`${fi.dd}${fi.mm}${fi.yy}${sign}${individual}${fiCheck}`] });

    const dni = int(0, 99_999_999);
    const nie = int(0, 9_999_999);
    const nieLead = "XYZ"[int(0, 2)]!;
    const letters = "TRWAGMYFPDXBNJZSQVHLCKE";
    const dniText = pad(dni, 8);
    out.push({
      region: "ES",
      forms: [
        `${dniText}${letters[dni % 23]}`,
        `${dniText}-${letters[dni % 23]}`,
        `${nieLead}${pad(nie, 7)}${letters[Number(`${"XYZ".indexOf(nieLead)}${pad(nie, 7)}`) % 23]}`,
      ],
    });
  }
  return out;
}
