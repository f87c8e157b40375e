import { describe, expect, it } from 'vitest';
import {
  CronSchedule,
  CronSyntaxError,
  formatInZone,
  timeZoneProblem,
} from '../../server/sandbox/controllers/cronSchedule.js';

/** The next `count` times `expression` fires after `from`, as ISO strings. */
function runs(expression: string, from: string, count = 3, timeZone?: string): string[] {
  const schedule = CronSchedule.parse(expression, timeZone);
  const times: string[] = [];
  let time: number | undefined = Date.parse(from);
  for (let i = 0; i < count; i++) {
    time = schedule.next(time);
    if (time === undefined) break;
    times.push(new Date(time).toISOString().replace('.000Z', 'Z'));
  }
  return times;
}

// A Wednesday.
const FROM = '2024-01-31T10:07:30Z';

describe('cron schedules', () => {
  it('fires every minute, strictly after the given instant', () => {
    expect(runs('* * * * *', FROM)).toEqual([
      '2024-01-31T10:08:00Z',
      '2024-01-31T10:09:00Z',
      '2024-01-31T10:10:00Z',
    ]);
    expect(runs('* * * * *', '2024-01-31T10:08:00Z', 1)).toEqual(['2024-01-31T10:09:00Z']);
  });

  it('reads steps, ranges with steps and a start with a step', () => {
    expect(runs('*/15 * * * *', FROM)).toEqual([
      '2024-01-31T10:15:00Z',
      '2024-01-31T10:30:00Z',
      '2024-01-31T10:45:00Z',
    ]);
    expect(runs('0 9-17/4 * * *', FROM)).toEqual([
      '2024-01-31T13:00:00Z',
      '2024-01-31T17:00:00Z',
      '2024-02-01T09:00:00Z',
    ]);
    // `5/20` is 5 to the maximum, every 20.
    expect(runs('5/20 * * * *', FROM)).toEqual([
      '2024-01-31T10:25:00Z',
      '2024-01-31T10:45:00Z',
      '2024-01-31T11:05:00Z',
    ]);
  });

  it('reads lists and month and weekday names in any case', () => {
    expect(runs('0,30 12 * * *', FROM)).toEqual([
      '2024-01-31T12:00:00Z',
      '2024-01-31T12:30:00Z',
      '2024-02-01T12:00:00Z',
    ]);
    expect(runs('0 8 * * MON-fri', FROM)).toEqual([
      '2024-02-01T08:00:00Z',
      '2024-02-02T08:00:00Z',
      '2024-02-05T08:00:00Z',
    ]);
    expect(runs('0 0 1 jun,DEC *', FROM)).toEqual([
      '2024-06-01T00:00:00Z',
      '2024-12-01T00:00:00Z',
      '2025-06-01T00:00:00Z',
    ]);
  });

  it('expands the macros', () => {
    expect(runs('@hourly', FROM, 1)).toEqual(['2024-01-31T11:00:00Z']);
    expect(runs('@daily', FROM, 1)).toEqual(['2024-02-01T00:00:00Z']);
    expect(runs('@midnight', FROM, 1)).toEqual(['2024-02-01T00:00:00Z']);
    expect(runs('@weekly', FROM, 1)).toEqual(['2024-02-04T00:00:00Z']);
    expect(runs('@monthly', FROM, 1)).toEqual(['2024-02-01T00:00:00Z']);
    expect(runs('@yearly', FROM, 1)).toEqual(['2025-01-01T00:00:00Z']);
    expect(runs('@annually', FROM, 1)).toEqual(['2025-01-01T00:00:00Z']);
  });

  it('fires on either day field when both are restricted, on both when one is *', () => {
    // The 1st of the month or any Monday.
    expect(runs('0 0 1 * mon', FROM)).toEqual([
      '2024-02-01T00:00:00Z',
      '2024-02-05T00:00:00Z',
      '2024-02-12T00:00:00Z',
    ]);
    // `*` for the day of month: Mondays only.
    expect(runs('0 0 * * mon', FROM, 1)).toEqual(['2024-02-05T00:00:00Z']);
    // A stepped star is a restriction: odd days or Sundays.
    expect(runs('0 0 */2 * sun', '2024-02-01T12:00:00Z')).toEqual([
      '2024-02-03T00:00:00Z',
      '2024-02-04T00:00:00Z',
      '2024-02-05T00:00:00Z',
    ]);
  });

  it('skips months too short for the day and finds leap days', () => {
    expect(runs('0 0 31 * *', FROM)).toEqual([
      '2024-03-31T00:00:00Z',
      '2024-05-31T00:00:00Z',
      '2024-07-31T00:00:00Z',
    ]);
    expect(runs('0 0 29 2 *', FROM, 2)).toEqual(['2024-02-29T00:00:00Z', '2028-02-29T00:00:00Z']);
    expect(runs('59 23 31 12 *', '2024-12-31T23:59:00Z', 1)).toEqual(['2025-12-31T23:59:00Z']);
    expect(runs('0 0 30 2 *', FROM)).toEqual([]);
  });

  it('finds the latest time owed in a window, however long', () => {
    const minutely = CronSchedule.parse('* * * * *');
    const now = Date.parse(FROM);
    expect(minutely.latest(Date.parse('2020-01-01T00:00:00Z'), now)).toBe(
      Date.parse('2024-01-31T10:07:00Z'),
    );
    expect(minutely.latest(Date.parse('2024-01-31T10:07:00Z'), now)).toBeUndefined();
    const yearly = CronSchedule.parse('@yearly');
    expect(yearly.latest(Date.parse('2020-06-01T00:00:00Z'), now)).toBe(
      Date.parse('2024-01-01T00:00:00Z'),
    );
    const withinYear = [Date.parse('2024-02-01T00:00:00Z'), Date.parse('2024-12-01T00:00:00Z')];
    expect(yearly.latest(withinYear[0]!, withinYear[1]!)).toBeUndefined();
  });

  it('follows a time zone, skipping times clocks jump over and firing once when they go back', () => {
    const zone = 'America/New_York';
    // 9:00 in New York is 14:00 UTC in winter.
    expect(runs('0 9 * * *', FROM, 1, zone)).toEqual(['2024-01-31T14:00:00Z']);
    // 2024-03-10 has no 2:30 in New York.
    expect(runs('30 2 * * *', '2024-03-09T12:00:00Z', 2, zone)).toEqual([
      '2024-03-11T06:30:00Z',
      '2024-03-12T06:30:00Z',
    ]);
    // 2024-11-03 has 1:30 twice; the first one fires.
    expect(runs('30 1 * * *', '2024-11-02T12:00:00Z', 2, zone)).toEqual([
      '2024-11-03T05:30:00Z',
      '2024-11-04T06:30:00Z',
    ]);
    expect(formatInZone(Date.parse('2024-01-31T14:00:00Z'), zone)).toBe(
      '2024-01-31T09:00:00-05:00',
    );
    expect(formatInZone(Date.parse('2024-01-31T14:00:00Z'))).toBe('2024-01-31T14:00:00Z');
  });

  it.each([
    ['', 'empty spec string'],
    ['* * * *', 'expected exactly 5 fields, found 4'],
    ['* * * * * *', 'expected exactly 5 fields, found 6'],
    ['60 * * * *', 'minute 60 is above the maximum 59'],
    ['* 24 * * *', 'hour 24 is above the maximum 23'],
    ['* * 0 * *', 'day of month 0 is below the minimum 1'],
    ['* * * 13 *', 'month 13 is above the maximum 12'],
    ['* * * * 7', 'day of week 7 is above the maximum 6'],
    ['5-3 * * * *', 'minute range starts after it ends'],
    ['*/0 * * * *', 'minute step must be positive'],
    ['1-2-3 * * * *', 'too many hyphens'],
    ['*/5/2 * * * *', 'too many slashes'],
    ['x * * * *', 'minute is not a number or name'],
    ['* * * * monday', 'day of week is not a number or name'],
    ['@every 5m', 'unrecognized descriptor'],
  ])('rejects %j', (expression, message) => {
    expect(() => CronSchedule.parse(expression)).toThrow(CronSyntaxError);
    expect(() => CronSchedule.parse(expression)).toThrow(message);
  });

  it('rejects unknown and implicit time zones', () => {
    expect(timeZoneProblem('Europe/Paris')).toBeUndefined();
    expect(timeZoneProblem('Mars/Olympus_Mons')).toBe('unknown time zone Mars/Olympus_Mons');
    expect(timeZoneProblem('Local')).toMatch(/explicit time zone/);
    expect(() => CronSchedule.parse('* * * * *', 'Nowhere/Here')).toThrow(CronSyntaxError);
  });
});
