import { weekdays, type ServiceConfig, type Weekday } from '../../config/index.js';

/**
 * Opening hours: is a service open at an instant, in its time zone? Pure, so tests can ask about
 * any instant. Formatters are cached per zone (building one is the expensive part).
 */
const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(timeZone: string): Intl.DateTimeFormat {
  let f = formatters.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      weekday: 'short',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
    });
    formatters.set(timeZone, f);
  }
  return f;
}

export interface LocalTime {
  weekday: Weekday;
  /** "YYYY-MM-DD" */
  date: string;
  minutes: number;
}

export function localTime(instant: number, timeZone: string): LocalTime {
  const parts = Object.fromEntries(
    formatter(timeZone)
      .formatToParts(new Date(instant))
      .map((p) => [p.type, p.value]),
  );
  const weekday = weekdays.find((d) => d === String(parts.weekday).slice(0, 3).toLowerCase()) as Weekday;
  return { weekday, date: `${parts.year}-${parts.month}-${parts.day}`, minutes: Number(parts.hour) * 60 + Number(parts.minute) };
}

const toMinutes = (hhmm: string) => Number(hhmm.slice(0, 2)) * 60 + Number(hhmm.slice(3, 5));

/** Open at `instant`? No hours at all = always open; a day missing from `hours` = closed; holidays closed. */
export function isOpen(service: Pick<ServiceConfig, 'hours' | 'holidays' | 'timeZone'>, defaultZone: string, instant: number): boolean {
  if (!service.hours && service.holidays.length === 0) return true;
  const t = localTime(instant, service.timeZone ?? defaultZone);
  if (service.holidays.some((h) => h === t.date || h === t.date.slice(5))) return false;
  if (!service.hours) return true;
  return (service.hours[t.weekday] ?? []).some((range) => {
    const from = toMinutes(range.slice(0, 5));
    const to = toMinutes(range.slice(6));
    return t.minutes >= from && t.minutes < to;
  });
}
