/** YAML 1.1 timestamps as PyYAML reads them and Ansible prints them: the Python date/datetime's isoformat() text. */

/** PyYAML's implicit timestamp resolver: `2002-12-14`, `2001-12-14t21:59:43.10-05:00`, `2001-12-14 21:59:43.10 -5`. */
export const PY_TIMESTAMP =
  /^(?:[0-9]{4}-[0-9]{2}-[0-9]{2}|[0-9]{4}-[0-9][0-9]?-[0-9][0-9]?(?:[Tt]|[ \t]+)[0-9][0-9]?:[0-9]{2}:[0-9]{2}(?:\.[0-9]*)?(?:[ \t]*(?:Z|[-+][0-9][0-9]?(?::[0-9]{2})?))?)$/;

const PARTS =
  /^([0-9]{4})-([0-9][0-9]?)-([0-9][0-9]?)(?:(?:[Tt]|[ \t]+)([0-9][0-9]?):([0-9]{2}):([0-9]{2})(?:\.([0-9]*))?(?:[ \t]*(Z|([-+])([0-9][0-9]?)(?::([0-9]{2}))?))?)?$/;

const two = (n: string): string => n.padStart(2, '0');

/**
 * The isoformat() of the date or datetime PyYAML's construct_yaml_timestamp builds: `YYYY-MM-DD`, or
 * `YYYY-MM-DDTHH:MM:SS[.ffffff][±HH:MM]` (fraction cut to 6 digits and shown only when not zero; `Z` is `+00:00`; no
 * zone, no offset). Text that is not a timestamp is returned unchanged.
 */
export function pyTimestamp(text: string): string {
  const m = PARTS.exec(text);
  if (!m) return text;
  const [, year, month, day, hour, minute, second, fraction, tz, sign, tzHour, tzMinute] = m;
  const date = `${year}-${two(month!)}-${two(day!)}`;
  if (hour === undefined) return date;
  const micro = (fraction ?? '').slice(0, 6).padEnd(6, '0');
  const frac = Number(micro) === 0 ? '' : `.${micro}`;
  let zone = '';
  if (tz === 'Z') zone = '+00:00';
  else if (tz !== undefined) zone = `${sign}${two(tzHour!)}:${two(tzMinute ?? '0')}`;
  return `${date}T${two(hour)}:${minute}:${second}${frac}${zone}`;
}
