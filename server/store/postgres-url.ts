// What selects the Postgres store, and how its URL is shown: apart from the store, so that a server on a SQLite file
// does not load the Postgres client (pg) to ask.
/** `postgres://` and `postgresql://` URLs select this store (`cc-agent server --data URL`); anything else is a file. */
export function isPostgresUrl(data: string): boolean {
  return /^postgres(ql)?:\/\//i.test(data);
}

/**
 * `--data` names a SQLite file or a Postgres URL: any other `scheme://` (mysql://, a postgress:// typo) is refused
 * rather than taken for a file path, which would make folders named after the URL.
 */
export function checkDataLocation(data: string): void {
  const scheme = /^([a-z][a-z0-9+.-]*):\/\//i.exec(data)?.[1];
  if (scheme === undefined || isPostgresUrl(data)) return;
  throw new Error(
    `--data ${scheme}://… is not supported: give a SQLite file path, or a postgres:// URL for a Postgres database`,
  );
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
