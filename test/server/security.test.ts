// What a client may see and what the server refuses: other customers' conversations, other reps' work,
// bad credentials, malformed or oversize frames. The server answers each with a clear code and stays up.
import { beforeEach, describe, expect, it } from "vitest";
import { signIdentity } from "../../src/protocol/identity.js";
import { CloseCode, MAX_FRAME_BYTES, PROTOCOL_VERSION } from "../../src/protocol/messages.js";
import type { ServerFrame } from "../../src/protocol/messages.js";
import { committedSeq, conversationsHeardOf, refusal, serverPerTest } from "../helpers/server.js";
import { TestClient, waitFor } from "../helpers/ws.js";

const fixture = serverPerTest();
const { start, connect, token, raw } = fixture;

beforeEach(async () => {
  await start();
});

/** Send a hello and expect the server to refuse it: the error frame, then the close code. */
async function refusedHello(
  hello: Record<string, unknown>,
): Promise<{ error: Extract<ServerFrame, { type: "error" }>; close: { code: number; reason: string } }> {
  const socket = await raw();
  socket.sendJson({ type: "hello", ...hello });
  const error = await socket.waitForError(undefined);
  const close = await socket.waitForClose();
  expect(socket.frames.some((f) => f.type === "welcome")).toBe(false);
  return { error, close };
}

async function offeredTo(rep: TestClient, customer: TestClient, text: string): Promise<string> {
  const conversationId = (await customer.request({ type: "start", workstream: "live", text })).conversationId as string;
  const offer = await rep.waitForOffer(conversationId);
  await rep.request({ type: "accept", offerId: offer.id });
  await waitFor(() => rep.conversations.get(conversationId)?.state === "active", "active");
  return conversationId;
}

describe("who sees what", () => {
  it("a customer asking for another customer's conversation gets exactly the answer for one that does not exist", async () => {
    const alice = await connect({ role: "rep", token: token("alice") });
    await alice.request({ type: "presence", presence: "available" });
    const ann = await connect({ role: "customer" });
    const ben = await connect({ role: "customer" });
    const anns = await offeredTo(alice, ann, "Ann's private question about order 55");
    const bens = (await ben.request({ type: "start", workstream: "live", text: "Ben here" })).conversationId as string;
    const missing = "c999";
    const before = await committedSeq(fixture.server);

    const shape = (answer: { code: string; message: string }, id: string) => ({
      code: answer.code,
      message: answer.message.replaceAll(id, "<id>"),
    });
    for (const body of [
      (conversationId: string) =>
        ({ type: "send", conversationId, text: "let me in", clientId: `x-${conversationId}` }) as const,
      (conversationId: string) => ({ type: "end", conversationId }) as const,
      (conversationId: string) => ({ type: "status", conversationId }) as const,
    ]) {
      const theirs = await refusal(ben, body(anns));
      const nobodys = await refusal(ben, body(missing));
      expect(theirs.code).toBe("conversation/not_found");
      expect(shape(theirs, anns)).toEqual(shape(nobodys, missing));
      expect(theirs.message).toBe(`There is no conversation ${anns}.`);
    }
    // Nothing was written (Ann's conversation is as it was), and Ben's own still answers.
    expect(await committedSeq(fixture.server)).toBe(before);
    expect(alice.conversations.get(anns)).toMatchObject({ state: "active", ownerId: "alice" });
    expect(await ben.request({ type: "status", conversationId: bens })).toMatchObject({ state: "open", mode: "live" });
  });

  it("customers and reps hear only of their own conversations; supervisors of all", async () => {
    const alice = await connect({ role: "rep", token: token("alice") });
    const bob = await connect({ role: "rep", token: token("bob") });
    const sam = await connect({ role: "supervisor", token: token("sam") });
    await alice.request({ type: "presence", presence: "available" });
    const ann = await connect({ role: "customer" });
    const anns = await offeredTo(alice, ann, "Ann: my card 4111 1111 1111 1111 was charged");
    await alice.request({ type: "presence", presence: "busy" });
    await bob.request({ type: "presence", presence: "available" });
    const ben = await connect({
      role: "customer",
      identity: signIdentity(fixture.server.org.secret, { id: "cust-ben", name: "Ben Ng" }),
    });
    const bens = await offeredTo(bob, ben, "Ben: hello");

    await ann.request({ type: "send", conversationId: anns, text: "Ann's second secret" });
    await alice.request({ type: "send", conversationId: anns, text: "Alice answers Ann" });
    await ben.request({ type: "send", conversationId: bens, text: "Ben's second message" });
    await bob.request({ type: "send", conversationId: bens, text: "Bob answers Ben" });
    await ann.waitForText(anns, "Alice answers Ann");
    await ben.waitForText(bens, "Bob answers Ben");
    await sam.waitForText(anns, "Alice answers Ann");
    await sam.waitForText(bens, "Bob answers Ben");

    expect([...conversationsHeardOf(ann)]).toEqual([anns]);
    expect([...conversationsHeardOf(ben)]).toEqual([bens]);
    expect([...conversationsHeardOf(alice)]).toEqual([anns]);
    expect([...conversationsHeardOf(bob)]).toEqual([bens]);
    expect(conversationsHeardOf(sam)).toEqual(new Set([anns, bens]));
    // Not one byte of the other conversation's text reached them.
    expect(JSON.stringify(ben.events)).not.toContain("Ann");
    expect(JSON.stringify(ann.events)).not.toContain("Ben");
    expect(JSON.stringify(bob.events)).not.toContain("Ann");
    // Nor does a rep get another rep's conversation by asking for it.
    expect(await bob.refused({ type: "send", conversationId: anns, text: "hi" })).toBe("conversation/not_yours");
  });
});

