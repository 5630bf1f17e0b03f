// The scripted demo customers of `cc-agent seed`: pure and deterministic. One seed gives the same
// customers, texts, timings and arrival order every time (mulberry32; never Math.random), so that a demo
// or a test can be replayed. Running the script against a server is seed-command.ts's business.

/** A small, fast, seedable PRNG (mulberry32): floats in [0, 1). */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

class Rng {
  private readonly next: () => number;
  constructor(seed: number) {
    this.next = mulberry32(seed);
  }
  float(): number {
    return this.next();
  }
  int(min: number, max: number): number {
    return min + Math.floor(this.next() * (max - min + 1));
  }
  pick<T>(list: readonly T[]): T {
    const item = list[Math.floor(this.next() * list.length)];
    if (item === undefined) throw new Error("pick from an empty list");
    return item;
  }
  chance(p: number): boolean {
    return this.next() < p;
  }
  shuffle<T>(list: T[]): T[] {
    for (let i = list.length - 1; i > 0; i--) {
      const j = Math.floor(this.next() * (i + 1));
      [list[i], list[j]] = [list[j]!, list[i]!];
    }
    return list;
  }
}

/** What a scripted customer does; the seed guarantees at least one of each of the first live kinds. */
export type CustomerKind =
  | "angry" // three furious messages: the conversation's sentiment reaches the alert threshold (S9)
  | "card" // pastes a card number (masked for reps, L6)
  | "chatty" // a dozen messages in a row: the rep's unread badge goes past 9 (S10)
  | "ender" // ends the live chat themselves (L12)
  | "iban" // pastes an IBAN
  | "phone" // pastes a phone number
  | "email" // pastes an e-mail address
  | "regular" // an ordinary question, answers the rep
  | "returner" // persistent: leaves and comes back later to the same conversation (P5)
  | "billing"; // persistent: an ongoing billing matter

export const KIND_LABELS: Record<CustomerKind, string> = {
  angry: "angry",
  card: "pastes a card number",
  chatty: "chatty",
  ender: "ends the chat",
  iban: "pastes an IBAN",
  phone: "pastes a phone number",
  email: "pastes an e-mail",
  regular: "question",
  returner: "leaves and comes back",
  billing: "billing matter",
};

export interface ScriptedMessage {
  text: string;
  /** Pause before sending it (typing and thinking). */
  delayMs: number;
}

export interface ScriptedCustomer {
  /** 1-based arrival order. */
  index: number;
  kind: CustomerKind;
  mode: "live" | "persistent";
  /** Signed-in customers; null for a visitor ("Visitor N", S8). */
  identity: { id: string; name: string; email: string; account?: string; caseTitle?: string } | null;
  /** Pause after the previous customer arrived. */
  arriveAfterMs: number;
  /** The message that starts the conversation. */
  opening: string;
  /** Sent one after another after the opening. */
  messages: ScriptedMessage[];
  /** Answers to the rep's replies, in order; the customer stops answering after the last. */
  answers: ScriptedMessage[];
  /** How long the customer waits for a rep's reply before giving up. */
  patienceMs: number;
  /** Live chats: the customer ends it at the end of the script (L12). */
  endsChat: boolean;
  /** Persistent chats: leave, and come back after `afterMs` with more messages (P5). */
  comeBack: { afterMs: number; messages: ScriptedMessage[] } | null;
}

export interface ScriptOptions {
  seed: number;
  count: number;
  persistent: number;
  /** Arrivals per minute (a Poisson process). */
  ratePerMinute: number;
  /** Multiplies every think time, patience and come-back delay (1 = real time). */
  timeScale?: number;
}

// ---- text pools -------------------------------------------------------------------------------------

