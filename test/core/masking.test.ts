import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { maskName, maskText } from "../../server/core/masking.js";

// SPEC L6: payment and personal data are masked in everything a rep sees.
describe("maskText (SPEC L6)", () => {
  it("masks phone numbers to the exact SPEC L6 forms", () => {
    expect(maskText("+ 1 (123) 456 7890")).toBe("**********7890");
    expect(maskText("+447966197542")).toBe("*********7542");
  });

  it("masks e-mail addresses keeping the first character and the domain (SPEC L6)", () => {
    expect(maskText("melissa@gmail.com")).toBe("m******@gmail.com");
    expect(maskText("write to j.doe+cc@mail.example.co.uk please")).toBe("write to j*******@mail.example.co.uk please");
  });

  it("masks Luhn-valid card numbers with spaces, dashes or none (SPEC L6)", () => {
    expect(maskText("4111 1111 1111 1111")).toBe("************1111");
    expect(maskText("card 4111-1111-1111-1111 exp 12/27")).toBe("card ************1111 exp 12/27");
    expect(maskText("5500005555555559")).toBe("************5559");
    expect(maskText("amex 3782 822463 10005")).toBe("amex ***********0005");
  });

  it("finds cards next to other digits (SPEC L6)", () => {
    expect(maskText("4111 1111 1111 1111 123")).toBe("************1111 123");
    expect(maskText("+447966197542 4111 1111 1111 1111 4111 1111 1111 1111")).toBe(
      "*********7542 ************1111 ************1111",
    );
  });

  it("leaves Luhn-invalid digit runs alone (SPEC L6)", () => {
    expect(maskText("ref 4111 1111 1111 1112")).toBe("ref 4111 1111 1111 1112");
    expect(maskText("parcel 1234567890128")).toBe("parcel 1234567890128"); // Luhn-valid, but no card starts with 1
  });

  it("masks mod-97-valid IBANs, grouped or compact, keeping the last 4 characters (SPEC L6)", () => {
    expect(maskText("IBAN GB82 WEST 1234 5698 7654 32.")).toBe("IBAN ******************5432.");
    expect(maskText("DE89370400440532013000")).toBe("******************3000");
    expect(maskText("GB83 WEST 1234 5698 7654 32")).toBe("GB83 WEST 1234 5698 7654 32"); // bad check digits
  });

  it("masks national id numbers: US SSN and UK NI (SPEC L6)", () => {
    expect(maskText("my ssn is 123-45-6789.")).toBe("my ssn is *****6789.");
    expect(maskText("NI QQ 12 34 56 C thanks")).toBe("NI *****456C thanks");
    expect(maskText("QQ123456C")).toBe("*****456C");
  });

  it("masks other common phone forms (SPEC L6)", () => {
    expect(maskText("call (415) 555-2671 today")).toBe("call ********2671 today");
    expect(maskText("415.555.2671")).toBe("******2671");
    expect(maskText("+44 20 7946 0018")).toBe("*********0018");
    expect(maskText("tel:+14155552671")).toBe("tel:********2671");
    expect(maskText("reach me on 4155552671")).toBe("reach me on ******2671");
    expect(maskText("555 123 4567 ext. 12")).toBe("******4567 ext. 12");
    expect(maskText("+ 1 (123) 456 7890 123-45-6789")).toBe("**********7890 *****6789");
    expect(maskText("+ 1 (123) 456 7890 4155552671")).toBe("**********7890 ******2671");
    expect(maskText("12, 4155552671")).toBe("12, ******2671");
    expect(maskText("#12345 x 4155552671")).toBe("#12345 x ******2671");
    // Items between dashes with spaces: the finder takes the whole run as one candidate and gives up on it.
    expect(maskText("12 - (415) 555-2671 - 12")).toBe("12 - ********2671 - 12");
    expect(maskText("+ 1 (123) 456 7890 - 2024 - 12 - (415) 555-2671 - 12")).toBe(
      "**********7890 - 2024 - 12 - ********2671 - 12",
    );
    // A run of numbers the finder rejects whole until its neighbours are starred out.
    expect(maskText("+ 1 (123) 456 7890 (415) 555-2671 4155552671 (415) 555-2671")).toBe(
      "**********7890 ********2671 ******2671 ********2671",
    );
  });

  it("keeps the text around the matches untouched (SPEC L6)", () => {
    expect(
      maskText("Hi, I'm Melissa (melissa@gmail.com), card 4111 1111 1111 1111, phone +447966197542. Thanks!"),
    ).toBe("Hi, I'm Melissa (m******@gmail.com), card ************1111, phone *********7542. Thanks!");
  });

  it("does not mask ordinary numbers (SPEC L6)", () => {
    for (const text of [
      "order #12345 at 10:30 for $1,299.99 in 2024",
      "order 1234567890",
      "order #4155552671",
      "2024-01-15 10:30",
      "between 1999 2000 2001 and 2024",
      "ticket 123456789012",
      "version 1.2.3.4567, ip 192.168.100.200",
      "tracking 1Z999AA10123456784",
      "no digits at all, no at sign",
    ]) {
      expect(maskText(text)).toBe(text);
    }
  });

  // Items separated as people write them; numbers glued together without any separator are out of scope.
  it("is idempotent (SPEC L6)", () => {
    const pieces = [
      "+ 1 (123) 456 7890",
      "+447966197542",
      "melissa@gmail.com",
      "4111 1111 1111 1111",
      "GB82 WEST 1234 5698 7654 32",
      "123-45-6789",
      "QQ 12 34 56 C",
      "(415) 555-2671",
      "#12345",
      "10:30",
      "$1,299.99",
      "2024",
      "hello",
      ",",
      "\n",
      "4155552671",
      "5500 0000 0000 0004",
      "12",
      "7",
      "x",
      "@",
      "ext. 12",
      "**",
      "call",
    ];
    fc.assert(
      fc.property(
        fc.array(fc.constantFrom(...pieces), { maxLength: 8 }),
        fc.constantFrom(" ", " - ", ", ", ". ", "\n"),
        (parts, sep) => {
          const once = maskText(parts.join(sep));
          expect(maskText(once)).toBe(once);
        },
      ),
      { numRuns: 3000 },
    );
  });
});

