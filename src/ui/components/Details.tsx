import { memo } from "react";
import { Box, Text } from "ink";
import { sanitizeLine } from "../../protocol/sanitize.js";
import { field } from "../text/index.js";
import type { ConversationView, RatingView } from "../../protocol/views.js";
import type { Theme } from "../theme/theme.js";
import { fg, sentimentSeverity, severity } from "../theme/theme.js";

const SENTIMENT = [
  "very negative",
  "negative",
  "slightly negative",
  "neutral",
  "slightly positive",
  "positive",
  "very positive",
];

/** The customer's rating (CSAT), as staff read it: `Customer rating: ★★★★☆ 4/5 · “Quick help”`. */
export function ratingLine(rating: RatingView): string {
  const score = Math.max(0, Math.min(5, Math.round(rating.score)));
  const comment = rating.comment ? sanitizeLine(rating.comment) : "";
  return `Customer rating: ${"★".repeat(score)}${"☆".repeat(5 - score)} ${score}/5${comment ? ` · “${comment}”` : ""}`;
}

/**
 * S2, PC5, PC6, L4: contact or account, case, summary, context variables, and the abort warning with what the
 * viewer can do about it (`abortAdvice`: the rep ends it, a supervisor force-closes it).
 */
export const Details = memo(function Details(props: {
  view: ConversationView;
  summary: string;
  abortAdvice: string;
  /** Width in cells; the customer's name keeps its room before the rest of the line is cut. */
  width?: number;
  theme: Theme;
}) {
  const { view, theme } = props;
  const c = view.customer;
  const context = Object.entries(view.context);
  return (
    <Box flexDirection="column">
      {view.aborted ? (
        <Text {...fg(theme.error)} bold inverse>
          ⚠ Aborted: {sanitizeLine(view.aborted)}. {props.abortAdvice}
        </Text>
      ) : null}
      <Text wrap="truncate-end">
        <Text bold>{field(c.name, Math.max(12, Math.floor((props.width ?? 200) / 2)))}</Text>
        {c.account ? ` · account ${field(c.account, 40)}` : ""}
        {c.caseTitle ? ` · case ${field(c.caseTitle, 60)}` : ""}
        {c.email ? ` · ${field(c.email, 60)}` : ""}
        {c.phone ? ` · ${field(c.phone, 30)}` : ""}
        {c.authenticated ? "" : " · visitor"}
        <Text {...fg(theme.muted)}>
          {" "}
          · {field(view.queueName, 30)} · {view.mode}
        </Text>
        <Text {...severity(theme, sentimentSeverity(view.sentiment))}>
          {" "}
          · sentiment {SENTIMENT[view.sentiment + 3]}
        </Text>
        {view.alert ? <Text {...severity(theme, "act")}> !</Text> : null}
        {view.proactive ? <Text {...fg(theme.accent)}> · ⚑ proactive</Text> : null}
      </Text>
      {context.length > 0 ? (
        <Text {...fg(theme.muted)} wrap="truncate-end">
          {context.map(([k, v]) => `${field(k, 30)}: ${field(v, 60)}`).join(" · ")}
        </Text>
      ) : null}
      {props.summary ? (
        <Text {...fg(theme.muted)} wrap="truncate-end">
          summary: {props.summary}
        </Text>
      ) : null}
    </Box>
  );
});
