// SPEC L6: masking finds every phone number, card number and IBAN of the measured corpora and changes no ordinary
// chat line. The same measurement is reported by `npm run bench -- --only masking` (bench/masking.ts) and written
// up in docs/masking.md.
import { describe, expect, it } from "vitest";
import { luhn } from "../../server/core/masking.js";
import { TEST_CARDS, ibans } from "../../bench/masking-corpus.js";
import { CHAT_LINES } from "../../bench/masking-chat-lines.js";
import {
  CHECKED_REGIONS,
  cardRecall,
  falsePositives,
  ibanRecall,
  idRecall,
  maskedIn,
  phoneRecall,
} from "../../bench/masking-measure.js";

describe("masking recall over published numbers (SPEC L6)", () => {
  it("masks every region's example mobile number: international and E.164 forms always, national forms of the configured region", () => {
    const { international, national, regions } = phoneRecall();
    expect(regions).toBeGreaterThanOrEqual(245);
    expect(international.misses).toEqual([]);
    expect(national.misses).toEqual([]);
    expect(international.masked).toBe(international.total);
    expect(national.masked).toBe(national.total);
  });

  it("masks every published test card number, compact or grouped", () => {
    for (const card of TEST_CARDS) expect(luhn(card.number), `${card.brand} ${card.number}`).toBe(true);
    const result = cardRecall();
    expect(result.misses).toEqual([]);
    expect(result.total).toBeGreaterThan(0);
  });

  it("masks valid IBANs of every IBAN country, compact or in groups of four", () => {
    const result = ibanRecall();
    expect(result.countries).toBeGreaterThanOrEqual(89);
    expect(result.misses).toEqual([]);
    expect(result.total).toBeGreaterThan(0);
  });

  it("masks valid national id numbers of the regions whose ids it knows, their region configured", () => {
    const result = idRecall();
    expect(result.regions).toEqual(["SE", "NO", "DK", "FI", "ES"]);
    expect(result.misses).toEqual([]);
    expect(result.total).toBeGreaterThan(0);
  });

  it("generates IBANs whose lengths are the registry's", () => {
    const lengths = new Map(ibans(1).map((i) => [i.country, i.iban.length]));
    expect(lengths.get("NO")).toBe(15);
    expect(lengths.get("DE")).toBe(22);
    expect(lengths.get("SE")).toBe(24);
    expect(lengths.get("FR")).toBe(27);
    expect(lengths.get("RU")).toBe(33);
  });

  it("counts a number as masked only when at most its last 4 characters show", () => {
    expect(maskedIn("+46701234567", "call {} now", ["SE"])).toBe(true);
    expect(maskedIn("070-123 45 67", "call {} now", ["US"])).toBe(false); // a Swedish national form, the US configured
    expect(maskedIn("order 5012345678", "{}", ["US"])).toBe(false);
  });
});

describe("masking changes no ordinary chat line (SPEC L6)", () => {
  it("has a corpus of a few hundred lines", () => {
    expect(CHAT_LINES.length).toBeGreaterThanOrEqual(300);
    expect(new Set(CHAT_LINES).size).toBe(CHAT_LINES.length);
  });

  it.each(CHECKED_REGIONS.map((regions) => [regions.join(", "), regions] as const))(
    "with the regions [%s]",
    (_name, regions) => {
      expect(falsePositives(regions)).toEqual([]);
    },
  );
});
