// One way of writing times everywhere on screen, in the terminal's locale (LC_ALL, LC_TIME, LANG): the offer
// card, the thread's gutter, the summary and the monitor agree on 24- or 12-hour clocks. The POSIX locale
// (C, or nothing set) writes 24-hour times, as `date` does there.

export interface Clock {
  /** "15:04" or "3:04 PM". */
  time(at: number): string;
  /** "4 Dec 2026, 15:04" or "Dec 4, 2026, 3:04 PM". */
  dateTime(at: number): string;
  /** "Fri, 4 Dec 2026": the thread's day separators. */
  day(at: number): string;
  /** The BCP 47 locale in use, and whether its clock has 12 hours. */
  locale: string;
  hour12: boolean;
}

/** "en_GB.UTF-8" → "en-GB"; undefined for the POSIX locale or a name Intl does not know. */
export function localeFromEnv(env: NodeJS.ProcessEnv): string | undefined {
  const raw = env.LC_ALL || env.LC_TIME || env.LANG || "";
  const name = raw.split(/[.@]/)[0]!.replace(/_/g, "-");
  if (name === "" || name === "C" || name === "POSIX") return undefined;
  try {
    return Intl.DateTimeFormat.supportedLocalesOf([name])[0];
  } catch {
    return undefined;
  }
}

/** The local midnight that starts the day of `at`. */
export function localMidnight(at: number): number {
  const d = new Date(at);
  return new Date(d.getFullYear(), d.getMonth(), d.getDate()).getTime();
}

export function makeClock(env: NodeJS.ProcessEnv = process.env): Clock {
  const fromEnv = localeFromEnv(env);
  // The POSIX locale: English words with a 24-hour clock.
  const locale = fromEnv ?? "en-GB";
  const hour12 = new Intl.DateTimeFormat(locale, { hour: "numeric" }).resolvedOptions().hour12 ?? false;
  const time = new Intl.DateTimeFormat(locale, { hour: hour12 ? "numeric" : "2-digit", minute: "2-digit", hour12 });
  const dateTime = new Intl.DateTimeFormat(locale, {
    year: "numeric",
    month: "short",
    day: "numeric",
    hour: hour12 ? "numeric" : "2-digit",
    minute: "2-digit",
    hour12,
  });
  const day = new Intl.DateTimeFormat(locale, { weekday: "short", year: "numeric", month: "short", day: "numeric" });
  // Intl writes a narrow no-break space before AM/PM in some locales; a plain space measures the same everywhere.
  const plain = (s: string) => s.replace(/[\u202f\u00a0]/g, " ");
  return {
    time: (at) => plain(time.format(at)),
    dateTime: (at) => plain(dateTime.format(at)),
    day: (at) => plain(day.format(at)),
    locale,
    hour12,
  };
}

let current: Clock | null = null;

/** The clock of this terminal (read from the environment once). */
export function clock(): Clock {
  current ??= makeClock();
  return current;
}

/** For tests: write times as a terminal with this environment would. */
export function setClockEnv(env: NodeJS.ProcessEnv): void {
  current = makeClock(env);
}