const FIRST_NAMES = [
  "Kenny",
  "Melissa",
  "Jonas",
  "Aiko",
  "Priya",
  "Lucas",
  "Sofia",
  "Omar",
  "Emma",
  "Noah",
  "Chloé",
  "Mateo",
  "Hannah",
  "Ravi",
  "Ingrid",
  "Tomás",
  "Yuki",
  "Grace",
  "Felix",
  "Amara",
];
const LAST_NAMES = [
  "Smith",
  "Grant",
  "Berg",
  "Sato",
  "Nair",
  "Martin",
  "Rossi",
  "Haddad",
  "Dubois",
  "Fischer",
  "Laurent",
  "García",
  "Schmidt",
  "Patel",
  "Larsen",
  "Silva",
  "Tanaka",
  "Okoye",
  "Weber",
  "Mensah",
];
const ACCOUNTS = [
  "Contoso Retail",
  "Fabrikam Ltd",
  "Northwind Traders",
  "Adventure Works",
  "Tailspin Toys",
  "Litware Inc",
  "Wide World Importers",
  "Proseware",
];
const CARDS = [
  "4111 1111 1111 1111",
  "5500 0000 0000 0004",
  "4012 8888 8888 1881",
  "5105 1051 0510 5100",
  "4242 4242 4242 4242",
];
const IBANS = [
  "DE89 3704 0044 0532 0130 00",
  "GB82 WEST 1234 5698 7654 32",
  "NL91 ABNA 0417 1643 00",
  "FR14 2004 1010 0505 0001 3M02 606",
];
const PHONES = ["+447966197542", "+1 (415) 555-2671", "+33 6 12 34 56 78", "+49 151 23456789"];
const EMAILS = ["melissa@gmail.com", "j.berg@outlook.com", "aiko.sato@example.org", "ravi.p@example.net"];

const QUESTIONS = [
  "Hi, I'd like to change the delivery address for order {order}.",
  "Hello, can you tell me when order {order} will arrive?",
  "Hi there, how do I reset my password?",
  "Good morning, I want to upgrade my plan to the family one.",
  "Hello, can I return a jacket I bought last week?",
  "Hi, the app keeps logging me out since yesterday.",
];
const FOLLOW_UPS = [
  "It was placed on Monday.",
  "I have the confirmation e-mail here.",
  "I already tried logging out and in again.",
  "The reference is {order}.",
  "I'm on the website right now.",
];
const ANSWERS = [
  "Yes, that's right.",
  "Thanks, that helps a lot!",
  "Could you check once more, please?",
  "Great, thank you!",
  "OK. One more thing: can I get an invoice for it?",
  "Perfect, that's all I needed.",
];
const ANGRY = [
  "This is ridiculous. I have been charged twice and nobody answers!",
  "Your service is terrible and I am really angry about it.",
  "I am furious. This is awful, useless and a total waste of my time.",
  "Worst experience ever, this is a disgrace. I want a refund now.",
];
const ANGRY_ANSWERS = [
  "That is not good enough. I want my money back today.",
  "Fine. But this better not happen again.",
];
const CHATTY = [
  "hello?",
  "is anyone there?",
  "I have a question about my bill",
  "it's about last month",
  "there is a fee I don't recognise",
  "it says 'service charge'",
  "12.99",
  "I never agreed to that",
  "can you remove it?",
  "also my address is outdated",
  "it should be 12 Baker Street",
  "thanks in advance",
];

// ---- building the script ----------------------------------------------------------------------------

/** The live kinds every seed has (as far as the count allows), most important first. */
const REQUIRED_LIVE: readonly CustomerKind[] = ["angry", "card", "chatty", "ender", "iban", "phone", "email"];
const OTHER_LIVE: readonly CustomerKind[] = [
  "regular",
  "regular",
  "regular",
  "regular",
  "angry",
  "card",
  "ender",
  "ender",
  "phone",
  "email",
  "iban",
];
const OTHER_PERSISTENT: readonly CustomerKind[] = ["returner", "billing", "billing"];

function fill(template: string, values: Record<string, string>): string {
  return template.replace(/\{(\w+)\}/g, (whole, key: string) => values[key] ?? whole);
}

