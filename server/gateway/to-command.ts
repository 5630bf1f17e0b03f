// The mapping of a client's request to the core command it asks for. Requests that only read (answered by the
// gateway from its replica or the log), typing (a relay) and a presence change that another console keeps are not
// commands and are not here.
import type { Command } from "../core/model.js";
import type { ClientRequest, Hello } from "../../src/protocol/messages.js";

/** Requests the gateway answers itself, without a command. */
export type ReadRequest = Extract<
  ClientRequest,
  {
    type:
      | "status"
      | "targets"
      | "events"
      | "why"
      | "figures"
      | "open_items"
      | "today"
      | "history"
      | "history_conversation"
      | "messages";
  }
>;

/** Requests that become a command. */
export type CommandRequest = Exclude<ClientRequest, ReadRequest | { type: "typing" }>;

export function isRead(request: ClientRequest): request is ReadRequest {
  switch (request.type) {
    case "status":
    case "targets":
    case "events":
    case "why":
    case "figures":
    case "open_items":
    case "today":
    case "history":
    case "history_conversation":
    case "messages":
      return true;
    default:
      return false;
  }
}

/** Who asks: a customer's requests become customer commands; `identity` is what a customer signed in with. */
export interface Requester {
  role: "rep" | "supervisor" | "customer";
  identity: Extract<Hello, { role: "customer" }>["identity"];
}

export function toCommand(from: Requester, request: CommandRequest): Command {
  switch (request.type) {
    case "start": {
      const fields = from.identity ? { ...from.identity } : {};
      delete (fields as { sig?: string }).sig;
      delete (fields as { expires?: number }).expires;
      const command: Command = { type: "customer.start", workstreamId: request.workstream, identity: fields };
      if (request.text !== undefined) command.text = request.text;
      if (request.clientId !== undefined) command.clientId = request.clientId;
      if (request.proactive !== undefined) command.proactive = request.proactive;
      if (request.context !== undefined) command.context = request.context;
      return command;
    }
    case "send":
      return from.role === "customer"
        ? withClientId(
            { type: "customer.message", conversationId: request.conversationId, text: request.text },
            request.clientId,
          )
        : withClientId(
            { type: "message", conversationId: request.conversationId, text: request.text },
            request.clientId,
          );
    case "end":
      return from.role === "customer"
        ? { type: "customer.end", conversationId: request.conversationId }
        : { type: "end", conversationId: request.conversationId };
    case "rate": {
      const command: Command = { type: "customer.rate", conversationId: request.conversationId, score: request.score };
      if (request.comment !== undefined) command.comment = request.comment;
      return command;
    }
    case "presence":
      return request.reasonId === undefined
        ? { type: "presence", presence: request.presence }
        : { type: "presence", presence: request.presence, reasonId: request.reasonId };
    case "set_presence":
      return request.reasonId === undefined
        ? { type: "set_presence", userId: request.userId, presence: request.presence }
        : { type: "set_presence", userId: request.userId, presence: request.presence, reasonId: request.reasonId };
    case "accept":
    case "reject":
      return { type: request.type, offerId: request.offerId };
    case "pick":
    case "end_conference":
    case "close":
    case "force_close":
    case "leave":
      return { type: request.type, conversationId: request.conversationId };
    case "transfer":
      return { type: "transfer", conversationId: request.conversationId, target: request.target };
    case "supervisor_transfer":
      return { type: "supervisor_transfer", conversationId: request.conversationId, target: request.target };
    case "conference":
      return { type: "conference", conversationId: request.conversationId, repId: request.repId };
    case "wrapup":
      return { type: "wrapup", conversationId: request.conversationId, reasonId: request.reasonId };
    case "note":
    case "whisper":
      return { type: request.type, conversationId: request.conversationId, text: request.text };
    case "consult":
      return { type: "consult", conversationId: request.conversationId, repId: request.repId };
    case "end_consult":
      return request.repId === undefined
        ? { type: "end_consult", conversationId: request.conversationId }
        : { type: "end_consult", conversationId: request.conversationId, repId: request.repId };
    case "monitor":
    case "join":
      return { type: "monitor", conversationId: request.conversationId, mode: request.type };
    case "assign":
      return {
        type: "assign",
        conversationId: request.conversationId,
        target: request.target,
        override: request.override ?? false,
      };
  }
}

function withClientId<T extends Command>(command: T, clientId: string | undefined): T {
  if (clientId !== undefined) (command as T & { clientId?: string }).clientId = clientId;
  return command;
}
