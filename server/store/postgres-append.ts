// A commit of the Postgres store in one statement (the function cc_append, one round trip instead of one per step),
// and the notifications it sends: followers take the events and their commands' outcomes from them, without reading
// the tables (server/cluster/log-bus.ts, command-channel-pg.ts).
import type { EncodedEvent } from "./queued-store.js";

/** The NOTIFY channel each commit of events signals, with the events themselves (eventPayloads). */
export const EVENTS_CHANNEL = "cc_events";
/**
 * The NOTIFY channel each commit that records commands' outcomes signals: once per node concerned with its outcomes
 * (outcomesPayload), or with the nodes' names alone (comma-separated) when they do not fit or the commit went the slow
 * way (with a snapshot): each follower then reads its answered rows of cc_commands.
 */
export const OUTCOMES_CHANNEL = "cc_outcomes";
/** Advisory lock key every writer takes (any bigint; this spells "ccAG"). */
export const WRITE_LOCK = 0x63634147;
/** Postgres refuses a NOTIFY payload of 8,000 bytes or more. */
const MAX_PAYLOAD_BYTES = 8_000;
/** The SQLSTATEs cc_append raises when the log moved on (DETAIL: its last seq) or the term is not the writer's. */
export const CONFLICT_STATE = "CC001";
export const FENCED_STATE = "CC002";
/**
 * A commit in one statement (one round trip instead of one per step): under the writers' lock, the log must end at
 * expected_last and (for a cluster writer) cc_leader must hold the writer's term, FOR SHARE until the statement's
 * transaction commits; then the events, their notifications, and the commands' outcomes with the seq the log ends at
 * and, for each node concerned, a notification carrying its outcomes (outcomesPayload) or, when they do not fit, its
 * name alone (it reads its rows). Replaced at every start, so a newer server's version wins.
 */
export const APPEND_FUNCTION = `
CREATE OR REPLACE FUNCTION cc_append(
  expected_last bigint, unfenced boolean, mine bigint,
  seqs bigint[], ats float8[], types text[], bodies text, threads text[], positions bigint[],
  payloads text, outcome_ids bigint[], outcome_bodies text
) RETURNS void LANGUAGE plpgsql AS $$
DECLARE
  last_seq bigint;
  current_term bigint;
  payload text;
  nodes text[];
  listings text[];
BEGIN
  PERFORM pg_advisory_xact_lock(${WRITE_LOCK});
  SELECT coalesce(max(seq), 0) INTO last_seq FROM events;
  IF last_seq <> expected_last THEN
    RAISE EXCEPTION 'the event log moved on' USING ERRCODE = '${CONFLICT_STATE}', DETAIL = last_seq::text;
  END IF;
  IF NOT unfenced THEN
    SELECT term INTO current_term FROM cc_leader FOR SHARE;
    IF mine IS NULL OR current_term IS DISTINCT FROM mine THEN
      RAISE EXCEPTION 'not leader' USING ERRCODE = '${FENCED_STATE}', DETAIL = coalesce(current_term::text, '');
    END IF;
  END IF;
  IF cardinality(seqs) > 0 THEN
    INSERT INTO events (seq, at, type, body, thread, position)
      SELECT * FROM unnest(seqs, ats, types, string_to_array(bodies, E'\\n'), threads, positions);
    last_seq := seqs[cardinality(seqs)];
  END IF;
  FOREACH payload IN ARRAY string_to_array(payloads, E'\\x1e') LOOP
    PERFORM pg_notify('${EVENTS_CHANNEL}', payload);
  END LOOP;
  IF cardinality(outcome_ids) > 0 THEN
    WITH answered AS (
      UPDATE cc_commands SET outcome = t.outcome::jsonb, seq = last_seq
        FROM unnest(outcome_ids, string_to_array(outcome_bodies, E'\\n')) AS t(id, outcome)
        WHERE cc_commands.id = t.id RETURNING cc_commands.node, cc_commands.id, t.outcome),
    by_node AS (
      SELECT coalesce(node, '') AS node, string_agg(id || E'\\t' || outcome, E'\\n' ORDER BY id) AS listing
      FROM answered GROUP BY 1)
    SELECT array_agg(node ORDER BY node), array_agg(listing ORDER BY node) INTO nodes, listings FROM by_node;
    FOR i IN 1 .. coalesce(cardinality(nodes), 0) LOOP
      IF octet_length(listings[i]) < ${MAX_PAYLOAD_BYTES - 200} THEN
        PERFORM pg_notify('${OUTCOMES_CHANNEL}', nodes[i] || E'\\n' || last_seq || E'\\n' || listings[i]);
      ELSE
        PERFORM pg_notify('${OUTCOMES_CHANNEL}', nodes[i]);
      END IF;
    END LOOP;
  END IF;
END
$$`;

