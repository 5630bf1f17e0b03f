// SPEC L6 over the wire: the org file's masking regions decide which national phone number formats a rep sees
// masked; international forms are masked whatever the regions, and the customer sees their own text as written.
import { describe, expect, it } from "vitest";
import { demoOrgFile, parseOrgFile } from "../../server/org-file.js";
import { serverPerTest } from "../helpers/server.js";
import { waitFor } from "../helpers/ws.js";

const { start, connect, token } = serverPerTest();

/** The demo org with the masking setting as an org file would write it. */
function orgWith(masking: unknown) {
  const demo = demoOrgFile({ secret: "ab".repeat(32), tokens: {} });
  return parseOrgFile({ ...demo, masking });
}

/** What Alice is offered when a customer opens a chat with `text`, and what the customer sees of it. */
async function offeredPreview(masking: unknown, text: string): Promise<{ rep: string; customer: string }> {
  await start({ org: orgWith(masking) });
  const alice = await connect({ role: "rep", token: token("alice") });
  await alice.request({ type: "presence", presence: "available" });
  const customer = await connect({ role: "customer" });
  const started = await customer.request({ type: "start", workstream: "live", text, clientId: "k1" });
  const conversationId = started.conversationId as string;
  const offer = await alice.waitForOffer(conversationId);
  await waitFor(() => customer.texts(conversationId).length > 0, "the customer sees their message");
  return { rep: offer.preview[0]!.text, customer: customer.texts(conversationId)[0]! };
}

const TEXT = "Ring mig på 070-123 45 67 eller +49 1512 3456789, order 5012345678";

describe("masking regions from the org file (SPEC L6)", () => {
  it("masks the Swedish national form for an org that names SE, and international forms always", async () => {
    const { rep, customer } = await offeredPreview({ enabled: true, regions: ["SE", "DE"] }, TEXT);
    expect(rep).toBe("Ring mig på ******4567 eller **********6789, order 5012345678");
    expect(customer).toBe(TEXT);
  });

  it('leaves the Swedish national form as written for "masking": true (the US)', async () => {
    const { rep } = await offeredPreview(true, TEXT);
    expect(rep).toBe("Ring mig på 070-123 45 67 eller **********6789, order 5012345678");
  });
});
