// Who a hello signs in as: a customer (by a signed identity, a conversation token, or as an anonymous visitor) or a
// rep or supervisor (by their token); or why the connection is closed instead. Pure but for the visitor's random key.
import { randomBytes } from "node:crypto";
import type { Actor, State, UserState } from "../core/model.js";
import { verifyConversationToken, verifyIdentity } from "../../src/protocol/identity.js";
import { CloseCode, PROTOCOL_VERSION } from "../../src/protocol/messages.js";
import type { Hello } from "../../src/protocol/messages.js";
import { tokenHash } from "./connection.js";

/**
 * Users by the SHA-256 of their token, in hex. A lookup's time can at most say something of a hash, from which a token
 * (random, long) cannot be worked back; comparing with every user's instead made each sign-in O(users).
 */
export type TokenIndex = ReadonlyMap<string, string>;

export type SignIn =
  | {
      ok: true;
      role: "customer";
      actor: Actor & { role: "customer" };
      /** The conversation token the hello came with, given back in the welcome. */
      conversationToken: string | undefined;
    }
  | { ok: true; role: "rep" | "supervisor"; user: UserState; actor: Actor; tokenHash: Buffer }
  | { ok: false; close: number; code: string; message: string };

/** Every user's token, hashed. */
export function tokenIndex(users: readonly { id: string; token: string }[]): TokenIndex {
  return new Map(users.map((u) => [tokenHash(u.token).toString("hex"), u.id]));
}

/** The user whose token hashes to `hash`. */
export function userForToken(tokens: TokenIndex, hash: Buffer): string | null {
  return tokens.get(hash.toString("hex")) ?? null;
}

export function signIn(hello: Hello, secret: string, tokens: TokenIndex, state: State, now: number): SignIn {
  if (hello.v !== PROTOCOL_VERSION) {
    return refused(
      CloseCode.versionMismatch,
      "protocol/version",
      `This server speaks protocol v${PROTOCOL_VERSION}; the client sent v${hello.v}.`,
    );
  }
  if (hello.role === "customer") {
    if (hello.identity) {
      if (!verifyIdentity(secret, hello.identity, now)) {
        return refused(
          CloseCode.unauthorized,
          "auth/invalid_identity",
          "The customer identity is not signed by this organisation (or has expired).",
        );
      }
      return customer({ role: "customer", key: `auth:${hello.identity.id}` }, undefined);
    }
    if (hello.conversationToken) {
      const scoped = verifyConversationToken(secret, hello.conversationToken);
      if (!scoped)
        return refused(CloseCode.unauthorized, "auth/invalid_token", "This conversation token is not valid.");
      // Scoped to its conversation: the connection sees and acts on that one only.
      const actor = { role: "customer" as const, key: scoped.customerKey, conversationId: scoped.conversationId };
      return customer(actor, hello.conversationToken);
    }
    return customer({ role: "customer", key: `visitor:${randomBytes(12).toString("hex")}` }, undefined);
  }
  const hash = tokenHash(hello.token);
  const userId = userForToken(tokens, hash);
  const user = userId ? state.users[userId] : undefined;
  if (!user || user.deleted) {
    return refused(
      CloseCode.unauthorized,
      "auth/invalid_token",
      "Unknown or revoked token. Ask your admin for a valid one.",
    );
  }
  if (hello.role === "supervisor" && user.role !== "supervisor") {
    return refused(
      CloseCode.forbidden,
      "auth/forbidden",
      `${user.name} is a rep; only supervisors sign in to the monitor, events and why.`,
    );
  }
  // A supervisor may also take conversations in the rep console, seeing only their own work there.
  const role = user.role === "supervisor" && hello.role === "supervisor" ? "supervisor" : user.role;
  return { ok: true, role: hello.role, user, actor: { role, id: user.id }, tokenHash: hash };
}

function customer(actor: Actor & { role: "customer" }, conversationToken: string | undefined): SignIn {
  return { ok: true, role: "customer", actor, conversationToken };
}

function refused(close: number, code: string, message: string): SignIn {
  return { ok: false, close, code, message };
}
