// How a customer's own clients (the widget, `cc-agent customer`) word a system message: the end they asked for is
// theirs ("You ended the chat."), not the third person the rep reads ("Customer ended the conversation"); and a
// conversation aborted because the org removed its queue or rep is said without staff's reason ("rep Alice was
// removed") or instructions ("It can only be ended").
import type { MessageView } from "./views.js";

export function customerSystemText(message: Pick<MessageView, "text"> & Partial<Pick<MessageView, "code">>): string {
  if (message.code === "customer_ended") return "You ended the chat.";
  if (message.code === "aborted")
    return "Sorry, this conversation cannot go on. Start a new one if you still need help.";
  return message.text;
}
