// Times as the console prints them, in a named IANA time zone. Pure (the zone is an argument), so
// the server and the browser print the same text and tests pin it. One fixed locale (en-GB:
// "2 Dec 2026, 19:32:28"), so a server in one locale and a browser in another never disagree.

const LOCALE = "en-GB";

export type TTimeFormat = "full" | "short" | "time" | "date-time";

const cache = new Map<string, Intl.DateTimeFormat>();

function formatter(zone: string, options: Intl.DateTimeFormatOptions): Intl.DateTimeFormat {
  const key = `${zone}|${JSON.stringify(options)}`;
  let format = cache.get(key);
  if (!format) {
    format = new Intl.DateTimeFormat(LOCALE, { ...options, timeZone: zone });
    cache.set(key, format);
  }
  return format;
}

const OPTIONS: Record<TTimeFormat, Intl.DateTimeFormatOptions> = {
  // "2 Dec 2026, 19:32:28"
  full: {
    day: "numeric",
    month: "short",
    year: "numeric",
    hour: "2-digit",
    minute: "2-digit",
    second: "2-digit",
    hourCycle: "h23",
  },
  // dense tables: minutes are enough unless rows share a minute (see needsSeconds)
  short: {
    day: "numeric",
    month: "short",
    year: "numeric",
    hour: "2-digit",
    minute: "2-digit",
    hourCycle: "h23",
  },
  // "19:32:28"
  time: { hour: "2-digit", minute: "2-digit", second: "2-digit", hourCycle: "h23" },
  // "2 Dec 19:32:28": the ticket sentence's first moment
  "date-time": {
    day: "numeric",
    month: "short",
    hour: "2-digit",
    minute: "2-digit",
    second: "2-digit",
    hourCycle: "h23",
  },
};

/** Whether `zone` is an IANA zone this runtime knows. */
export function isKnownTimeZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat(LOCALE, { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

export function formatInZone(date: Date, zone: string, format: TTimeFormat): string {
  return formatter(zone, OPTIONS[format]).format(date).replace(",", "");
}

/** The zone's short name at that moment: "CET", "UTC", "GMT-3" where no abbreviation exists. */
export function zoneName(date: Date, zone: string): string {
  if (zone === "UTC" || zone === "Etc/UTC") return "UTC";
  const part = formatter(zone, { timeZoneName: "short" })
    .formatToParts(date)
    .find((p) => p.type === "timeZoneName");
  return part?.value ?? zone;
}

/** "2026-12-02 18:32:28 UTC": the exact form, for titles and the server's first render. */
export function formatUtc(date: Date): string {
  return `${date.toISOString().replace("T", " ").slice(0, 19)} UTC`;
}

/** Whether a list of times needs seconds to tell rows apart (two share a minute). */
export function needsSeconds(dates: readonly Date[]): boolean {
  const minutes = new Set<number>();
  for (const date of dates) {
    const minute = Math.floor(date.getTime() / 60_000);
    if (minutes.has(minute)) return true;
    minutes.add(minute);
  }
  return false;
}

/** Whether two moments fall on the same calendar day in `zone`. */
export function isSameDay(a: Date, b: Date, zone: string): boolean {
  const day = formatter(zone, { year: "numeric", month: "2-digit", day: "2-digit" });
  return day.format(a) === day.format(b);
}
