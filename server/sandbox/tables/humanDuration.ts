/**
 * How kubectl words a span of time in its AGE, DURATION and LAST SEEN columns: coarser the
 * longer ago, never more than two units (`45s`, `5m12s`, `47m`, `3h`, `2d5h`, `3y100d`).
 */

const SECOND = 1_000;
const MINUTE = 60 * SECOND;
const HOUR = 60 * MINUTE;

/** Two units, the second left out when it is zero: `twoUnits(2, 'd', 0, 'h')` is `2d`. */
const twoUnits = (major: number, majorUnit: string, minor: number, minorUnit: string): string =>
  minor === 0 ? `${major}${majorUnit}` : `${major}${majorUnit}${minor}${minorUnit}`;

/**
 * A duration in milliseconds, worded as Kubernetes' `HumanDuration` does. Seconds up to two
 * minutes, minutes and seconds up to ten, minutes up to three hours, then hours, days and years.
 * A clock slightly behind (under two seconds) reads as `0s`; further behind is `<invalid>`.
 *
 * @example humanDuration(312_000) // '5m12s'
 */
export function humanDuration(ms: number): string {
  const seconds = Math.trunc(ms / SECOND);
  if (seconds < -1) return '<invalid>';
  if (seconds < 0) return '0s';
  if (seconds < 120) return `${seconds}s`;
  const minutes = Math.trunc(ms / MINUTE);
  if (minutes < 10) return twoUnits(minutes, 'm', seconds % 60, 's');
  if (minutes < 3 * 60) return `${minutes}m`;
  const hours = Math.trunc(ms / HOUR);
  if (hours < 8) return twoUnits(hours, 'h', minutes % 60, 'm');
  if (hours < 48) return `${hours}h`;
  const days = Math.trunc(hours / 24);
  if (hours < 24 * 8) return twoUnits(days, 'd', hours % 24, 'h');
  if (hours < 24 * 365 * 2) return `${days}d`;
  const years = Math.trunc(days / 365);
  if (hours < 24 * 365 * 8) return twoUnits(years, 'y', days % 365, 'd');
  return `${years}y`;
}

/**
 * The time since an RFC 3339 timestamp, for AGE-like cells; `<unknown>` when there is none (an
 * object without `creationTimestamp`, an event never seen).
 */
export function since(timestamp: unknown, now: number): string {
  const time = typeof timestamp === 'string' && timestamp !== '' ? Date.parse(timestamp) : NaN;
  return Number.isNaN(time) ? '<unknown>' : humanDuration(now - time);
}
