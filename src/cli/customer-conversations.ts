// The customer's conversations as the chat has heard of them: each one's latest view and its messages so far. Only
// the current one is printed; the others are there for --resume and for a reconnect's snapshot.
import type { Welcome } from "../protocol/messages.js";
import type { CustomerConversationView, MessageView, Mode } from "../protocol/views.js";

export interface KnownConversation {
  view: CustomerConversationView;
  messages: MessageView[];
}

/** Adds `m` to the conversation's messages unless it is there already (a view and a change may both bring it). */
export function addMessageOnce(entry: KnownConversation, m: MessageView): void {
  if (!entry.messages.some((k) => k.id === m.id)) entry.messages.push(m);
}

export class KnownConversations {
  private readonly byId = new Map<string, KnownConversation>();

  get(id: string): KnownConversation | undefined {
    return this.byId.get(id);
  }

  /** The open conversation on chats of `mode` whose first message is the latest (--resume comes back to it). */
  latestOpen(mode: Mode): KnownConversation | undefined {
    const open = [...this.byId.values()].filter((c) => !c.view.ended && c.view.mode === mode);
    return open.sort((a, b) => (a.messages[0]?.at ?? 0) - (b.messages[0]?.at ?? 0)).pop();
  }

  absorbSnapshot(welcome: Welcome): void {
    for (const c of welcome.snapshot?.customerConversations ?? []) this.upsert(c);
  }

  /** A view sent whole or in part: it updates what is known, and the messages it brings are added. */
  upsert(view: CustomerConversationView): KnownConversation {
    const entry = this.byId.get(view.id) ?? { view, messages: [] };
    entry.view = { ...entry.view, ...view };
    delete entry.view.messages;
    for (const m of view.messages ?? []) addMessageOnce(entry, m);
    this.byId.set(view.id, entry);
    return entry;
  }

  /** A message heard of; a conversation not known yet is known from it: Open, with no rep, on the chat's `mode`. */
  addMessage(conversationId: string, message: MessageView, mode: Mode): void {
    const entry = this.byId.get(conversationId);
    if (entry) addMessageOnce(entry, message);
    else
      this.byId.set(conversationId, {
        view: { id: conversationId, state: "open", mode, repName: null, ended: false, messageCount: 0 },
        messages: [message],
      });
  }
}
