// Signed customer identities (P9) and conversation tokens. An org's web backend signs who the customer
// is with the org's secret; the server checks it. Node-only (uses node:crypto).
import { createHmac, timingSafeEqual } from "node:crypto";
import type { SignedIdentity } from "./messages.js";

export type IdentityFields = Omit<SignedIdentity, "sig">;

/** JSON with sorted keys and no undefined values: the bytes both sides sign. */
export function canonicalJson(value: Record<string, unknown>): string {
  const keys = Object.keys(value)
    .filter((k) => value[k] !== undefined)
    .sort();
  return JSON.stringify(Object.fromEntries(keys.map((k) => [k, value[k]])));
}

function hmac(secret: string, data: string): string {
  return createHmac("sha256", secret).update(data).digest("hex");
}

function sameHex(a: string, b: string): boolean {
  const x = Buffer.from(a, "hex");
  const y = Buffer.from(b, "hex");
  return x.length === y.length && x.length > 0 && timingSafeEqual(x, y);
}

export function signIdentity(secret: string, fields: IdentityFields): SignedIdentity {
  return { ...fields, sig: hmac(secret, canonicalJson({ ...fields })) };
}

export function verifyIdentity(secret: string, identity: SignedIdentity, now: number): boolean {
  const { sig, ...fields } = identity;
  if (fields.expires !== undefined && fields.expires < now) return false;
  return sameHex(sig, hmac(secret, canonicalJson({ ...fields })));
}

/** `<base64url payload>.<64 hex digits>`, and nothing else. */
const CONVERSATION_TOKEN = /^([A-Za-z0-9_-]+)\.([0-9a-f]{64})$/;

/** A token scoped to one conversation, for a customer reconnecting to it. */
export function conversationToken(secret: string, conversationId: string, customerKey: string): string {
  const payload = Buffer.from(JSON.stringify({ c: conversationId, k: customerKey })).toString("base64url");
  return `${payload}.${hmac(secret, `conversation:${payload}`)}`;
}

export function verifyConversationToken(
  secret: string,
  token: string,
): { conversationId: string; customerKey: string } | null {
  // Strict: exactly `payload.sig`, nothing before, between or after (a token with an extra `.part` is not valid).
  const match = CONVERSATION_TOKEN.exec(token);
  if (!match) return null;
  const [, payload, sig] = match as unknown as [string, string, string];
  if (!sameHex(sig, hmac(secret, `conversation:${payload}`))) return null;
  try {
    const parsed = JSON.parse(Buffer.from(payload, "base64url").toString("utf8")) as { c?: unknown; k?: unknown };
    return typeof parsed.c === "string" && typeof parsed.k === "string"
      ? { conversationId: parsed.c, customerKey: parsed.k }
      : null;
  } catch {
    return null;
  }
}
