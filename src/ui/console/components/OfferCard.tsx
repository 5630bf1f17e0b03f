import { Box, Text } from "ink";
import type { OfferView } from "../../../protocol/views.js";
import { elapsed } from "../../mirror/selectors.js";
import { cellWidth, clock, field, plainLine, truncate } from "../../text/index.js";
import type { Theme } from "../../theme/theme.js";
import { border, fg, GLYPH, SENTIMENT_LABEL, sentimentSeverity, severity } from "../../theme/theme.js";

const KIND: Record<OfferView["kind"], string> = {
  route: "New conversation",
  transfer: "Transfer",
  conference: "Conference invitation",
  supervisor_transfer: "Transfer from a supervisor",
  consult: "Consult request",
};

/** Rows the card takes on screen: its borders, the title, one row per preview message, two rows of detail. */
export function offerCardHeight(offer: OfferView): number {
  return 2 + 1 + offer.preview.length + 2;
}

/**
 * L1: customer name, queue, thread preview, the customer's sentiment (S9), rep name and date, time since arrival,
 * countdown. Every row is one
 * terminal line cut to the card's width in cells, so customer text never wraps the border or grows the card.
 */
export function OfferCard(props: {
  offer: OfferView;
  repName: string;
  now: number;
  countdown: number;
  more: number;
  /** Outer width in cells, borders included. */
  width: number;
  theme: Theme;
}) {
  const { offer, theme } = props;
  const urgent = props.countdown <= 10;
  // Borders and the padding either side.
  const inner = Math.max(10, props.width - 4);
  // A parked chat whose customer came back is not new (the server marks its routing offer).
  const kind = offer.returning ? "Customer back" : KIND[offer.kind];
  const head = `${GLYPH.offer} ${kind}${offer.proactive ? ` ${GLYPH.proactive} proactive` : ""}: `;
  const queue = ` · ${plainLine(offer.queueName)}${offer.byName ? ` · from ${plainLine(offer.byName)}` : ""}`;
  // The customer's name keeps at least 12 cells; the queue and who sent it are cut after it.
  const nameRoom = Math.max(12, inner - cellWidth(head) - cellWidth(queue));
  const name = field(offer.customerName, nameRoom);
  const rest = truncate(queue, Math.max(0, inner - cellWidth(head) - cellWidth(name)));
  const actions = ` — Alt+Y accept · Alt+N reject${props.more > 0 ? ` · ${props.more} more waiting` : ""}`;
  const countdown = `${props.countdown}s left`;
  // S9: how the customer feels, before the rep accepts; the alert mark when it is past the workstream's threshold.
  const feeling = SENTIMENT_LABEL[Math.max(-3, Math.min(3, Math.round(offer.sentiment))) as -3];
  const mood = `${feeling.glyph} ${feeling.word}${offer.alert ? ` ${GLYPH.alert}` : ""}`;
  return (
    <Box flexDirection="column" borderStyle="round" {...border(theme.accent)} paddingX={1} width={props.width}>
      <Text bold wrap="truncate-end">
        {truncate(head, inner)}
        {name}
        {rest}
      </Text>
      {offer.preview.map((m) => {
        // A returning chat's preview may hold staff's lines too: they are said with who wrote them (L3's colours).
        const who = m.author.role === "rep" || m.author.role === "supervisor" ? `${plainLine(m.author.name)}: ` : "";
        return (
          <Text key={m.id} {...fg(who ? theme.rep : theme.customer)} wrap="truncate-end">
            {"  "}
            {who}
            {field(m.text, Math.max(1, inner - 2 - cellWidth(who)))}
          </Text>
        );
      })}
      <Text wrap="truncate-end">
        <Text {...severity(theme, offer.alert ? "act" : sentimentSeverity(offer.sentiment))}>{mood}</Text>
        <Text {...fg(theme.muted)}>
          {truncate(
            // The customer's wait first: a narrow card cuts the date, not the wait. A consult or a conference asks a
            // colleague's help with a customer someone already answers: no wait to tell.
            `${offer.kind === "consult" || offer.kind === "conference" ? "" : ` · waiting ${elapsed(props.now - offer.arrivedAt)}`} · for ${plainLine(props.repName)} · ${clock().dateTime(offer.createdAt)}`,
            Math.max(0, inner - cellWidth(mood)),
          )}
        </Text>
      </Text>
      <Text wrap="truncate-end">
        <Text {...fg(urgent ? theme.error : theme.warn)} bold inverse={urgent}>
          {countdown}
        </Text>
        <Text>{truncate(actions, Math.max(0, inner - cellWidth(countdown)))}</Text>
      </Text>
    </Box>
  );
}
