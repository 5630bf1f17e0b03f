// Tab completion, shared by the console's slash commands, the monitor's filter and the customer CLI: what a typed
// start may still become, and how far it can be extended before the candidates disagree.

/** Whether `typed` (the text before the cursor) is a command's name being typed: `/tr`, not a `//` message. */
export function isCommandName(typed: string): boolean {
  return /^\/(?!\/)\S*$/.test(typed);
}

/** The candidates that start with `typed`, ignoring letter case, in their own order. */
export function startingWith(typed: string, candidates: readonly string[]): string[] {
  const lower = typed.toLowerCase();
  return candidates.filter((c) => c.toLowerCase().startsWith(lower));
}

/** `typed` extended as far as every candidate agrees (letter case as the candidates have it); `typed` with none. */
export function sharedStart(typed: string, candidates: readonly string[]): string {
  let shared = candidates[0] ?? typed;
  for (const c of candidates) while (!c.toLowerCase().startsWith(shared.toLowerCase())) shared = shared.slice(0, -1);
  return shared.length >= typed.length ? shared : typed;
}
