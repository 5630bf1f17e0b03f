// National id numbers of the org's masking regions (SPEC L6), each checked by its date and check digits so that
// ordinary numbers of the same length stay as written. The US SSN and the UK NI number are masked for every org
// (server/core/masking.ts); these only where the org names the region.

export interface IdPattern {
  region: string;
  name: string;
  re: RegExp;
  /** The match without its spaces and dashes. */
  valid: (compact: string) => boolean;
  /** What the kept tail may hold: digits, or letters and digits where the tail mixes both. */
  alnumTail: boolean;
}

const digitsOf = (s: string) => s.replace(/\D/g, "");

function isDate(year: number, month: number, day: number): boolean {
  const date = new Date(Date.UTC(year, month - 1, day));
  return date.getUTCFullYear() === year && date.getUTCMonth() === month - 1 && date.getUTCDate() === day;
}

function luhnOk(digits: string): boolean {
  let sum = 0;
  for (let i = 0; i < digits.length; i++) {
    let d = digits.charCodeAt(digits.length - 1 - i) - 48;
    if (i % 2 === 1) d = d * 2 > 9 ? d * 2 - 9 : d * 2;
    sum += d;
  }
  return sum % 10 === 0;
}

/** Swedish personnummer (and samordningsnummer, day + 60): YYMMDD-NNNN, YYYYMMDD-NNNN or compact; Luhn. */
function swedish(compact: string): boolean {
  const ten = digitsOf(compact).slice(-10);
  const year = 2000 + Number(ten.slice(0, 2));
  const month = Number(ten.slice(2, 4));
  let day = Number(ten.slice(4, 6));
  if (day > 60) day -= 60;
  return isDate(year % 4 === 0 ? 2000 : 2001, month, day) && luhnOk(ten);
}

/** Norwegian fødselsnummer (D-number: day + 40; H-number: month + 40): DDMMYYNNNNN, two mod-11 check digits. */
function norwegian(compact: string): boolean {
  const d = digitsOf(compact);
  let day = Number(d.slice(0, 2));
  let month = Number(d.slice(2, 4));
  if (day > 40) day -= 40;
  if (month > 40) month -= 40;
  if (!isDate(2000, month, day)) return false;
  const check = (weights: number[]) => {
    const sum = weights.reduce((s, w, i) => s + w * (d.charCodeAt(i) - 48), 0);
    const c = 11 - (sum % 11);
    return c === 11 ? 0 : c;
  };
  const k1 = check([3, 7, 6, 1, 8, 9, 4, 5, 2]);
  const k2 = check([5, 4, 3, 2, 7, 6, 5, 4, 3, 2]);
  return k1 < 10 && k2 < 10 && k1 === Number(d[9]) && k2 === Number(d[10]);
}

/** Danish CPR number: DDMMYY-NNNN (no check digit since 2007, so only the form with its dash counts). */
function danish(compact: string): boolean {
  const d = digitsOf(compact);
  return isDate(2000, Number(d.slice(2, 4)), Number(d.slice(0, 2)));
}

const FINNISH_CHECK = "0123456789ABCDEFHJKLMNPRSTUVWXY";

/** Finnish henkilötunnus: DDMMYY, a century sign ("-" is gone from `compact`), NNN and a check character (mod 31). */
function finnish(compact: string): boolean {
  const sign = compact.length === 11 ? 1 : 0;
  const d = compact.slice(0, 6) + compact.slice(6 + sign, 9 + sign);
  if (!isDate(2000, Number(d.slice(2, 4)), Number(d.slice(0, 2)))) return false;
  return FINNISH_CHECK[Number(d) % 31] === compact[9 + sign];
}

const SPANISH_LETTERS = "TRWAGMYFPDXBNJZSQVHLCKE";

/** Spanish DNI (8 digits and a letter) and NIE (X, Y or Z, 7 digits and a letter): mod 23. */
function spanish(compact: string): boolean {
  const number = compact.slice(0, -1).replace(/^X/, "0").replace(/^Y/, "1").replace(/^Z/, "2");
  return SPANISH_LETTERS[Number(number) % 23] === compact.slice(-1);
}

const PATTERNS: readonly IdPattern[] = [
  {
    region: "SE",
    name: "personnummer",
    re: /(?<![\dA-Za-z-])(?<!\*{3})(?:(?:19|20)?\d{6}[-+]\d{4}|(?:19|20)\d{10}|\d{10})(?![\dA-Za-z-])/g,
    valid: swedish,
    alnumTail: false,
  },
  {
    region: "NO",
    name: "fødselsnummer",
    re: /(?<![\dA-Za-z-])(?<!\*{3})\d{6} ?\d{5}(?![\dA-Za-z-])/g,
    valid: norwegian,
    alnumTail: false,
  },
  {
    region: "DK",
    name: "CPR number",
    re: /(?<![\dA-Za-z-])(?<!\*{3})\d{6}-\d{4}(?![\dA-Za-z-])/g,
    valid: danish,
    alnumTail: false,
  },
  {
    region: "FI",
    name: "henkilötunnus",
    re: /(?<![\dA-Za-z-])(?<!\*{3})\d{6}[-+A-FU-Y]\d{3}[0-9A-FHJ-NPR-Y](?![\dA-Za-z])/g,
    valid: finnish,
    alnumTail: true,
  },
  {
    region: "ES",
    name: "DNI/NIE",
    re: /(?<![\dA-Za-z-])(?<!\*{3})(?:\d{8}|[XYZ]\d{7})[ -]?[A-Z](?![\dA-Za-z])/g,
    valid: spanish,
    alnumTail: true,
  },
];

/** The national id numbers masked for these regions (none for regions without one here). */
export function idPatterns(regions: readonly string[]): IdPattern[] {
  return PATTERNS.filter((p) => regions.includes(p.region));
}

/** The regions whose national id numbers are masked, for docs and tests. */
export const ID_REGIONS: readonly string[] = PATTERNS.map((p) => p.region);
