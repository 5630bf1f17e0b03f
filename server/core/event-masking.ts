// An event of the log as staff may see it (the event stream, `cc-agent events`): customer text and personal data
// masked the way a supervisor's views mask them (SPEC L6), and the customer's identity key left out.
import { maskName, maskText } from "./masking.js";
import type { Conversation, DomainEvent, Message } from "./model.js";

/** A plain JSON object: the event's fields, masked. */
export type StaffEvent = { seq: number; at: number; type: DomainEvent["type"] } & Record<string, unknown>;

function staffMessage(message: Message, masking: boolean): Message {
  return masking && message.author.role === "customer" ? { ...message, text: maskText(message.text) } : message;
}

function staffConversation(c: Conversation, masking: boolean): Record<string, unknown> {
  const { key: _key, ...customer } = c.customer;
  void _key;
  if (masking) {
    customer.name = maskName(customer.name);
    if (customer.email !== undefined) customer.email = maskText(customer.email);
    if (customer.phone !== undefined) customer.phone = maskText(customer.phone);
  }
  const context: Record<string, string> = {};
  for (const k of Object.keys(c.context)) context[k] = masking ? maskText(c.context[k]!) : c.context[k]!;
  return {
    ...c,
    customer,
    title: masking ? maskName(c.title) : c.title,
    context,
    messages: c.messages.map((m) => staffMessage(m, masking)),
  };
}

/** `masking`: the org's setting (masking on for staff views). The event itself is not changed. */
export function staffEvent(event: DomainEvent, masking: boolean): StaffEvent {
  switch (event.type) {
    case "conversation_created":
      return { ...event, conversation: staffConversation(event.conversation, masking) };
    case "message_added":
      return { ...event, message: staffMessage(event.message, masking) };
    case "rating_given":
      return masking && event.comment !== undefined ? { ...event, comment: maskText(event.comment) } : { ...event };
    default:
      return { ...event };
  }
}
