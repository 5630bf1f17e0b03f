// What selects the Postgres store, and how its URL is shown: apart from the store, so that a server on a SQLite file
// does not load the Postgres client (pg) to ask.
/** `postgres://` and `postgresql://` URLs select this store (`cc-agent server --data URL`); anything else is a file. */
export function isPostgresUrl(data: string): boolean {
  return /^postgres(ql)?:\/\//i.test(data);
}

/** The URL with its password replaced by "***", for logs and messages: the password is never printed. */
export function redactUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password !== "") parsed.password = "***";
    for (const key of [...parsed.searchParams.keys()]) {
      if (/pass/i.test(key)) parsed.searchParams.set(key, "***");
    }
    return parsed.toString();
  } catch {
    // Not parseable as a URL: hide everything between "//" and "@".
    return url.replace(/\/\/[^@/]*@/, "//***@");
  }
}
