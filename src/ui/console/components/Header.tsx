import { Box, Text } from "ink";
import type { UserView } from "../../../protocol/views.js";
import { sanitizeLine } from "../../../protocol/sanitize.js";
import type { ConnectionStatus } from "../../mirror/state.js";
import type { Theme } from "../../theme/theme.js";
import { fg } from "../../theme/theme.js";
import { PRESENCE_LABEL } from "../../theme/theme.js";

const CONNECTION: Record<ConnectionStatus, string> = {
  connecting: "connecting…",
  online: "online",
  reconnecting: "reconnecting…",
  closed: "disconnected",
};

export function Header(props: {
  me: UserView | null;
  offers: number;
  connection: ConnectionStatus;
  /** This rep's open consoles, this one included: more than one is said, since quitting one keeps them signed in. */
  consoles: number;
  /** The terminal's width: a narrow one makes room for the consoles notice by leaving out the org's name. */
  columns: number;
  org: string;
  theme: Theme;
}) {
  const { me, theme } = props;
  const presence = me ? PRESENCE_LABEL[me.presence] : null;
  const presenceColor = me?.presence === "available" ? theme.ok : me?.presence === "rona" ? theme.warn : theme.muted;
  return (
    <Box justifyContent="space-between">
      <Text>
        <Text bold>cc-agent</Text>
        {me ? <Text> · {sanitizeLine(me.name)} · </Text> : null}
        {presence ? (
          <Text {...fg(presenceColor)} bold={me?.presence === "rona"}>
            {presence.glyph} {presence.word}
          </Text>
        ) : null}
        {me ? (
          <Text>
            {" "}
            · capacity {me.used}/{me.capacity}
          </Text>
        ) : null}
        {props.offers > 0 ? (
          <Text {...fg(theme.accent)} bold inverse>
            {" "}
            {props.offers} offer{props.offers > 1 ? "s" : ""}{" "}
          </Text>
        ) : null}
      </Text>
      <Text {...fg(props.connection === "online" ? theme.muted : theme.warn)} bold={props.connection !== "online"}>
        {props.consoles > 1 && props.columns < 100 ? "" : `${sanitizeLine(props.org)} · `}
        {CONNECTION[props.connection]}
        {props.consoles > 1 ? ` · ${props.consoles} consoles open` : ""}
      </Text>
    </Box>
  );
}
