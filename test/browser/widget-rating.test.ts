// The widget's rating (CSAT) in headless Chromium: when a chat ends, the customer is asked for 1 to 5 stars and an
// optional comment; the rating reaches the server once, masked for the rep; skipping it, or closing the panel, leaves
// nothing behind and blocks nothing.
import type { Page } from "playwright-core";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { W, openChat, say, seeMessage, seeStatus, widgetReady } from "./browser.js";
import { eventsAbout } from "../helpers/server.js";
import type { TestClient } from "../helpers/ws.js";
import { Harness, waitFor } from "./harness.js";

const h = new Harness();
beforeAll(() => h.launch(), 60_000);
afterEach(() => h.cleanup());
afterAll(() => h.close());

const ratingForm = (page: Page) => page.getByRole("form", { name: "Rate this chat" });
const star = (page: Page, score: number) => page.getByRole("button", { name: new RegExp(`^${score} of 5,`) });

/** The ratings committed for a conversation, as a supervisor reads the log (`events`, masked as staff see it). */
async function ratingsOf(supervisor: TestClient, conversationId: string) {
  return (await eventsAbout(supervisor, conversationId))
    .filter((e) => e.type === "rating_given")
    .map(({ score, comment }) => ({ score, comment }));
}

/** A visitor on the demo page chats with Alice, who accepts; returns the conversation id. */
async function chatWithAlice(page: Page, httpUrl: string, alice: Awaited<ReturnType<Harness["rep"]>>) {
  await page.goto(`${httpUrl}/demo`);
  await widgetReady(page);
  await openChat(page);
  await say(page, "My parcel is late");
  const offer = await alice.waitForOffer();
  await alice.request({ type: "accept", offerId: offer.id });
  await seeStatus(page, "You are chatting with Alice Moreau.");
  return offer.conversationId;
}

describe("the widget asks for a rating when the chat ends", { timeout: 60_000 }, () => {
  it("the customer ends the chat, picks 4 stars and writes a comment; the rep sees it masked", async () => {
    const server = await h.start();
    const alice = await h.rep("alice");
    const { page, watch } = await h.page();
    const id = await chatWithAlice(page, server.httpUrl, alice);
    // While the chat goes on, nobody asks.
    expect(await ratingForm(page).isHidden()).toBe(true);

    await page.getByRole("button", { name: "End chat" }).click();
    await page.getByRole("button", { name: "End conversation" }).click();
    await seeStatus(page, "The conversation has ended.");
    await ratingForm(page).getByText("How was your chat? Rate it from 1 to 5.").waitFor();
    const send = page.getByRole("button", { name: "Send rating" });
    // Nothing to send before a score is chosen.
    expect(await send.isDisabled()).toBe(true);

    await star(page, 4).click();
    expect(await star(page, 4).getAttribute("aria-pressed")).toBe("true");
    expect(await page.locator(`${W} .score.lit`).count()).toBe(4);
    await page.getByRole("textbox", { name: "Comment (optional)" }).fill("Quick help, call me on +447966197542");
    await send.click();

    await page.getByRole("status").getByText("Thank you for your rating.").waitFor();
    expect(await ratingForm(page).isHidden()).toBe(true);
    // Committed once, with its comment (masked, as a supervisor reads the log).
    expect(await ratingsOf(await h.supervisor(), id)).toEqual([
      { score: 4, comment: "Quick help, call me on *********7542" },
    ]);
    // The rep (in wrap-up) gets it with the comment masked (L6).
    await waitFor(() => alice.conversations.get(id)?.rating, "the rep to get the rating");
    expect(alice.conversations.get(id)?.rating).toMatchObject({
      score: 4,
      comment: "Quick help, call me on *********7542",
    });
    // The customer can carry on: a new chat is a click away.
    await page.getByRole("button", { name: "Start a new chat" }).waitFor();
    expect(watch.errors).toEqual([]);
  });

  it("the rep ends the chat: closing the panel leaves the question unanswered, Skip dismisses it, a new chat starts", async () => {
    const server = await h.start();
    const alice = await h.rep("alice");
    const { page, watch } = await h.page();
    const id = await chatWithAlice(page, server.httpUrl, alice);

    await alice.request({ type: "end", conversationId: id });
    await ratingForm(page).waitFor();
    // Closing the panel just leaves: nothing is sent.
    await page.getByRole("button", { name: "Minimise chat" }).click();
    await page.getByRole("button", { name: "Chat with us" }).click();
    await ratingForm(page).waitFor();
    await star(page, 2).click();
    await page.getByRole("button", { name: "Skip the rating" }).click();
    expect(await ratingForm(page).isHidden()).toBe(true);
    expect(await page.getByText("Thank you for your rating.").isHidden()).toBe(true);
    const sam = await h.supervisor();
    expect(await ratingsOf(sam, id)).toEqual([]);

    // Typing goes on as before an end: the next message starts a new chat.
    await page.getByRole("button", { name: "Start a new chat" }).click();
    await say(page, "Another question");
    await seeMessage(page, "Another question");
    const next = await alice.waitForOffer();
    expect(next.conversationId).not.toBe(id);
    expect(await ratingForm(page).isHidden()).toBe(true);
    // The log holds no rating of either chat.
    expect(await ratingsOf(sam, id)).toEqual([]);
    expect(await ratingsOf(sam, next.conversationId)).toEqual([]);
    expect(watch.errors).toEqual([]);
  });
});
