// Calendar dates as ISO strings (YYYY-MM-DD), computed as day numbers in UTC. Pure: the engine
// never reads a clock; every date it uses is an input or a parameter.

export type IsoDate = string

const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/

const isLeap = (year: number): boolean => (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0
const MONTH_DAYS = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31]
const daysInMonth = (year: number, month: number): number =>
  month === 2 && isLeap(year) ? 29 : MONTH_DAYS[month - 1]!

// Civil-calendar arithmetic (proleptic Gregorian, H. Hinnant's days_from_civil / civil_from_days):
// exact, and much cheaper than parsing and formatting through Date, which the engine does per tax
// record and per condition.
const daysFromCivil = (y: number, m: number, d: number): number => {
  const year = m <= 2 ? y - 1 : y
  const era = Math.floor(year / 400)
  const yoe = year - era * 400
  const doy = Math.floor((153 * (m + (m > 2 ? -3 : 9)) + 2) / 5) + d - 1
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy
  return era * 146097 + doe - 719468
}

const pad2 = (n: number): string => (n < 10 ? `0${n}` : String(n))

/** True for a real calendar date in YYYY-MM-DD form (rejects 2015-02-30). */
export const isIsoDate = (text: string): boolean => {
  if (VALID_DATES.has(text)) return true
  const m = ISO_DATE.exec(text)
  if (!m) return false
  const year = Number(m[1])
  const month = Number(m[2])
  const day = Number(m[3])
  const valid = month >= 1 && month <= 12 && day >= 1 && day <= daysInMonth(year, month)
  if (valid) {
    if (VALID_DATES.size >= 4096) VALID_DATES.clear()
    VALID_DATES.add(text)
  }
  return valid
}
// Dates already found valid: every evaluation checks the same few dozen dates again.
const VALID_DATES = new Set<string>()

/** The value of the decimal digit at `i` of `text`, or -1 (fast path of dayNumber: no substrings). */
const digitAt = (text: string, i: number): number => {
  const c = text.charCodeAt(i) - 48
  return c >= 0 && c <= 9 ? c : -1
}

/** Days since 1970-01-01. */
export const dayNumber = (date: IsoDate): number => {
  // The digits read in place (three slices and Number() per date were ~3 % of an evaluation); any
  // text not of the form DDDD-DD-DD takes the old path, so the result is unchanged for every input.
  const y0 = digitAt(date, 0)
  const y1 = digitAt(date, 1)
  const y2 = digitAt(date, 2)
  const y3 = digitAt(date, 3)
  const m0 = digitAt(date, 5)
  const m1 = digitAt(date, 6)
  const d0 = digitAt(date, 8)
  const d1 = digitAt(date, 9)
  if (date.length === 10 && (y0 | y1 | y2 | y3 | m0 | m1 | d0 | d1) >= 0)
    return daysFromCivil(y0 * 1000 + y1 * 100 + y2 * 10 + y3, m0 * 10 + m1, d0 * 10 + d1)
  return daysFromCivil(Number(date.slice(0, 4)), Number(date.slice(5, 7)), Number(date.slice(8, 10)))
}

export const fromDayNumber = (day: number): IsoDate => {
  const z = day + 719468
  const era = Math.floor(z / 146097)
  const doe = z - era * 146097
  const yoe = Math.floor(
    (doe - Math.floor(doe / 1460) + Math.floor(doe / 36524) - Math.floor(doe / 146096)) / 365,
  )
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100))
  const mp = Math.floor((5 * doy + 2) / 153)
  const d = doy - Math.floor((153 * mp + 2) / 5) + 1
  const m = mp < 10 ? mp + 3 : mp - 9
  const y = yoe + era * 400 + (m <= 2 ? 1 : 0)
  return `${String(y).padStart(4, '0')}-${pad2(m)}-${pad2(d)}`
}

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

/** The days of `p` that none of `taken` covers, in date order (inclusive periods). */
export const subtractPeriods = (p: Period, taken: readonly Period[]): Period[] => {
  const cuts = taken
    .map((t) => intersect(p, t))
    .filter((t): t is Period => t !== null)
    .sort((a, b) => (a.from < b.from ? -1 : a.from > b.from ? 1 : 0))
  const left: Period[] = []
  let next = p.from
  for (const c of cuts) {
    if (c.from > next) left.push({ from: next, to: addDays(c.from, -1) })
    if (c.to >= next) next = addDays(c.to, 1)
  }
  if (next <= p.to) left.push({ from: next, to: p.to })
  return left
}