describe("refused credentials", () => {
  it("an invalid token closes with 4001", async () => {
    const { error, close } = await refusedHello({ v: PROTOCOL_VERSION, role: "rep", token: "not-a-token-of-this-org" });
    expect(error).toMatchObject({
      code: "auth/invalid_token",
      message: "Unknown or revoked token. Ask your admin for a valid one.",
    });
    expect(close.code).toBe(CloseCode.unauthorized);
    // The client library reports the same refusal to its caller.
    const client = new TestClient(fixture.server.url, { role: "supervisor", token: "also-not-a-token-of-this-org" });
    await expect(client.connect()).rejects.toMatchObject({ code: "auth/invalid_token" });
  });

  it("a rep's token used for the supervisor role is refused with 4003 and says why", async () => {
    const { error, close } = await refusedHello({ v: PROTOCOL_VERSION, role: "supervisor", token: token("alice") });
    expect(error.code).toBe("auth/forbidden");
    expect(error.message).toBe("Alice Moreau is a rep; only supervisors sign in to the monitor, events and why.");
    expect(close.code).toBe(CloseCode.forbidden);
  });

  it("SPEC P9: a forged customer identity closes with 4001", async () => {
    const genuine = signIdentity(fixture.server.org.secret, { id: "cust-1", name: "Real Customer" });
    const tampered = { ...genuine, id: "cust-2" };
    const otherOrg = signIdentity("f".repeat(64), { id: "cust-1", name: "Real Customer" });
    const expired = signIdentity(fixture.server.org.secret, { id: "cust-1", expires: Date.now() - 1_000 });
    for (const identity of [tampered, otherOrg, expired]) {
      const { error, close } = await refusedHello({ v: PROTOCOL_VERSION, role: "customer", identity });
      expect(error.code).toBe("auth/invalid_identity");
      expect(error.message).toMatch(/not signed by this organisation/);
      expect(close.code).toBe(CloseCode.unauthorized);
    }
    // A genuine conversation token with an extra part is refused: tokens are parsed strictly.
    const visitor = await connect({ role: "customer" });
    const started = await visitor.request({ type: "start", workstream: "live", text: "Hello" });
    const genuineToken = started.conversationToken as string;
    for (const extended of [`${genuineToken}.anything`, `${genuineToken}.`]) {
      const { error, close } = await refusedHello({
        v: PROTOCOL_VERSION,
        role: "customer",
        conversationToken: extended,
      });
      expect(error.code).toBe("auth/invalid_token");
      expect(close.code).toBe(CloseCode.unauthorized);
    }
    await connect({ role: "customer", conversationToken: genuineToken });
    // A rep's token with an extra part is refused too.
    const extendedRep = await refusedHello({ v: PROTOCOL_VERSION, role: "rep", token: `${token("alice")}.anything` });
    expect(extendedRep.close.code).toBe(CloseCode.unauthorized);
    // A forged conversation token is refused the same way.
    const { error, close } = await refusedHello({
      v: PROTOCOL_VERSION,
      role: "customer",
      conversationToken: "eyJjIjoiYzEifQ.0000",
    });
    expect(error.code).toBe("auth/invalid_token");
    expect(close.code).toBe(CloseCode.unauthorized);
    // The genuine identity is welcome.
    await connect({ role: "customer", identity: genuine });
  });

  it("a socket that says no hello in time is closed (helloTimeout); one that did stays open past the timeout", async () => {
    await fixture.server.close();
    await start({ helloTimeoutMs: 150 });
    const greeted = await raw({ role: "rep", token: token("alice") });
    const silent = await raw();
    expect(await silent.waitForClose()).toMatchObject({ code: CloseCode.helloTimeout, reason: "no hello" });
    // The greeted socket's timer, had it been left running, fired before the silent one's (it opened first): a round
    // trip after that would follow the close its timer sent, on the same connection.
    greeted.sendJson({ type: "targets", reqId: "after-timeout" });
    await greeted.waitForFrame((f) => "reqId" in f && f.reqId === "after-timeout", 0, "an answer past the timeout");
    expect(greeted.closed).toBeNull();
  });

  it("a hello with another protocol version closes with 4009", async () => {
    const { error, close } = await refusedHello({ v: 2, role: "rep", token: token("alice") });
    expect(error).toMatchObject({
      code: "protocol/version",
      message: "This server speaks protocol v1; the client sent v2.",
    });
    expect(close.code).toBe(CloseCode.versionMismatch);
  });
});

