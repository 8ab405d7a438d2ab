import { DateTime } from 'luxon';
import { WEEKDAYS, type Weekday } from '../booking/availability.js';

/**
 * Calendar arithmetic on ISO dates (YYYY-MM-DD) of the centre's calendar, for reading what a worker
 * typed: no clock and no time zone, the day is given. Every function returns undefined rather than
 * an impossible date ("31/2").
 */
export class CalendarDay {
  private constructor(private readonly day: DateTime) {}

  /** The day of an ISO date, or undefined when it is not one. */
  static of(iso: string): CalendarDay | undefined {
    if (!/^\d{4}-\d\d-\d\d$/.test(iso)) return undefined;
    const day = DateTime.fromISO(iso, { zone: 'utc' });
    return day.isValid ? new CalendarDay(day) : undefined;
  }

  get iso(): string {
    return this.day.toISODate() ?? '';
  }

  /** The weekday of an ISO date, or undefined when it is not one. */
  static weekdayOf(iso: string): Weekday | undefined {
    const day = CalendarDay.of(iso);
    return day ? WEEKDAYS[day.day.weekday - 1] : undefined;
  }

  plusDays(days: number): string {
    return this.day.plus({ days }).toISODate() ?? '';
  }

  /** The first date with this weekday after today ("el lunes que viene"), or from today on ("este lunes"). */
  nextWeekday(weekday: Weekday, { includingToday }: { includingToday: boolean }): string {
    const ahead = (WEEKDAYS.indexOf(weekday) + 1 - this.day.weekday + 7) % 7;
    return this.plusDays(ahead === 0 && !includingToday ? 7 : ahead);
  }

  /** Monday to Sunday of next week. */
  nextWeek(): string[] {
    const monday = 8 - this.day.weekday;
    return Array.from({ length: 7 }, (_, i) => this.plusDays(monday + i));
  }

  /** Today to Sunday of this week. */
  restOfWeek(): string[] {
    return Array.from({ length: 8 - this.day.weekday }, (_, i) => this.plusDays(i));
  }

  /** "El 12": the next 12th of a month, today included. */
  nextDayOfMonth(dayOfMonth: number): string | undefined {
    for (let k = 0; k <= 12; k++) {
      const month = this.day.startOf('month').plus({ months: k });
      const date = month.set({ day: dayOfMonth });
      if (date.isValid && date.month === month.month && date >= this.day) return date.toISODate() ?? undefined;
    }
    return undefined;
  }

  /** "12 de enero": that day and month, this year if it is not past, else next year; or in the year given. */
  dayAndMonth(dayOfMonth: number, month: number, year?: number): string | undefined {
    const at = (y: number) => DateTime.fromObject({ year: y, month, day: dayOfMonth }, { zone: 'utc' });
    if (year !== undefined) {
      const date = at(year < 100 ? 2000 + year : year);
      return date.isValid ? (date.toISODate() ?? undefined) : undefined;
    }
    let date = at(this.day.year);
    if (date.isValid && date < this.day) date = at(this.day.year + 1);
    // 29 February: the next year that has one.
    for (let y = this.day.year + 1; !date.isValid && y <= this.day.year + 8; y++) date = at(y);
    return date.isValid ? (date.toISODate() ?? undefined) : undefined;
  }
}
