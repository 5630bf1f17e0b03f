// The `sentiment` package's English language module (CommonJS, untyped): its word list and its scoring strategy, the
// negation of a word after "not", "don't" and the like.
declare module "sentiment/languages/en/index.js" {
  const english: {
    labels: Record<string, number>;
    scoringStrategy: { apply(tokens: string[], cursor: number, tokenScore: number): number };
  };
  export default english;
}