describe("bad frames", () => {
  it("malformed, unknown, forbidden, binary, early and oversize frames each get a clear answer, and the server stays up", async () => {
    // A request before hello.
    const early = await raw();
    early.sendJson({ type: "presence", reqId: "p1", presence: "available" });
    expect(await early.waitForError("p1")).toMatchObject({
      code: "protocol/not_ready",
      message: "Send `hello` first.",
    });
    early.send("{not json");
    expect(await early.waitForError(undefined)).toMatchObject({
      code: "protocol/malformed",
      message: "The frame is not valid JSON.",
    });

    const rep = await raw({ role: "rep", token: token("alice") });
    let from = rep.frames.length;
    const expectError = async (send: () => void, reqId: string | undefined, code: string, message: string | RegExp) => {
      send();
      const error = await rep.waitForError(reqId, from);
      from = rep.frames.indexOf(error) + 1;
      expect(error.code).toBe(code);
      if (typeof message === "string") expect(error.message).toBe(message);
      else expect(error.message).toMatch(message);
    };
    await expectError(
      () => rep.send('{"type": "presence",'),
      undefined,
      "protocol/malformed",
      "The frame is not valid JSON.",
    );
    for (const notAnObject of ["[1,2,3]", "42", '"presence"', "null", '{"reqId":"n1"}']) {
      await expectError(
        () => rep.send(notAnObject),
        notAnObject.includes("n1") ? "n1" : undefined,
        "protocol/malformed",
        "A frame is a JSON object with a string `type`.",
      );
    }
    await expectError(
      () => rep.sendJson({ type: "frobnicate", reqId: "u1" }),
      "u1",
      "protocol/unknown_type",
      "Unknown frame type `frobnicate`.",
    );
    await expectError(
      () => rep.sendJson({ type: "assign", reqId: "f1", conversationId: "c1", target: { kind: "rep", id: "bob" } }),
      "f1",
      "auth/forbidden",
      "A rep cannot send `assign`.",
    );
    await expectError(
      () => rep.sendJson({ type: "send", reqId: "i1", conversationId: 7, text: "hi" }),
      "i1",
      "protocol/invalid",
      /^Invalid `send`: conversationId: /,
    );
    await expectError(
      () => rep.send(Buffer.from(JSON.stringify({ type: "presence", reqId: "b1", presence: "available" }))),
      undefined,
      "protocol/malformed",
      "Frames are JSON text, not binary.",
    );
    await expectError(
      () => rep.sendJson({ type: "hello", v: PROTOCOL_VERSION, role: "rep", token: token("alice") }),
      undefined,
      "protocol/invalid",
      "Already said hello.",
    );
    // A second hello that carries a reqId gets its error with that reqId.
    await expectError(
      () => rep.sendJson({ type: "hello", reqId: "h2", v: PROTOCOL_VERSION, role: "rep", token: token("alice") }),
      "h2",
      "protocol/invalid",
      "Already said hello.",
    );
    // After all of that, the same connection still works.
    rep.sendJson({ type: "presence", reqId: "ok1", presence: "available" });
    await rep.waitForFrame((f) => f.type === "ack" && f.reqId === "ok1", from, "the ack");
    expect(rep.closed).toBeNull();

    const customer = await raw({ role: "customer" });
    customer.sendJson({ type: "accept", reqId: "a1", offerId: "o1" });
    expect(await customer.waitForError("a1")).toMatchObject({
      code: "auth/forbidden",
      message: "A customer cannot send `accept`.",
    });
    customer.sendJson({ type: "assign", reqId: "a2", conversationId: "c1", target: { kind: "rep", id: "bob" } });
    expect(await customer.waitForError("a2")).toMatchObject({
      code: "auth/forbidden",
      message: "A customer cannot send `assign`.",
    });

    // Larger than 64 KiB: ws closes the connection with 1009 (message too big).
    const big = await raw({ role: "rep", token: token("bob") });
    big.sendJson({ type: "send", reqId: "big", conversationId: "c1", text: "x".repeat(MAX_FRAME_BYTES) });
    expect((await big.waitForClose()).code).toBe(CloseCode.tooBig);

    // The server still answers a new client and its health check.
    const fresh = await connect({ role: "rep", token: token("carol") });
    expect(fresh.welcome?.session.userId).toBe("carol");
    expect(await fresh.request({ type: "presence", presence: "available" })).toEqual({});
    const health = await fetch(`${fixture.server.httpUrl}/healthz`);
    expect(health.status).toBe(200);
    expect(await health.json()).toMatchObject({ status: "ok" });
  });
});

