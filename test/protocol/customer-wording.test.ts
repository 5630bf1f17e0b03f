// The customer's clients word two system messages for the customer, not as staff read them.
import { describe, expect, it } from "vitest";
import { customerSystemText } from "../../src/protocol/customer-wording.js";

describe("system messages as the customer reads them", () => {
  it("their own end in their words; an abort without staff's reason; anything else as the server wrote it", () => {
    expect(customerSystemText({ code: "customer_ended", text: "Customer ended the conversation" })).toBe(
      "You ended the chat.",
    );
    const aborted = customerSystemText({
      code: "aborted",
      text: "This conversation was aborted: rep Alice Moreau was removed. It can only be ended.",
    });
    expect(aborted).toBe("Sorry, this conversation cannot go on. Start a new one if you still need help.");
    expect(customerSystemText({ code: "ended", text: "The conversation has ended." })).toBe(
      "The conversation has ended.",
    );
  });
});
