import { Box, Text } from "ink";
import { sanitizeLine } from "../../../protocol/sanitize.js";
import type { OfferView } from "../../../protocol/views.js";
import { elapsed } from "../../mirror/selectors.js";
import type { Theme } from "../../theme/theme.js";
import { border, fg } from "../../theme/theme.js";

const KIND: Record<OfferView["kind"], string> = {
  route: "New conversation",
  transfer: "Transfer",
  conference: "Conference invitation",
  supervisor_transfer: "Transfer from a supervisor",
};

/** L1: customer name, queue, thread preview, rep name and date, time since arrival, countdown. */
export function OfferCard(props: {
  offer: OfferView;
  repName: string;
  now: number;
  countdown: number;
  more: number;
  theme: Theme;
}) {
  const { offer, theme } = props;
  const urgent = props.countdown <= 10;
  return (
    <Box flexDirection="column" borderStyle="double" {...border(theme.accent)} paddingX={1}>
      <Text bold>
        ⏵ {KIND[offer.kind]}
        {offer.proactive ? " ⚑ proactive" : ""}: {sanitizeLine(offer.customerName)} · {sanitizeLine(offer.queueName)}
        {offer.byName ? ` · from ${sanitizeLine(offer.byName)}` : ""}
      </Text>
      {offer.preview.map((m) => (
        <Text key={m.id} {...fg(theme.customer)} wrap="truncate-end">
          {"  "}
          {sanitizeLine(m.text)}
        </Text>
      ))}
      <Text>
        <Text {...fg(theme.muted)}>
          for {sanitizeLine(props.repName)} · {new Date(offer.createdAt).toLocaleString()} · waiting{" "}
          {elapsed(props.now - offer.arrivedAt)} ·{" "}
        </Text>
        <Text {...fg(urgent ? theme.error : theme.warn)} bold inverse={urgent}>
          {props.countdown}s left
        </Text>
        <Text> — Alt+Y accept · Alt+N reject{props.more > 0 ? ` · ${props.more} more waiting` : ""}</Text>
      </Text>
    </Box>
  );
}
