// Real WebSocket clients for server tests: they record everything the server sent and wait on
// conditions (never on fixed sleeps).
import { CcClient } from "../../src/client/client.js";
import type { HelloFields, RequestBody } from "../../src/client/client.js";
import type { EventFrame, Welcome } from "../../src/protocol/messages.js";
import type {
  Change,
  ConversationView,
  CustomerConversationView,
  MessageView,
  OfferView,
  OrgView,
  UserView,
} from "../../src/protocol/views.js";

/** Resolve when `check` returns a value other than undefined/false; poll after every macrotask. */
export async function waitFor<T>(
  check: () => T | undefined | false | null,
  what = "condition",
  timeoutMs = 5000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = check();
    if (value !== undefined && value !== false && value !== null) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setImmediate(resolve));
  }
}

/** A client that keeps a simple store of what it was sent. */
export class TestClient {
  readonly client: CcClient;
  welcome: Welcome | null = null;
  readonly welcomes: Welcome[] = [];
  readonly events: EventFrame[] = [];
  /** Conversations the server said are out of this client's sight, and not sent again since. */
  readonly gone = new Set<string>();
  readonly conversations = new Map<string, ConversationView>();
  readonly customerConversations = new Map<string, CustomerConversationView>();
  readonly messages = new Map<string, MessageView[]>();
  readonly offers = new Map<string, OfferView>();
  readonly users = new Map<string, UserView>();
  readonly notices: Extract<Change, { kind: "notice" }>[] = [];
  /** Every `consoles` frame's count, in order. */
  readonly consoles: number[] = [];
  /** The org as the welcome and the `org` changes since said it. */
  org: OrgView | null = null;
  /** Why the server refused or signed out this client (the client stops). */
  fatal: Error | null = null;

  constructor(url: string, hello: HelloFields, options: { reconnect?: boolean } = {}) {
    this.client = new CcClient({ url, hello, reconnect: options.reconnect ?? false });
    this.client.on("welcome", (welcome: Welcome) => {
      this.welcome = welcome;
      this.welcomes.push(welcome);
      const snap = welcome.snapshot;
      if (!snap) return;
      this.org = snap.org;
      for (const c of snap.conversations) this.upsert(c);
      for (const c of snap.customerConversations) this.upsertCustomer(c);
      for (const o of snap.offers) this.offers.set(o.id, o);
      for (const u of snap.users) this.users.set(u.id, u);
    });
    this.client.on("event", (frame: EventFrame) => {
      this.events.push(frame);
      for (const change of frame.changes) this.apply(change);
    });
    this.client.on("consoles", (count: number) => this.consoles.push(count));
    this.client.on("fatal", (error: Error) => (this.fatal = error));
  }

  private addMessages(id: string, list: MessageView[] | undefined): void {
    if (!list) return;
    const known = this.messages.get(id) ?? [];
    for (const m of list) if (!known.some((k) => k.id === m.id)) known.push(m);
    this.messages.set(id, known);
  }

  private upsert(c: ConversationView): void {
    this.gone.delete(c.id);
    this.conversations.set(c.id, { ...this.conversations.get(c.id), ...c });
    this.addMessages(c.id, c.messages);
  }

  private upsertCustomer(c: CustomerConversationView): void {
    this.customerConversations.set(c.id, { ...this.customerConversations.get(c.id), ...c });
    this.addMessages(c.id, c.messages);
  }

  private apply(change: Change): void {
    switch (change.kind) {
      case "conversation":
        return this.upsert(change.conversation);
      case "customer_conversation":
        return this.upsertCustomer(change.conversation);
      case "message":
        return this.addMessages(change.conversationId, [change.message]);
      case "offer":
        this.offers.set(change.offer.id, change.offer);
        return;
      case "offer_ended": {
        const offer = this.offers.get(change.offerId);
        if (offer) this.offers.set(offer.id, { ...offer, status: change.status });
        return;
      }
      case "user":
        this.users.set(change.user.id, change.user);
        return;
      case "notice":
        this.notices.push(change);
        return;
      case "org":
        this.org = change.org;
        return;
      case "gone":
        this.gone.add(change.conversationId);
        return;
    }
  }

  async connect(): Promise<this> {
    await this.client.connect();
    return this;
  }

  request(body: RequestBody): Promise<Record<string, unknown>> {
    return this.client.request(body);
  }

  /** Say "I am typing" in a conversation, as a console does (no answer comes back). */
  typing(conversationId: string): boolean {
    return this.client.typing(conversationId);
  }

  /** The request's error code (fails the test if it succeeded). */
  async refused(body: RequestBody): Promise<string> {
    try {
      await this.client.request(body);
    } catch (error) {
      return (error as { code: string }).code;
    }
    throw new Error(`expected ${body.type} to be refused`);
  }

  pendingOffer(conversationId?: string): OfferView | undefined {
    return [...this.offers.values()].find(
      (o) => o.status === "pending" && (!conversationId || o.conversationId === conversationId),
    );
  }

  waitForOffer(conversationId?: string): Promise<OfferView> {
    return waitFor(
      () => this.pendingOffer(conversationId),
      `an offer${conversationId ? ` for ${conversationId}` : ""}`,
    );
  }

  /** A conversation's whole thread, read from the server a page at a time (`messages`), oldest first. */
  async thread(conversationId: string, limit = 200): Promise<MessageView[]> {
    const pages: MessageView[][] = [];
    let before: string | undefined;
    for (;;) {
      const page = (await this.request({
        type: "messages",
        conversationId,
        limit,
        ...(before === undefined ? {} : { before }),
      })) as { messages: MessageView[]; more: boolean };
      pages.unshift(page.messages);
      if (!page.more) return pages.flat();
      before = page.messages[0]!.id;
    }
  }

  texts(conversationId: string): string[] {
    return (this.messages.get(conversationId) ?? []).map((m) => m.text);
  }

  waitForText(conversationId: string, text: string): Promise<MessageView> {
    return waitFor(
      () => (this.messages.get(conversationId) ?? []).find((m) => m.text.includes(text)),
      `message "${text}" in ${conversationId}`,
    );
  }

  /**
   * Resolve once this client has been sent every change the server has committed so far. Asked over the wire: the
   * server answers an `events` request (supervisors only) from its committed log, after it has fanned out every
   * committed event, so every frame for them is ahead of the answer on this socket.
   */
  async synced(): Promise<this> {
    await this.client.request({ type: "events", fromSeq: Number.MAX_SAFE_INTEGER, limit: 1 });
    return this;
  }

  close(): Promise<void> {
    return this.client.close();
  }
}
