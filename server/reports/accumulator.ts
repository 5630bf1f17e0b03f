// What one group of a report adds up (an Accumulator), and the facts that add to it. docs/reports.md defines each
// figure made from these sums.
import type { Presence } from "../core/model.js";
import { PRESENCES } from "../../src/protocol/vocabulary.js";

/** What one group adds up. Times in ms. */
export interface Accumulator {
  offered: number;
  answered: number;
  answeredInTarget: number;
  abandoned: number;
  /** Sum of the waits of the answered conversations. */
  waitMs: number;
  firstResponses: number;
  firstResponseMs: number;
  handled: number;
  activeMs: number;
  wrapUpMs: number;
  transfers: number;
  conferences: number;
  ronas: number;
  wrapUps: Record<string, number>;
  /** Customer ratings given (CSAT): their number and the sum of their scores. */
  ratings: number;
  ratingSum: number;
  /** Conversations closed, by their sentiment then: below 0, 0, above 0. */
  sentiment: { negative: number; neutral: number; positive: number };
  /** Reps only: time in each presence within the period. */
  presenceMs: Record<Presence, number>;
  /** Reps only: time holding at least one conversation (active or wrap-up) within the period. */
  occupiedMs: number;
}

export function emptyAccumulator(): Accumulator {
  const presenceMs = {} as Record<Presence, number>;
  for (const p of PRESENCES) presenceMs[p] = 0;
  return {
    offered: 0,
    answered: 0,
    answeredInTarget: 0,
    abandoned: 0,
    waitMs: 0,
    firstResponses: 0,
    firstResponseMs: 0,
    handled: 0,
    activeMs: 0,
    wrapUpMs: 0,
    transfers: 0,
    conferences: 0,
    ronas: 0,
    wrapUps: {},
    ratings: 0,
    ratingSum: 0,
    sentiment: { negative: 0, neutral: 0, positive: 0 },
    presenceMs,
    occupiedMs: 0,
  };
}

/** Add one accumulator's counts and times into another (a longer span made of buckets). */
export function addAccumulator(into: Accumulator, from: Accumulator): void {
  into.offered += from.offered;
  into.answered += from.answered;
  into.answeredInTarget += from.answeredInTarget;
  into.abandoned += from.abandoned;
  into.waitMs += from.waitMs;
  into.firstResponses += from.firstResponses;
  into.firstResponseMs += from.firstResponseMs;
  into.handled += from.handled;
  into.activeMs += from.activeMs;
  into.wrapUpMs += from.wrapUpMs;
  into.transfers += from.transfers;
  into.conferences += from.conferences;
  into.ronas += from.ronas;
  for (const [reason, n] of Object.entries(from.wrapUps)) into.wrapUps[reason] = (into.wrapUps[reason] ?? 0) + n;
  into.ratings += from.ratings;
  into.ratingSum += from.ratingSum;
  into.sentiment.negative += from.sentiment.negative;
  into.sentiment.neutral += from.sentiment.neutral;
  into.sentiment.positive += from.sentiment.positive;
  for (const p of PRESENCES) into.presenceMs[p] += from.presenceMs[p];
  into.occupiedMs += from.occupiedMs;
}

/**
 * A fact added to an accumulator, with its figures (x, y) and key (a wrap-up reason, a sentiment bucket, a presence).
 * The facts are functions of nothing else, made once: counting a fact allocates nothing, which over a log of a
 * million events is a good part of the garbage a report would make.
 */
export type Fact = (acc: Accumulator, x: number, y: number, key: string) => void;

export const OFFERED: Fact = (acc) => void (acc.offered += 1);
export const ABANDONED: Fact = (acc) => void (acc.abandoned += 1);
export const TRANSFERRED: Fact = (acc) => void (acc.transfers += 1);
export const CONFERENCED: Fact = (acc) => void (acc.conferences += 1);
export const RONA: Fact = (acc) => void (acc.ronas += 1);
/** x: the wait, y: 1 when within the service-level target. */
export const ANSWERED: Fact = (acc, wait, inTarget) => {
  acc.answered += 1;
  acc.waitMs += wait;
  acc.answeredInTarget += inTarget;
};
export const FIRST_RESPONSE: Fact = (acc, ms) => {
  acc.firstResponses += 1;
  acc.firstResponseMs += ms;
};
export const HANDLED: Fact = (acc, activeMs, wrapUpMs) => {
  acc.handled += 1;
  acc.activeMs += activeMs;
  acc.wrapUpMs += wrapUpMs;
};
export const WRAPPED_UP: Fact = (acc, _x, _y, reasonId) =>
  void (acc.wrapUps[reasonId] = (acc.wrapUps[reasonId] ?? 0) + 1);
export const SENTIMENT: Fact = (acc, _x, _y, bucket) =>
  void (acc.sentiment[bucket as keyof Accumulator["sentiment"]] += 1);
export const IN_PRESENCE: Fact = (acc, ms, _y, presence) => void (acc.presenceMs[presence as Presence] += ms);
export const OCCUPIED: Fact = (acc, ms) => void (acc.occupiedMs += ms);
export const RATED: Fact = (acc, score) => {
  acc.ratings += 1;
  acc.ratingSum += score;
};
