/**
 * CronJob schedules: the grammar Kubernetes accepts (robfig/cron's standard parser: five fields,
 * `*` and `?`, lists, ranges, steps, three-letter month and weekday names, the `@hourly` …
 * `@yearly` macros), and when a schedule next fires.
 *
 * Times are computed on the wall clock of `spec.timeZone` through Node's `Intl` (UTC without
 * one). Where a zone's clocks jump, a wall-clock time that does not exist (spring forward) is
 * skipped and one that happens twice (fall back) fires once, the first time. `@every` is not
 * supported: Kubernetes documents only the macros.
 */

/** A schedule or time zone that cannot be read; the message says which part and why. */
export class CronSyntaxError extends Error {
  override readonly name = 'CronSyntaxError';
}

interface FieldRule {
  name: string;
  min: number;
  max: number;
  /** Three-letter names for `min`, `min + 1`, … */
  names?: readonly string[];
}

const FIELD_RULES: readonly FieldRule[] = [
  { name: 'minute', min: 0, max: 59 },
  { name: 'hour', min: 0, max: 23 },
  { name: 'day of month', min: 1, max: 31 },
  {
    name: 'month',
    min: 1,
    max: 12,
    names: ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'],
  },
  { name: 'day of week', min: 0, max: 6, names: ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'] },
];

const MACROS: Readonly<Record<string, string>> = {
  '@yearly': '0 0 1 1 *',
  '@annually': '0 0 1 1 *',
  '@monthly': '0 0 1 * *',
  '@weekly': '0 0 * * 0',
  '@daily': '0 0 * * *',
  '@midnight': '0 0 * * *',
  '@hourly': '0 * * * *',
};

const MINUTE_MS = 60_000;
const HOUR_MS = 60 * MINUTE_MS;
const DAY_MS = 24 * HOUR_MS;
/** How far ahead a schedule is searched before it is taken to never fire (`0 0 30 2 *`). */
const SEARCH_LIMIT_MS = 5 * 366 * DAY_MS;

/** One field: which values it allows, and whether it was a bare `*` (for the day rule). */
interface Field {
  allows: readonly boolean[];
  any: boolean;
}

export class CronSchedule {
  private constructor(
    private readonly fields: readonly [Field, Field, Field, Field, Field],
    readonly timeZone: string | undefined,
  ) {}

  /**
   * Reads `expression`, e.g. `*\/15 9-17 * * mon-fri` or `@daily`, for `timeZone` (an IANA name,
   * UTC when absent). Throws a `CronSyntaxError` saying what is wrong.
   */
  static parse(expression: string, timeZone?: string): CronSchedule {
    const trimmed = expression.trim();
    if (!trimmed) throw new CronSyntaxError('empty spec string');
    const text = trimmed.startsWith('@') ? MACROS[trimmed.toLowerCase()] : trimmed;
    if (text === undefined) throw new CronSyntaxError(`unrecognized descriptor: ${trimmed}`);
    const parts = text.split(/\s+/);
    if (parts.length !== 5) {
      throw new CronSyntaxError(`expected exactly 5 fields, found ${parts.length}: ${trimmed}`);
    }
    if (timeZone !== undefined) {
      const problem = timeZoneProblem(timeZone);
      if (problem) throw new CronSyntaxError(problem);
    }
    const fields = parts.map((part, index) => parseField(part, FIELD_RULES[index]!));
    return new CronSchedule(fields as [Field, Field, Field, Field, Field], timeZone);
  }

  /** The first time the schedule fires strictly after `after` (ms since the epoch), if ever. */
  next(after: number): number | undefined {
    const zone = this.timeZone;
    if (!zone) return this.nextWallTime(after);
    let wall = wallTimeOf(after, zone);
    // Each round skips one wall-clock time that the zone's clocks jump over.
    for (let round = 0; round < 1_000; round++) {
      const candidate = this.nextWallTime(wall);
      if (candidate === undefined) return undefined;
      const instant = instantOf(candidate, zone, after);
      if (instant !== undefined) return instant;
      wall = candidate;
    }
    return undefined;
  }

  /**
   * The last time the schedule fired in `(after, until]`, if it did: the one run a controller
   * still owes after missing some. Searches back from `until` in growing windows, so a
   * schedule that fires every minute costs the same after a long outage as after a short one.
   */
  latest(after: number, until: number): number | undefined {
    for (let window = HOUR_MS; ; window *= 8) {
      const start = Math.max(after, until - window);
      let found: number | undefined;
      for (let time = this.next(start); time !== undefined && time <= until; time = this.next(time))
        found = time;
      if (found !== undefined || start === after) return found;
    }
  }

  /** The next matching wall-clock time after `after`, on a clock without zones (UTC maths). */
  private nextWallTime(after: number): number | undefined {
    const [minute, hour, , month] = this.fields;
    const date = new Date(Math.floor(after / MINUTE_MS) * MINUTE_MS + MINUTE_MS);
    const limit = date.getTime() + SEARCH_LIMIT_MS;
    while (date.getTime() <= limit) {
      if (!month.allows[date.getUTCMonth() + 1]) {
        date.setUTCMonth(date.getUTCMonth() + 1, 1);
        date.setUTCHours(0, 0, 0, 0);
      } else if (!this.dayMatches(date)) {
        date.setUTCDate(date.getUTCDate() + 1);
        date.setUTCHours(0, 0, 0, 0);
      } else if (!hour.allows[date.getUTCHours()]) {
        date.setUTCHours(date.getUTCHours() + 1, 0, 0, 0);
      } else if (!minute.allows[date.getUTCMinutes()]) {
        date.setUTCMinutes(date.getUTCMinutes() + 1, 0, 0);
      } else {
        return date.getTime();
      }
    }
    return undefined;
  }

  /**
   * Cron's rule for days: when both day fields are restricted, a day matching either one
   * fires (`0 0 1 * mon` is the 1st and every Monday); when one is `*`, both must match.
   */
  private dayMatches(date: Date): boolean {
    const [, , dayOfMonth, , dayOfWeek] = this.fields;
    const byMonth = dayOfMonth.allows[date.getUTCDate()] === true;
    const byWeek = dayOfWeek.allows[date.getUTCDay()] === true;
    return dayOfMonth.any || dayOfWeek.any ? byMonth && byWeek : byMonth || byWeek;
  }
}

/** Why `timeZone` cannot be a CronJob's `spec.timeZone`, or `undefined` if it can. */
export function timeZoneProblem(timeZone: string): string | undefined {
  if (!timeZone) return 'timeZone must be nil or non-empty string';
  if (timeZone.toLowerCase() === 'local') {
    return 'timeZone must be an explicit time zone as defined in https://www.iana.org/time-zones';
  }
  try {
    formatterFor(timeZone);
  } catch {
    return `unknown time zone ${timeZone}`;
  }
  return undefined;
}

/** `instant` as RFC 3339 on the wall clock of `timeZone`: `2024-03-01T09:00:00+01:00`. */
export function formatInZone(instant: number, timeZone?: string): string {
  const seconds = Math.floor(instant / 1_000) * 1_000;
  if (!timeZone) return new Date(seconds).toISOString().replace(/\.\d{3}Z$/, 'Z');
  const offset = wallTimeOf(seconds, timeZone) - seconds;
  const local = new Date(seconds + offset).toISOString().slice(0, 19);
  if (offset === 0) return `${local}Z`;
  const minutes = Math.round(Math.abs(offset) / MINUTE_MS);
  const hh = String(Math.floor(minutes / 60)).padStart(2, '0');
  const mm = String(minutes % 60).padStart(2, '0');
  return `${local}${offset < 0 ? '-' : '+'}${hh}:${mm}`;
}

function parseField(text: string, rule: FieldRule): Field {
  const allows: boolean[] = Array.from({ length: rule.max + 1 }, () => false);
  let any = false;
  for (const item of text.split(',')) {
    const range = parseRange(item, rule);
    any ||= range.any;
    for (let value = range.start; value <= range.end; value += range.step) allows[value] = true;
  }
  return { allows, any };
}

/** `*`, `5`, `mon`, `1-5`, `*\/10`, `10-40/5` or `10/5` (from 10 to the maximum, every 5). */
function parseRange(item: string, rule: FieldRule) {
  const steps = item.split('/');
  const bounds = steps[0]!.split('-');
  if (steps.length > 2) throw new CronSyntaxError(`too many slashes in ${rule.name}: ${item}`);
  if (bounds.length > 2) throw new CronSyntaxError(`too many hyphens in ${rule.name}: ${item}`);
  const star = bounds[0] === '*' || bounds[0] === '?';
  if (star && bounds.length > 1) throw new CronSyntaxError(`invalid ${rule.name} range: ${item}`);
  const start = star ? rule.min : valueOf(bounds[0]!, rule);
  let end = star ? rule.max : bounds.length === 2 ? valueOf(bounds[1]!, rule) : start;
  let step = 1;
  if (steps.length === 2) {
    step = numberOf(steps[1]!, rule);
    if (bounds.length === 1) end = rule.max;
  }
  if (start < rule.min) {
    throw new CronSyntaxError(`${rule.name} ${start} is below the minimum ${rule.min}: ${item}`);
  }
  if (end > rule.max) {
    throw new CronSyntaxError(`${rule.name} ${end} is above the maximum ${rule.max}: ${item}`);
  }
  if (start > end) throw new CronSyntaxError(`${rule.name} range starts after it ends: ${item}`);
  if (step === 0) throw new CronSyntaxError(`${rule.name} step must be positive: ${item}`);
  return { start, end, step, any: star && step === 1 };
}

function valueOf(text: string, rule: FieldRule): number {
  const named = rule.names?.indexOf(text.toLowerCase()) ?? -1;
  return named >= 0 ? rule.min + named : numberOf(text, rule);
}

function numberOf(text: string, rule: FieldRule): number {
  if (!/^\d{1,9}$/.test(text)) {
    throw new CronSyntaxError(`${rule.name} is not a number or name: ${JSON.stringify(text)}`);
  }
  return Number(text);
}

const formatters = new Map<string, Intl.DateTimeFormat>();

/** A formatter giving a zone's wall-clock fields; throws a RangeError for an unknown zone. */
function formatterFor(timeZone: string): Intl.DateTimeFormat {
  let formatter = formatters.get(timeZone);
  if (!formatter) {
    formatter = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
    formatters.set(timeZone, formatter);
  }
  return formatter;
}

/** The wall-clock time `instant` shows in `timeZone`, as ms on a zone-free (UTC) clock. */
function wallTimeOf(instant: number, timeZone: string): number {
  const seconds = Math.floor(instant / 1_000) * 1_000;
  const parts: Record<string, number> = {};
  for (const part of formatterFor(timeZone).formatToParts(seconds)) {
    if (part.type !== 'literal') parts[part.type] = Number(part.value);
  }
  const { year = 0, month = 1, day = 1, hour = 0, minute = 0, second = 0 } = parts;
  return Date.UTC(year, month - 1, day, hour, minute, second) + (instant - seconds);
}

/**
 * The earliest instant after `after` whose wall-clock time in `timeZone` is `wall`, or
 * `undefined` when the zone skips that time. The offsets a day either side cover a change.
 */
function instantOf(wall: number, timeZone: string, after: number): number | undefined {
  const candidates = [wall - DAY_MS, wall, wall + DAY_MS].map(
    (near) => wall - (wallTimeOf(near, timeZone) - near),
  );
  const valid = candidates.filter(
    (instant) => instant > after && wallTimeOf(instant, timeZone) === wall,
  );
  return valid.length > 0 ? Math.min(...valid) : undefined;
}
