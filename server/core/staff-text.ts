// What staff see of a customer's text: masked (L6) when the org masks, before it reaches a rep or a supervisor. A
// message's text and a customer's name are masked once, however many views and viewers ask for them.
import { DEFAULT_MASKING_REGIONS, maskName, maskText } from "./masking.js";
import type { Conversation, Customer, Message, State } from "./model.js";

/** The regions whose national phone number formats masking knows (L6). */
function regionsOf(state: State): readonly string[] {
  return state.org.maskingRegions ?? DEFAULT_MASKING_REGIONS;
}

export function staffText(state: State, text: string): string {
  return state.org.masking ? maskText(text, regionsOf(state)) : text;
}

/** What `maskedOnce` knows of an owner's text: the regions it was masked for, alone when masking left it unchanged. */
type MaskedCache<K extends object> = WeakMap<K, readonly string[] | { regions: readonly string[]; text: string }>;
const MAYBE_MASKED = /[\d@]/;

/**
 * `text` as staff see it, masked once per `owner` (a message, a customer record: neither changes once made) however
 * many staff views and viewers ask for it, and again if the org's regions change. Only texts with a digit or an @ are
 * kept: for the others masking is a single test and the answer the text itself. A text masking leaves as it is (most
 * names with a number, "Visitor 12") is kept as the regions alone, an object less per owner.
 */
function maskedOnce<K extends object>(
  state: State,
  cache: MaskedCache<K>,
  owner: K,
  text: string,
  mask: (text: string, regions: readonly string[]) => string,
): string {
  if (!state.org.masking || !MAYBE_MASKED.test(text)) return text;
  const regions = regionsOf(state);
  const cached = cache.get(owner);
  if (cached === regions) return text;
  if (cached !== undefined && "text" in cached && cached.regions === regions) return cached.text;
  const masked = mask(text, regions);
  cache.set(owner, masked === text ? regions : { regions, text: masked });
  return masked;
}

const maskedTexts: MaskedCache<Message> = new WeakMap();
const maskedNames: MaskedCache<Customer> = new WeakMap();

export function staffMessageText(state: State, m: Message): string {
  return maskedOnce(state, maskedTexts, m, m.text, maskText);
}

/** A customer's name as staff see it, masked once per customer record (shared by a conversation's copies). */
export function staffCustomerName(state: State, c: Conversation): string {
  return maskedOnce(state, maskedNames, c.customer, c.customer.name, maskName);
}

/** A conversation's title as staff see it (masked when the org masks). */
export function staffTitle(state: State, c: Conversation): string {
  return state.org.masking ? maskName(c.title, regionsOf(state)) : c.title;
}