/**
 * The call of cc_append. The JSON texts (events, their notifications, outcomes) go as one text each, a line apiece
 * (JSON has no raw newline; notifications are split at U+001E, which JSON escapes too): node-postgres escapes every
 * element of an array parameter, a cost that grows with the bodies' quotes, and a split in Postgres costs next to nothing.
 */
export const APPEND =
  "SELECT cc_append($1::bigint, $2::boolean, $3::bigint, $4::bigint[], $5::float8[], $6::text[], $7::text, $8::text[], $9::bigint[], $10::text, $11::bigint[], $12::text)";

/**
 * The notifications of a commit on EVENTS_CHANNEL: the events themselves, so that followers need not read them back.
 * Each payload is "<first seq> <last seq>" and then each event's body on a line of its own (JSON has no raw newline),
 * within Postgres's limit on a payload; an event too large for one is announced by its seq alone ("<seq> <seq>"),
 * and followers read it from the table.
 */
export function eventPayloads(events: readonly EncodedEvent[]): string[] {
  const payloads: string[] = [];
  let bodies: string[] = [];
  let first = 0;
  let last = 0;
  let bytes = 0;
  const flush = (): void => {
    if (bodies.length > 0) payloads.push(`${first} ${last}\n${bodies.join("\n")}`);
    bodies = [];
    bytes = 0;
  };
  for (const event of events) {
    const size = Buffer.byteLength(event.body) + 1;
    if (size > MAX_PAYLOAD_BYTES - 64) {
      flush();
      payloads.push(`${event.seq} ${event.seq}`);
      continue;
    }
    if (bytes + size > MAX_PAYLOAD_BYTES - 64) flush();
    if (bodies.length === 0) first = event.seq;
    bodies.push(event.body);
    last = event.seq;
    bytes += size;
  }
  flush();
  return payloads;
}

/**
 * What a payload of EVENTS_CHANNEL says: the seqs it covers, and the events' JSON when it carries them (`bodies()`
 * empty: read them). Null when it is not one. The bodies are split only when asked for (a node that has the events
 * already need not).
 */
export function parseEventPayload(payload: string): { first: number; last: number; bodies(): string[] | null } | null {
  const newline = payload.indexOf("\n");
  const header = newline < 0 ? payload : payload.slice(0, newline);
  const space = header.indexOf(" ");
  const first = Number(header.slice(0, space));
  const last = Number(header.slice(space + 1));
  if (space < 0 || !Number.isSafeInteger(first) || !Number.isSafeInteger(last) || last < first) return null;
  return {
    first,
    last,
    bodies() {
      if (newline < 0) return [];
      const bodies = payload.slice(newline + 1).split("\n");
      return bodies.length === last - first + 1 ? bodies : null;
    },
  };
}

/**
 * What a notification on OUTCOMES_CHANNEL tells `node`: null when it is not for it; the outcomes it carries (row id,
 * the outcome's JSON, and the seq the log ends at with them), or none when only the nodes were named (read the rows).
 */
export function outcomesPayload(
  payload: string,
  node: string,
): { seq: number; outcomes: { id: number; outcome: string }[] } | null {
  const newline = payload.indexOf("\n");
  if (newline < 0) return payload.split(",").includes(node) ? { seq: 0, outcomes: [] } : null;
  if (payload.slice(0, newline) !== node) return null;
  const lines = payload.slice(newline + 1).split("\n");
  const seq = Number(lines[0]);
  const outcomes: { id: number; outcome: string }[] = [];
  for (const line of lines.slice(1)) {
    const tab = line.indexOf("\t");
    outcomes.push({ id: Number(line.slice(0, tab)), outcome: line.slice(tab + 1) });
  }
  return { seq, outcomes };
}
