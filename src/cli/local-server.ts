// Finding the routing server and its credentials for the commands that talk to it (`customer`, `seed`):
// a server started on this machine writes where it listens and the org's secret to the local credentials
// file; `--server` overrides the address. Also the flag parsers and the "no server" error they share.
import { CommanderError, InvalidArgumentError } from "commander";
import type { Command } from "commander";
import { credentialsPath, readCredentials } from "../../server/credentials.js";
import type { LocalCredentials } from "../../server/credentials.js";
import { CcClient } from "../client/client.js";
import type { HelloFields } from "../client/client.js";
import type { SignedIdentity, Welcome } from "../protocol/messages.js";
import { signIdentity } from "../protocol/identity.js";
import type { IdentityFields } from "../protocol/identity.js";

/** Where `cc-agent server` listens by default. */
export const DEFAULT_SERVER_URL = "ws://127.0.0.1:7420/ws";

/** Exit code for a wrong flag (commander's own errors and ours). */
export const FLAG_ERROR_EXIT = 2;

export interface LocalServer {
  /** The WebSocket URL to connect to. */
  url: string;
  /** The local demo credentials, when a server on this machine wrote them. */
  credentials: LocalCredentials | null;
  /** Where the credentials were looked for. */
  credentialsFile: string;
}

/** The server to talk to: `--server` when given, else the one in the local credentials, else the default address. */
export function findLocalServer(serverFlag: string | undefined): LocalServer {
  const file = credentialsPath();
  const credentials = readCredentials(file);
  const usable =
    credentials && typeof credentials.url === "string" && typeof credentials.secret === "string" ? credentials : null;
  return { url: serverFlag ?? usable?.url ?? DEFAULT_SERVER_URL, credentials: usable, credentialsFile: file };
}

/** The one line printed when nothing answers at `url`. */
export function noServerMessage(url: string): string {
  return `no cc-agent server answers at ${url}; start one with \`cc-agent server\` (or pass --server URL)`;
}

export class NoServerError extends Error {
  constructor(readonly url: string) {
    super(noServerMessage(url));
    this.name = "NoServerError";
  }
}

/**
 * Connect a client and wait for its welcome. Fails with NoServerError when the first connection attempt
 * does not get through (the client would otherwise keep retrying), and with the server's RequestError when
 * it refuses the hello. Later drops are retried by the client and resume from the last seq.
 */
export function connectClient(
  url: string,
  hello: HelloFields,
  timeoutMs = 5000,
): Promise<{ client: CcClient; welcome: Welcome }> {
  const client = new CcClient({ url, hello, reconnect: true });
  return new Promise((resolve, reject) => {
    let settled = false;
    const settle = (error: Error | null, welcome?: Welcome) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      client.off("state", onState);
      if (welcome && !error) {
        resolve({ client, welcome });
        return;
      }
      // Closed on the next turn: the client arms its retry timer right after announcing "reconnecting".
      setImmediate(() => void client.close());
      reject(error ?? new NoServerError(url));
    };
    const onState = (state: string) => {
      if (state === "reconnecting") settle(new NoServerError(url));
    };
    const timer = setTimeout(() => settle(new NoServerError(url)), timeoutMs);
    client.on("state", onState);
    client.connect().then(
      (welcome) => settle(null, welcome),
      (error: Error) => settle(error),
    );
  });
}

/** The hello of a customer; the object stays mutable so that a visitor's conversation token can be added for reconnects. */
export type CustomerHello = Extract<HelloFields, { role: "customer" }>;

export interface CustomerIdentity {
  id: string;
  name: string;
  email?: string;
  account?: string;
  caseTitle?: string;
}

/** Sign an authenticated customer's identity with the org's secret (P9). */
export function signedIdentity(secret: string, identity: CustomerIdentity): SignedIdentity {
  const fields: IdentityFields = { id: identity.id, name: identity.name };
  if (identity.email !== undefined) fields.email = identity.email;
  if (identity.account !== undefined) fields.account = identity.account;
  if (identity.caseTitle !== undefined) fields.caseTitle = identity.caseTitle;
  return signIdentity(secret, fields);
}

// ---- flags ---------------------------------------------------------------------------------------------

/** `--server`: a ws:// or wss:// URL (http:// and https:// are taken to mean the same server); "/ws" when no path is given. */
export function parseServerUrl(value: string): string {
  let url: URL;
  try {
    url = new URL(value.trim());
  } catch {
    throw new InvalidArgumentError(`not a URL; expected e.g. ${DEFAULT_SERVER_URL}`);
  }
  const schemes: Record<string, string> = { "ws:": "ws:", "wss:": "wss:", "http:": "ws:", "https:": "wss:" };
  const scheme = schemes[url.protocol];
  if (!scheme) throw new InvalidArgumentError(`expected a ws:// or wss:// URL, e.g. ${DEFAULT_SERVER_URL}`);
  const path = url.pathname === "/" || url.pathname === "" ? "/ws" : url.pathname;
  return `${scheme}//${url.host}${path}${url.search}`;
}

/** A whole number within [min, max]. */
export function intInRange(min: number, max: number): (value: string) => number {
  return (value: string) => {
    const n = Number(value);
    if (value.trim() === "" || !Number.isInteger(n) || n < min || n > max)
      throw new InvalidArgumentError(`expected a whole number from ${min} to ${max}`);
    return n;
  };
}

/** A number within (0, max] (or [0, max] when zero is allowed). */
export function numberInRange(max: number, allowZero = false): (value: string) => number {
  return (value: string) => {
    const n = Number(value);
    if (value.trim() === "" || !Number.isFinite(n) || n < 0 || (!allowZero && n === 0) || n > max) {
      throw new InvalidArgumentError(`expected a number ${allowZero ? "from 0" : "above 0"} up to ${max}`);
    }
    return n;
  };
}

/** A non-empty one-line text of at most `max` characters. */
export function textFlag(max: number): (value: string) => string {
  return (value: string) => {
    const text = value.trim();
    if (text.length === 0) throw new InvalidArgumentError("must not be empty");
    if (text.length > max) throw new InvalidArgumentError(`at most ${max} characters`);
    // eslint-disable-next-line no-control-regex -- refusing control characters is the point
    if (/[\x00-\x1f\x7f]/.test(text)) throw new InvalidArgumentError("must be one line of plain text");
    return text;
  };
}

/**
 * Flag errors (unknown option, bad value, and `flagError` in the action) exit with code 2; help and
 * version keep their code 0.
 */
export function exitWithCode2OnFlagErrors(command: Command): Command {
  return command.exitOverride((error) => {
    if (error.exitCode === 0) throw error;
    throw new CommanderError(FLAG_ERROR_EXIT, error.code, error.message);
  });
}

/** Report a wrong flag (or combination of flags) the way commander does, and exit with code 2. */
export function flagError(command: Command, message: string): never {
  command.error(`error: ${message}`, { exitCode: FLAG_ERROR_EXIT, code: "cc-agent.flag" });
}
