import { memo } from "react";
import { Text } from "ink";
import type { UserView } from "../../../protocol/views.js";
import type { ConnectionStatus } from "../../mirror/state.js";
import { cellWidth, padEnd, plainLine, truncate } from "../../text/index.js";
import type { Theme } from "../../theme/theme.js";
import { fg, GLYPH, PRESENCE_LABEL } from "../../theme/theme.js";
import { userPresenceText } from "../../components/presence-items.js";

const CONNECTION: Record<ConnectionStatus, string> = {
  connecting: "connecting…",
  online: "online",
  reconnecting: "reconnecting…",
  closed: "disconnected",
};

/** The capacity as a meter: `▮▮▯ 2/3`; past the limit the extra cells are full and it says "over". */
export function capacityMeter(me: Pick<UserView, "used" | "capacity">): string {
  const cells = Math.min(12, Math.max(me.used, me.capacity));
  const full = Math.min(cells, me.used);
  const meter = GLYPH.meterFull.repeat(full) + GLYPH.meterEmpty.repeat(cells - full);
  return `${meter} ${me.used}/${me.capacity}${me.used > me.capacity ? ` ${me.used - me.capacity} over` : ""}`;
}

interface Slot {
  text: string;
  color?: string | undefined;
  bold?: boolean;
  inverse?: boolean;
}

/**
 * The status bar: one row in fixed slots — product, presence, capacity meter, offers pill, connection, the
 * "N consoles open" notice, then the rep's and organisation's names. Slots keep their order and the row is cut
 * from the right, so what matters most never moves and nothing is wider than the terminal.
 */
export const Header = memo(function Header(props: {
  me: UserView | null;
  offers: number;
  connection: ConnectionStatus;
  /** This rep's open consoles, this one included: more than one is said, since quitting one keeps them signed in. */
  consoles: number;
  org: string;
  /** The terminal's width. */
  width: number;
  theme: Theme;
}) {
  const { me, theme, width } = props;
  const over = me !== null && me.used > me.capacity;
  const presence = me ? PRESENCE_LABEL[me.presence] : null;
  const slots: Slot[] = [{ text: "cc-agent", bold: true }];
  if (me && presence) {
    slots.push({
      text: userPresenceText(me),
      color: me.presence === "available" ? theme.ok : me.presence === "rona" ? theme.error : theme.muted,
      bold: me.presence === "rona",
    });
    slots.push({ text: capacityMeter(me), color: over ? theme.error : undefined, bold: over });
  }
  if (props.offers > 0) {
    slots.push({
      text: ` ${GLYPH.offer} ${props.offers} offer${props.offers > 1 ? "s" : ""} `,
      color: theme.accent,
      bold: true,
      inverse: true,
    });
  }
  const online = props.connection === "online";
  slots.push({ text: CONNECTION[props.connection], color: online ? theme.muted : theme.error, bold: !online });
  if (props.consoles > 1) slots.push({ text: `${props.consoles} consoles open`, color: theme.warn, bold: true });
  if (me) slots.push({ text: plainLine(me.name), color: theme.muted });
  const org = plainLine(props.org);
  if (org) slots.push({ text: org, color: theme.muted });

  // Cut from the right: whole slots while they fit, the first that does not is shortened, the rest dropped.
  const sep = "  ";
  const shown: Slot[] = [];
  let used = 0;
  for (const slot of slots) {
    const gap = shown.length > 0 ? sep.length : 0;
    const room = width - used - gap;
    if (room <= 1) break;
    const text = cellWidth(slot.text) <= room ? slot.text : truncate(slot.text, room);
    shown.push({ ...slot, text });
    used += gap + cellWidth(text);
    if (text !== slot.text) break;
  }
  return (
    <Text wrap="truncate-end">
      {shown.map((slot, i) => (
        <Text key={i}>
          {i > 0 ? sep : ""}
          <Text {...fg(slot.color)} bold={slot.bold ?? false} inverse={slot.inverse ?? false}>
            {slot.text}
          </Text>
        </Text>
      ))}
      {padEnd("", Math.max(0, width - used))}
    </Text>
  );
});
