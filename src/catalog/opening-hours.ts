import OpeningHoursLib from 'opening_hours';

/**
 * Opening hours in the OpenStreetMap syntax, evaluated in Europe/Berlin with the public holidays of
 * Lower Saxony. The library works in the process's local time, so the process runs in Europe/Berlin:
 * `main.ts` and the test script set TZ (everything else in Lotse uses explicit UTC), and every evaluation
 * checks it rather than answer in the wrong time zone.
 */
export const TIME_ZONE = 'Europe/Berlin';

function assertBerlin(): void {
  const zone = Intl.DateTimeFormat().resolvedOptions().timeZone;
  if (zone !== TIME_ZONE) throw new Error(`opening hours need the process time zone ${TIME_ZONE} (TZ), found ${zone}`);
}

const NOMINATIM = { lat: 52.85, lon: 8.05, address: { country_code: 'de', state: 'Niedersachsen' } };

type Lib = InstanceType<typeof OpeningHoursLib>;

export interface Closure {
  from: string; // YYYY-MM-DD
  to: string;
}

export interface TimeRange {
  from: Date;
  to: Date;
}

export const WEEKDAYS = ['MONDAY', 'TUESDAY', 'WEDNESDAY', 'THURSDAY', 'FRIDAY', 'SATURDAY', 'SUNDAY'] as const;
export type Weekday = (typeof WEEKDAYS)[number];

/** A holiday-free reference week (Monday 12 January 2026) for the regular weekly table. */
const REFERENCE_MONDAY = new Date('2026-01-12T00:00:00');

export class OpeningHoursError extends Error {}

const cache = new Map<string, Lib>();

/** Parses (and caches) an opening_hours value; throws OpeningHoursError with the library's message. */
export function parseOpeningHours(value: string): Lib {
  assertBerlin();
  let parsed = cache.get(value);
  if (!parsed) {
    try {
      parsed = new OpeningHoursLib(value, NOMINATIM as never, { mode: 0, tag_key: 'opening_hours', locale: 'de' } as never);
    } catch (error) {
      throw new OpeningHoursError(String(error).replace(/\s+/g, ' ').trim());
    }
    if (cache.size > 1000) cache.clear();
    cache.set(value, parsed);
  }
  return parsed;
}

/** Warnings the library has about a value that parses (e.g. a missing "PH off"). */
export function openingHoursWarnings(value: string): string[] {
  return parseOpeningHours(value)
    .getWarnings()
    .map((w) => String(w).replace(/\s+/g, ' ').trim());
}

// one formatter for the process: making an Intl.DateTimeFormat costs far more than formatting with it
const BERLIN_DAY = new Intl.DateTimeFormat('sv-SE', { timeZone: TIME_ZONE, year: 'numeric', month: '2-digit', day: '2-digit' });

/** The calendar day of `instant` in Europe/Berlin, as YYYY-MM-DD. */
export function berlinDate(instant: Date): string {
  return BERLIN_DAY.format(instant);
}

function closedOn(instant: Date, closures: readonly Closure[]): boolean {
  const day = berlinDate(instant);
  return closures.some((c) => c.from <= day && day <= c.to);
}

export function isOpen(value: string, at: Date, closures: readonly Closure[] = []): boolean {
  if (closedOn(at, closures)) return false;
  return parseOpeningHours(value).getState(at);
}

/** Open intervals in [from, to), without the closure days. Intervals that span midnight are cut at it. */
export function openIntervals(value: string, from: Date, to: Date, closures: readonly Closure[] = []): TimeRange[] {
  return parseOpeningHours(value)
    .getOpenIntervals(from, to)
    .map(([start, end]) => ({ from: start, to: end }))
    .filter((range) => !closedOn(range.from, closures));
}

/** The next `count` openings from `from` on, looking at most `horizonDays` ahead. */
export function nextOpenings(value: string, from: Date, count: number, closures: readonly Closure[] = [], horizonDays = 120): TimeRange[] {
  const until = new Date(from.getTime() + horizonDays * 86_400_000);
  return openIntervals(value, from, until, closures).slice(0, count);
}

const pad = (n: number) => String(n).padStart(2, '0');
const hhmm = (d: Date) => `${pad(d.getHours())}:${pad(d.getMinutes())}`;

/** The regular weekly hours (a week without holidays), e.g. MONDAY: 08:00–12:00, 13:00–16:00. */
export function weeklyTable(value: string): Array<{ day: Weekday; ranges: Array<{ from: string; to: string }> }> {
  const end = new Date(REFERENCE_MONDAY.getTime() + 7 * 86_400_000);
  const table = WEEKDAYS.map((day) => ({ day, ranges: [] as Array<{ from: string; to: string }> }));
  for (const [start, stop] of parseOpeningHours(value).getOpenIntervals(REFERENCE_MONDAY, end)) {
    const index = (start.getDay() + 6) % 7;
    const sameDay = stop.getDate() === start.getDate();
    table[index].ranges.push({ from: hhmm(start), to: sameDay ? hhmm(stop) : '24:00' });
  }
  return table;
}
