// Calendar dates as ISO strings (YYYY-MM-DD), computed as day numbers in UTC. Pure: the engine
// never reads a clock; every date it uses is an input or a parameter.

export type IsoDate = string

const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/
const MS_PER_DAY = 86_400_000

const daysInMonth = (year: number, month: number): number => new Date(Date.UTC(year, month, 0)).getUTCDate()

/** True for a real calendar date in YYYY-MM-DD form (rejects 2015-02-30). */
export const isIsoDate = (text: string): boolean => {
  const m = ISO_DATE.exec(text)
  if (!m) return false
  const year = Number(m[1])
  const month = Number(m[2])
  const day = Number(m[3])
  return month >= 1 && month <= 12 && day >= 1 && day <= daysInMonth(year, month)
}

/** Days since 1970-01-01. */
export const dayNumber = (date: IsoDate): number => Date.parse(`${date}T00:00:00Z`) / MS_PER_DAY

export const fromDayNumber = (day: number): IsoDate => new Date(day * MS_PER_DAY).toISOString().slice(0, 10)

export const addDays = (date: IsoDate, days: number): IsoDate => fromDayNumber(dayNumber(date) + days)

/**
 * Adds calendar months, clamping to the month's last day (2015-01-31 + 1 month = 2015-02-28),
 * the usual reading of "N months from" a date.
 */
export const addMonths = (date: IsoDate, months: number): IsoDate => {
  const m = ISO_DATE.exec(date)
  if (!m) throw new RangeError(`not a date: ${date}`)
  const total = Number(m[1]) * 12 + (Number(m[2]) - 1) + months
  const year = Math.floor(total / 12)
  const month = (total % 12) + 1
  const day = Math.min(Number(m[3]), daysInMonth(year, month))
  return `${String(year).padStart(4, '0')}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`
}

export const yearOf = (date: IsoDate): number => Number(date.slice(0, 4))

/** Inclusive period of dates. */
export interface Period {
  from: IsoDate
  to: IsoDate
}

/** Number of days in an inclusive period. */
export const daysIn = (p: Period): number => dayNumber(p.to) - dayNumber(p.from) + 1

/** The overlap of two inclusive periods, or null. ISO strings compare in date order. */
export const intersect = (a: Period, b: Period): Period | null => {
  // biome-ignore lint/complexity/useMathMinMax: ISO date strings compare as text, not numbers
  const from = a.from > b.from ? a.from : b.from
  // biome-ignore lint/complexity/useMathMinMax: ISO date strings compare as text, not numbers
  const to = a.to < b.to ? a.to : b.to
  return from <= to ? { from, to } : null
}

export const contains = (p: Period, date: IsoDate): boolean => p.from <= date && date <= p.to