export function buildScript(options: ScriptOptions): ScriptedCustomer[] {
  const rng = new Rng(options.seed);
  const scale = options.timeScale ?? 1;
  const ms = (min: number, max: number) => Math.round(rng.int(min, max) * scale);
  const live = Math.max(0, options.count - options.persistent);

  const kinds: { kind: CustomerKind; mode: "live" | "persistent" }[] = [];
  for (let i = 0; i < live; i++) kinds.push({ kind: REQUIRED_LIVE[i] ?? rng.pick(OTHER_LIVE), mode: "live" });
  for (let i = 0; i < options.persistent; i++)
    kinds.push({ kind: i === 0 ? "returner" : rng.pick(OTHER_PERSISTENT), mode: "persistent" });
  rng.shuffle(kinds);

  // A mix of visitors and signed-in customers on live chat; persistent chat needs a signed-in one (P9).
  const signedIn = kinds.map((k) => k.mode === "persistent" || rng.chance(0.5));
  const liveIndexes = kinds.flatMap((k, i) => (k.mode === "live" ? [i] : []));
  if (liveIndexes.length >= 2 && liveIndexes.every((i) => signedIn[i] === signedIn[liveIndexes[0]!])) {
    const last = liveIndexes[liveIndexes.length - 1]!;
    signedIn[last] = !signedIn[last];
  }

  const names = rng.shuffle(FIRST_NAMES.flatMap((first) => LAST_NAMES.map((last) => `${first} ${last}`)));
  const meanGapMs = 60_000 / options.ratePerMinute;
  const customers: ScriptedCustomer[] = [];
  kinds.forEach(({ kind, mode }, i) => {
    const index = i + 1;
    const order = String(rng.int(10_000, 99_999));
    const values = { order };
    // Poisson arrivals: exponential gaps around the mean. The first customer arrives at once.
    const arriveAfterMs = i === 0 ? 0 : Math.round(-Math.log(1 - rng.float()) * meanGapMs);
    const think = () => ms(1500, 6000);
    const say = (text: string, delayMs = think()): ScriptedMessage => ({ text: fill(text, values), delayMs });
    let opening: string;
    let messages: ScriptedMessage[] = [];
    let answers: ScriptedMessage[] = [rng.pick(ANSWERS), rng.pick(ANSWERS)].map((text) => say(text));
    let caseTitle: string | undefined;
    let comeBack: ScriptedCustomer["comeBack"] = null;
    switch (kind) {
      case "angry": {
        const lines = rng.shuffle([...ANGRY]);
        opening = lines[0]!;
        messages = [say(lines[1]!), say(lines[2]!)];
        answers = ANGRY_ANSWERS.map((text) => say(text));
        caseTitle = "Charged twice";
        break;
      }
      case "card":
        opening = `Hi, my card ${rng.pick(CARDS)} was charged twice for order ${order}.`;
        messages = [say("Can you refund one of the payments?")];
        caseTitle = `Double charge on order ${order}`;
        break;
      case "iban":
        opening = "Hello, I returned my order and I'm waiting for the refund.";
        messages = [say(`Please send it to ${rng.pick(IBANS)}.`)];
        caseTitle = `Refund for order ${order}`;
        break;
      case "phone":
        opening = fill(rng.pick(QUESTIONS), values);
        messages = [say(`If it's easier, call me back on ${rng.pick(PHONES)}.`)];
        break;
      case "email":
        opening = fill(rng.pick(QUESTIONS), values);
        messages = [say(`My e-mail is ${rng.pick(EMAILS)}, please send the details there.`)];
        break;
      case "chatty":
        opening = CHATTY[0]!;
        messages = CHATTY.slice(1).map((text) => say(text, ms(300, 1000)));
        break;
      case "ender":
        opening = "Hi, is the store open on Sunday?";
        messages = [say("Never mind, I found it on the website. Bye!")];
        answers = [];
        break;
      case "regular":
        opening = fill(rng.pick(QUESTIONS), values);
        messages = [say(rng.pick(FOLLOW_UPS))];
        break;
      case "returner": {
        const amount = rng.int(40, 400);
        opening = `Hello, I have a question about invoice INV-${order}: the amount looks wrong.`;
        messages = [say("I'll look for the original quote and come back to you.")];
        answers = [say("Thanks, I'll be back with the quote.")];
        caseTitle = `Invoice INV-${order}`;
        comeBack = {
          afterMs: ms(30_000, 120_000),
          messages: [
            say(`I'm back. The quote says ${amount} EUR, not ${amount + rng.int(10, 90)} EUR.`),
            say("Can you correct the invoice?"),
          ],
        };
        break;
      }
      case "billing":
        opening = "Hi, I need to update the payment method on my account.";
        messages = [
          say(
            rng.chance(0.5) ? `The new account is ${rng.pick(IBANS)}.` : "Can you also send me last year's statements?",
          ),
        ];
        caseTitle = "Payment method";
        break;
    }
    let identity: ScriptedCustomer["identity"] = null;
    if (signedIn[i]) {
      const name = names[i % names.length]!;
      const [first = "customer", last = String(index)] = name
        .toLowerCase()
        .normalize("NFD")
        .replace(/[^a-z ]/g, "")
        .split(" ");
      identity = { id: `seed-${options.seed >>> 0}-${index}`, name, email: `${first}.${last}@example.com` };
      if (rng.chance(0.5)) identity.account = rng.pick(ACCOUNTS);
      if (caseTitle !== undefined) identity.caseTitle = caseTitle;
    }
    customers.push({
      index,
      kind,
      mode,
      identity,
      arriveAfterMs,
      opening,
      messages,
      answers,
      patienceMs: mode === "persistent" ? ms(20_000, 60_000) : ms(30_000, 90_000),
      endsChat: mode === "live" && kind === "ender",
      comeBack,
    });
  });
  return customers;
}
