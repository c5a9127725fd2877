/**
 * The period picker's choices as dates (local, YYYY-MM-DD, both ends included), computed from
 * "today" so they are tested without a clock. Weeks start on Monday (ISO 8601), as the engine's.
 */

import type { PeriodInput } from "../api/bindings";

export type PeriodChoice = "this-week" | "last-week" | "last-4-weeks" | "this-month" | "last-90-days" | "custom";

export const CHOICES: { id: PeriodChoice; title: string }[] = [
  { id: "this-week", title: "This week" },
  { id: "last-week", title: "Last week" },
  { id: "last-4-weeks", title: "Last 4 weeks" },
  { id: "this-month", title: "This month" },
  { id: "last-90-days", title: "Last 90 days" },
  { id: "custom", title: "Custom…" },
];

export interface Days {
  from: string;
  to: string;
}

/** A local date as YYYY-MM-DD. */
export function ymd(d: Date): string {
  const p = (n: number) => String(n).padStart(2, "0");
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())}`;
}

function addDays(d: Date, n: number): Date {
  return new Date(d.getFullYear(), d.getMonth(), d.getDate() + n);
}

function monday(d: Date): Date {
  return addDays(d, -((d.getDay() + 6) % 7));
}

/** The days a choice covers on `today` (custom: the days given, or today alone). */
export function periodOf(choice: PeriodChoice, today: Date, custom?: Days): Days {
  const day = new Date(today.getFullYear(), today.getMonth(), today.getDate());
  switch (choice) {
    case "this-week": {
      const m = monday(day);
      return { from: ymd(m), to: ymd(addDays(m, 6)) };
    }
    case "last-week": {
      const m = addDays(monday(day), -7);
      return { from: ymd(m), to: ymd(addDays(m, 6)) };
    }
    case "last-4-weeks": {
      // This week and the three before it, whole weeks so every bar is a full week.
      const m = monday(day);
      return { from: ymd(addDays(m, -21)), to: ymd(addDays(m, 6)) };
    }
    case "this-month":
      return {
        from: ymd(new Date(day.getFullYear(), day.getMonth(), 1)),
        to: ymd(new Date(day.getFullYear(), day.getMonth() + 1, 0)),
      };
    case "last-90-days":
      return { from: ymd(addDays(day, -89)), to: ymd(day) };
    case "custom":
      return custom && validDays(custom) === null ? custom : { from: ymd(day), to: ymd(day) };
  }
}

/** Why custom days are unusable, or null. */
export function validDays(d: Days): string | null {
  const re = /^\d{4}-\d{2}-\d{2}$/;
  if (!re.test(d.from) || !re.test(d.to)) return "Dates are YYYY-MM-DD.";
  if (d.to < d.from) return "The period ends before it starts.";
  return null;
}

export function periodInput(d: Days): PeriodInput {
  return { from: d.from, to: d.to };
}

/** A file name for an export of these days. */
export function exportName(d: Days, format: string): string {
  return `siphon-${d.from}_${d.to}.${format}`;
}
