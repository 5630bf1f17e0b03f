import fc from "fast-check";
import Sentiment from "sentiment";
import { describe, expect, it } from "vitest";
import {
  conversationSentiment,
  parseSentimentStep,
  scoreMessage,
  sentimentOf,
  SENTIMENT_LABELS,
  sentimentLabel,
  type SentimentStep,
} from "../../server/core/sentiment.js";

describe("sentiment labels (SPEC S9)", () => {
  it("has the 7-step scale", () => {
    expect(Object.keys(SENTIMENT_LABELS)).toHaveLength(7);
    expect(sentimentLabel(-3)).toBe("very negative");
    expect(sentimentLabel(-1)).toBe("slightly negative");
    expect(sentimentLabel(0)).toBe("neutral");
    expect(sentimentLabel(2)).toBe("positive");
    expect(sentimentLabel(3)).toBe("very positive");
  });

  it("parses labels in any case with space, underscore or hyphen, and numbers", () => {
    expect(parseSentimentStep("Very Negative")).toBe(-3);
    expect(parseSentimentStep("very_positive")).toBe(3);
    expect(parseSentimentStep("SLIGHTLY-negative")).toBe(-1);
    expect(parseSentimentStep(" neutral ")).toBe(0);
    expect(parseSentimentStep("-2")).toBe(-2);
    expect(parseSentimentStep("+1")).toBe(1);
    expect(parseSentimentStep("3")).toBe(3);
    expect(Object.is(parseSentimentStep("-0"), 0)).toBe(true);
  });

  it("rejects anything else", () => {
    for (const bad of ["", "4", "-4", "1.5", "very", "angry", "very  very negative"]) {
      expect(parseSentimentStep(bad)).toBeUndefined();
    }
  });

  it("round-trips every step", () => {
    for (const step of [-3, -2, -1, 0, 1, 2, 3] as SentimentStep[]) {
      expect(parseSentimentStep(sentimentLabel(step))).toBe(step);
      expect(parseSentimentStep(String(step))).toBe(step);
    }
  });
});

describe("scoreMessage (SPEC S9)", () => {
  it("thanks is on the positive side", () => {
    expect(scoreMessage("thanks, great help")).toBeGreaterThan(0);
  });

  it("an angry message is very negative", () => {
    expect(scoreMessage("This is terrible, I am furious and angry, worst service ever!")).toBe(-3);
  });

  it("a plain request is neutral", () => {
    expect(scoreMessage("I want to change my address")).toBe(0);
    expect(scoreMessage("where is my order?")).toBe(0);
    expect(scoreMessage("")).toBe(0);
  });

  it("negation counts: 'not good' plus disappointment is negative", () => {
    expect([-1, -2]).toContain(scoreMessage("this is not good, I'm disappointed"));
  });

  it("a single mild word in a long message stays neutral", () => {
    const long = `${"Could you tell me the order number and the delivery date for the parcel sent to my address last week ".repeat(3)}thanks`;
    expect(scoreMessage("thanks")).toBe(1);
    expect(scoreMessage(long)).toBe(0);
  });
});

describe("conversationSentiment (SPEC S9)", () => {
  it("is neutral with no customer messages", () => {
    expect(conversationSentiment([])).toBe(0);
  });

  it("is the rounded mean of the last 3 steps", () => {
    expect(conversationSentiment([3])).toBe(3);
    expect(conversationSentiment([-3, -3, -3, 1, 2, 3])).toBe(2);
    expect(conversationSentiment([-3, 0, 0])).toBe(-1);
    expect(conversationSentiment([1, 1, 2])).toBe(1);
  });

  it("rounds half away from zero, symmetrically, never -0", () => {
    expect(conversationSentiment([1, 0])).toBe(1);
    expect(conversationSentiment([-1, 0])).toBe(-1);
    expect(Object.is(conversationSentiment([-1, 1]), 0)).toBe(true);
    expect(Object.is(conversationSentiment([-1, 0, 0]), 0)).toBe(true);
  });
});

describe("sentimentOf", () => {
  const analyzer = new Sentiment();
  const same = (text: string): void => {
    const { score, comparative } = analyzer.analyze(text);
    expect(sentimentOf(text), JSON.stringify(text)).toStrictEqual({ score, comparative });
  };

  it("scores as the sentiment package does", () => {
    for (const text of [
      "",
      " ",
      "...",
      "thanks, great help",
      "This is terrible, I am furious and angry, worst service ever!",
      "this is not good, I'm disappointed",
      "NOT GOOD. not  good . Not_good",
      "I can't stand it, dont like it, won't work",
      "constructor good, constructor bad",
      "__proto__ good toString bad hasOwnProperty",
      "good\nbad\tawful\r\nnice",
      "  leading and trailing  spaces are fine  ",
      "naïve İstanbul GOOD 😂 ❤ great",
      "~Cabc.def~ Thanks, that helps a lot. Could you also tell me whether the replacement will be sent",
      "Order 58213 still shows as pending payment, this is really annoying and frustrating",
    ])
      same(text);
  });

  it("scores any text as the sentiment package does", () => {
    const words = ["good", "bad", "not", "don't", "isnt", "great", "awful", "thanks", "no", "fun", "constructor"];
    const pieces = [...words, " ", "  ", ",", ".", "!", "_", "'", "-", "\t", "\n", "\u00a0", "é", "😂", "A", "7", ""];
    fc.assert(
      fc.property(fc.array(fc.constantFrom(...pieces), { maxLength: 30 }), (parts) => same(parts.join(""))),
      { numRuns: 2000 },
    );
    fc.assert(fc.property(fc.string({ unit: "binary", maxLength: 40 }), same), { numRuns: 2000 });
  });
});
