// How a customer's own clients (the widget, `cc-agent customer`) word a system message: the end they asked for is
// theirs ("You ended the chat."), not the third person the rep reads ("Customer ended the conversation").
import type { MessageView } from "./views.js";

export function customerSystemText(message: Pick<MessageView, "text"> & Partial<Pick<MessageView, "code">>): string {
  if (message.code === "customer_ended") return "You ended the chat.";
  return message.text;
}