describe("maskText with the org's regions (SPEC L6)", () => {
  it("masks the national forms of the configured regions, and only theirs", () => {
    expect(maskText("ring mig på 070-123 45 67", ["SE"])).toBe("ring mig på ******4567");
    expect(maskText("meine Nummer 01512 3456789", ["DE"])).toBe("meine Nummer ********6789");
    expect(maskText("meine Nummer 01512 3456789", ["SE", "DE"])).toBe("meine Nummer ********6789");
    // Without the region, a national form is just a number: it may be an order number there.
    expect(maskText("ring mig på 070-123 45 67")).toBe("ring mig på 070-123 45 67");
    expect(maskText("meine Nummer 01512 3456789", ["SE"])).toBe("meine Nummer 01512 3456789");
  });

  it("masks international forms whatever the regions, even none", () => {
    for (const regions of [["US"], ["SE"], ["DE", "FR"], []]) {
      expect(maskText("+46 70 123 45 67", regions)).toBe("********4567");
      expect(maskText("+4915123456789", regions)).toBe("**********6789");
      expect(maskText("+ 1 (123) 456 7890", regions)).toBe("**********7890"); // SPEC L6 exact example
      expect(maskText("+447966197542", regions)).toBe("*********7542"); // SPEC L6 exact example
    }
  });

  it("masks a national form behind an international dialling prefix", () => {
    expect(maskText("0046 70 123 45 67", ["SE"])).toBe("*********4567");
    expect(maskText("011 44 7966 197542", ["US"])).toBe("***********7542");
  });

  it("keeps only as many digits as it hides for numbers of fewer than 8 digits", () => {
    expect(maskText("ring 7290", ["TK"])).toBe("ring **90"); // Tokelau's mobile numbers have 4 digits
    expect(maskText("call 560 1234", ["AW"])).toBe("call ****234");
  });

  it("leaves the issue's references alone while numbers after other words are masked", () => {
    expect(maskText("Invoice INV-2026-000123")).toBe("Invoice INV-2026-000123");
    expect(maskText("order number 5012345678")).toBe("order number 5012345678");
    expect(maskText("Rechnung Nr. 2026-00815 vom 15.01.2026", ["DE"])).toBe("Rechnung Nr. 2026-00815 vom 15.01.2026");
    expect(maskText("Ordernummer 0701234567", ["SE"])).toBe("Ordernummer 0701234567");
    expect(maskText("my number is 5012345678")).toBe("my number is ******5678");
    expect(maskText("Mitt nummer är 0701234567", ["SE"])).toBe("Mitt nummer är ******4567");
    expect(maskText("mobile: 0701234567", ["SE"])).toBe("mobile: ******4567");
  });

  it("leaves dates, amounts and years alone in regions where they are valid phone numbers", () => {
    expect(maskText("geliefert am 03.02.2026", ["DE"])).toBe("geliefert am 03.02.2026");
    expect(maskText("It costs 12 995 kr", ["DE"])).toBe("It costs 12 995 kr");
    expect(maskText("I paid $1,199.99 in 2024", ["LU", "AC"])).toBe("I paid $1,199.99 in 2024");
  });

  it("masks the national id numbers of the configured regions, checked by their check digits", () => {
    expect(maskText("personnummer 811228-9874", ["SE"])).toBe("personnummer ******9874");
    expect(maskText("personnummer 811228-9875", ["SE"])).toBe("personnummer 811228-9875"); // wrong check digit
    expect(maskText("personnummer 811228-9874")).toBe("personnummer 811228-9874"); // Sweden not configured
    expect(maskText("Org.nr 556036-0793", ["SE"])).toBe("Org.nr 556036-0793"); // a company: no birth date
    expect(maskText("henkilötunnus 131052-308T", ["FI"])).toBe("henkilötunnus ******308T");
    expect(maskText("DNI 12345678Z", ["ES"])).toBe("DNI *****678Z");
    expect(maskText("DNI 12345678A", ["ES"])).toBe("DNI 12345678A");
  });

  it("ignores region codes it does not know, keeping the others", () => {
    expect(maskText("070-123 45 67", ["XX", "SE"])).toBe("******4567");
  });

  it("is idempotent with several regions (SPEC L6)", () => {
    const pieces = ["070-123 45 67", "01512 3456789", "+46 70 123 45 67", "2026-03-12", "€1.299,00", "7290", "order"];
    fc.assert(
      fc.property(
        fc.array(fc.constantFrom(...pieces), { maxLength: 6 }),
        fc.constantFrom(" ", ", ", "\n"),
        (parts, sep) => {
          const once = maskText(parts.join(sep), ["SE", "DE", "TK"]);
          expect(maskText(once, ["SE", "DE", "TK"])).toBe(once);
        },
      ),
      { numRuns: 500 },
    );
  });
});

describe("maskName (SPEC L6)", () => {
  it("masks a name that is a phone number or an e-mail", () => {
    expect(maskName("+44 7966 197542")).toBe("*********7542");
    expect(maskName("(415) 555-2671")).toBe("********2671");
    expect(maskName("melissa@gmail.com")).toBe("m******@gmail.com");
    expect(maskName("070-123 45 67", ["SE"])).toBe("******4567");
  });

  it("leaves ordinary names unchanged", () => {
    for (const name of ["Melissa Jones", "Agent 007", "O'Brien-Smith", "李小龍"]) expect(maskName(name)).toBe(name);
  });
});
