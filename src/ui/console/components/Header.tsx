import { Box, Text } from "ink";
import type { UserView } from "../../../protocol/views.js";
import type { ConnectionStatus } from "../../mirror/state.js";
import { cellWidth, field, plainLine } from "../../text/index.js";
import type { Theme } from "../../theme/theme.js";
import { fg } from "../../theme/theme.js";
import { PRESENCE_LABEL } from "../../theme/theme.js";

const CONNECTION: Record<ConnectionStatus, string> = {
  connecting: "connecting…",
  online: "online",
  reconnecting: "reconnecting…",
  closed: "disconnected",
};

/** Capacity in words: "capacity 2/3", and when a supervisor assigned past it, by how much. */
export function capacityText(me: Pick<UserView, "used" | "capacity">): string {
  const over = me.used - me.capacity;
  return over > 0
    ? `capacity ${me.used}/${me.capacity}, ${over} over by supervisor override`
    : `capacity ${me.used}/${me.capacity}`;
}

/**
 * One line, never wider than the terminal: presence, capacity, offers and the connection always show; the
 * rep's name is cut, then the organisation's name goes, when the line is short of room.
 */
export function Header(props: {
  me: UserView | null;
  offers: number;
  connection: ConnectionStatus;
  org: string;
  width: number;
  theme: Theme;
}) {
  const { me, theme, width } = props;
  const presence = me ? PRESENCE_LABEL[me.presence] : null;
  const presenceColor = me?.presence === "available" ? theme.ok : me?.presence === "rona" ? theme.warn : theme.muted;
  const presenceText = presence ? `${presence.glyph} ${presence.word}` : "";
  const capacity = me ? ` · ${capacityText(me)}` : "";
  const offers = props.offers > 0 ? ` ${props.offers} offer${props.offers > 1 ? "s" : ""} ` : "";
  const connection = CONNECTION[props.connection];
  const org = plainLine(props.org);
  const fixed = cellWidth(`cc-agent${me ? " ·  · " : ""}${presenceText}${capacity}${offers}`) + 1;
  // The organisation's name stays while the rep's name keeps at least 8 cells.
  const withOrg = org !== "" && width - fixed - cellWidth(`${org} · ${connection}`) >= 8;
  const right = withOrg ? `${org} · ${connection}` : connection;
  const nameRoom = width - fixed - cellWidth(right);
  const name = me ? field(me.name, Math.max(0, nameRoom)) : "";
  return (
    <Box justifyContent="space-between" width={width} height={1}>
      <Text wrap="truncate-end">
        <Text bold>cc-agent</Text>
        {me ? <Text> · {name} · </Text> : null}
        {presence ? (
          <Text {...fg(presenceColor)} bold={me?.presence === "rona"}>
            {presenceText}
          </Text>
        ) : null}
        {me ? (
          <Text {...fg(me.used > me.capacity ? theme.warn : undefined)} bold={me.used > me.capacity}>
            {capacity}
          </Text>
        ) : null}
        {offers ? (
          <Text {...fg(theme.accent)} bold inverse>
            {offers}
          </Text>
        ) : null}
      </Text>
      <Text
        {...fg(props.connection === "online" ? theme.muted : theme.warn)}
        bold={props.connection !== "online"}
        wrap="truncate-end"
      >
        {" "}
        {withOrg ? field(props.org) : ""}
        {withOrg ? " · " : ""}
        {connection}
      </Text>
    </Box>
  );
}
