// The widget's own types: what GET /widget/config says, requests in flight, conversations as it holds them.
import type { CustomerConversationView, MessageView } from "../protocol/views.js";
import type { InvitationRule } from "./rules.js";

/** A customer identity the page's backend signed (P9): passed to the server as it is. */
export type SignedIdentity = Record<string, unknown>;

export interface WorkstreamConfig {
  id: string;
  name: string;
  mode: "live" | "persistent";
  open: boolean;
  outsideHours: string;
}

/** GET /widget/config. */
export interface WidgetConfig {
  allowed: boolean;
  org: string;
  workstreams: WorkstreamConfig[];
  proactive: boolean;
  rules: InvitationRule[];
  demo: boolean;
}

/** Why a request did not go through: the server's error code and message, or the widget's own. */
export interface RequestError {
  code?: string;
  message: string;
}

export type RequestResult = Record<string, unknown>;

export interface Pending {
  resolve: (result: RequestResult) => void;
  reject: (error: RequestError) => void;
  timer: ReturnType<typeof setTimeout>;
  /** Starts the answer's timeout again (a request held for a rate limit gets a fresh one). */
  arm: () => ReturnType<typeof setTimeout>;
  /** Creation order: held requests go out again in this order. */
  n: number;
  /** The frame as sent, to send again. */
  frame: string;
}

export interface Entry {
  view: CustomerConversationView;
  /** Ordered by message number; a long thread holds its latest ones until earlier pages are read. */
  messages: MessageView[];
  /** Reading earlier pages (`messages`): absent until one is asked for; `more` is the last page's. */
  earlier?: { loading: boolean; more: boolean; failed: boolean };
}

export interface OutboxItem {
  clientId: string;
  text: string;
  conversationId: string | null;
}

export interface WidgetApi {
  version: string;
  identify(identity: SignedIdentity | null): void;
  open(): void;
  close(): void;
}

declare global {
  interface Window {
    CcAgentWidget?: WidgetApi;
    ccAgentSettings?: { identity?: SignedIdentity; workstream?: string };
  }
}