describe("message rules", () => {
  it("SPEC L8 L5: a rep's message with < or > is refused, and one over 1000 characters too", async () => {
    const alice = await connect({ role: "rep", token: token("alice") });
    await alice.request({ type: "presence", presence: "available" });
    const customer = await connect({ role: "customer" });
    const conversationId = await offeredTo(alice, customer, "Is 3 < 5?");

    for (const text of ["Hello <name>", "a < b", "done >"]) {
      const refused = await refusal(alice, { type: "send", conversationId, text });
      expect(refused.code).toBe("message/reserved_characters");
      expect(refused.message).toBe(
        "< and > are reserved for template parameters and cannot be sent. Your message was kept.",
      );
    }
    const tooLong = await refusal(alice, { type: "send", conversationId, text: "a".repeat(1001) });
    expect(tooLong).toEqual({
      code: "message/too_long",
      message: "A message can be at most 1000 characters (this one has 1001).",
    });
    // Exactly 1000 is fine, and so is a customer's "<" (the rule is for reps' templates).
    await alice.request({ type: "send", conversationId, text: "b".repeat(1000) });
    await customer.waitForText(conversationId, "b".repeat(1000));
    expect(customer.texts(conversationId)).toEqual(["Is 3 < 5?", "b".repeat(1000)]);
  });
});
