// Customer sentiment on a 7-step scale (SPEC S9), from the AFINN-165 word list of the
// `sentiment` package. Pure and synchronous: scored once per customer message.
import Sentiment from "sentiment";
import english from "sentiment/languages/en/index.js";

export type SentimentStep = -3 | -2 | -1 | 0 | 1 | 2 | 3;

export const SENTIMENT_LABELS: Record<SentimentStep, string> = {
  [-3]: "very negative",
  [-2]: "negative",
  [-1]: "slightly negative",
  0: "neutral",
  1: "slightly positive",
  2: "positive",
  3: "very positive",
};

export function sentimentLabel(step: SentimentStep): string {
  return SENTIMENT_LABELS[step];
}

const STEPS: readonly SentimentStep[] = [-3, -2, -1, 0, 1, 2, 3];
const BY_LABEL = new Map<string, SentimentStep>(STEPS.map((s) => [SENTIMENT_LABELS[s].replace(" ", "-"), s]));

/** Accepts a label ("Very negative", "very_negative", "VERY-NEGATIVE") or a number ("-3" … "3", "+2"). */
export function parseSentimentStep(label: string): SentimentStep | undefined {
  const key = label
    .trim()
    .toLowerCase()
    .replace(/[\s_-]+/g, "-");
  if (/^[+-]?[0-3]$/.test(key)) return (Number(key) || 0) as SentimentStep; // `|| 0`: "-0" is neutral, not -0
  return BY_LABEL.get(key);
}

// The word list loads once; analysing is then a cheap tokenise-and-sum.
const analyzer = new Sentiment();

// The package's English word list (AFINN-165, and the emoji it adds, which are not ASCII) and its negation of a word
// after a negator, for the fast path below.
const WORD_SCORES = new Map(Object.entries(english.labels));
const NEGATION = english.scoringStrategy;
/** Printable ASCII only: no line break, tab or other whitespace than the space, nothing toLowerCase maps beyond. */
const PRINTABLE_ASCII = /^[\x20-\x7e]*$/;
/** The characters the package's tokenizer turns into spaces (`.,/#!?$%^&*;:{}=_\`"~()`), and the space, by code. */
const SEPARATOR = new Uint8Array(128);
for (const ch of ' .,/#!?$%^&*;:{}=_`"~()') SEPARATOR[ch.charCodeAt(0)] = 1;

/**
 * AFINN score and score per word of `text`, as the `sentiment` package's analyze gives them. For printable ASCII (what
 * customers nearly always write) its words are the runs of characters between a space or punctuation, found in one
 * pass and summed without the package's lists of words, tokens and calculations; any other text goes to the package.
 */
export function sentimentOf(text: string): { score: number; comparative: number } {
  if (!PRINTABLE_ASCII.test(text)) {
    const { score, comparative } = analyzer.analyze(text);
    return { score, comparative };
  }
  const lower = text.toLowerCase();
  let score = 0;
  let words = 0;
  let previous: string | undefined;
  let start = -1;
  for (let i = 0; i <= lower.length; i++) {
    if (i < lower.length && SEPARATOR[lower.charCodeAt(i)] === 0) {
      if (start < 0) start = i;
      continue;
    }
    if (start < 0) continue;
    const word = lower.slice(start, i);
    start = -1;
    words++;
    const value = WORD_SCORES.get(word);
    // The package's own strategy says whether the word before negates this one.
    if (value !== undefined) score += previous === undefined ? value : NEGATION.apply([previous, word], 1, value);
    previous = word;
  }
  // The package's tokens of a text with no word are one empty token.
  return { score, comparative: score / Math.max(1, words) };
}

/**
 * Step of one message. AFINN gives each word -5…+5 (with "not good" negated); `score` is the sum.
 * |score| 0–1 → 0 (one mild word such as "want" is noise), 2–3 → ±1, 4–5 → ±2, 6+ → ±3.
 * When `comparative` (score per word) is below 0.05 the feeling is diluted in a long
 * message and the step is 0, so long neutral messages do not drift by word count.
 */
export function scoreMessage(text: string): SentimentStep {
  const { score, comparative } = sentimentOf(text);
  const size = Math.abs(score);
  if (size < 2 || Math.abs(comparative) < 0.05) return 0;
  const magnitude = size < 4 ? 1 : size < 6 ? 2 : 3;
  return (Math.sign(score) * magnitude) as SentimentStep;
}

/**
 * The conversation's sentiment: the mean of its last 3 customer-message steps, rounded half
 * away from zero so positive and negative are symmetric (mean 0.5 → 1, −0.5 → −1); 0 when none.
 * Three messages follow a change of mood quickly without one outlier swinging the whole view.
 */
export function conversationSentiment(recentSteps: readonly SentimentStep[]): SentimentStep {
  const last = recentSteps.slice(-3);
  if (last.length === 0) return 0;
  const mean = last.reduce<number>((sum, s) => sum + s, 0) / last.length;
  return (Math.sign(mean) * Math.round(Math.abs(mean)) || 0) as SentimentStep;
}
