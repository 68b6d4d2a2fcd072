// Local taxes (上缴地方税收) of a set of tax records within an eligibility window: the machinery the
// tax rewards of §18 and §19 share.
//
// POLICY.md "Local taxes": the local retained share (地方留成部分) of VAT + enterprise income tax +
// business tax; individual income tax counts only for the talent reward (§19). The share is a dated
// parameter (parameters/local-share.ts) applied by the tax period's dates.
//
// POLICY.md §0 "Dates and periods" sets two rules for a record's period:
// (a) a record whose period straddles a date on which the local share of a tax it reports changes
//     (2016-05-01 for VAT and business tax) is rejected, naming the date: tax data are monthly, so
//     the caller can split it exactly. Only records that overlap the window are used, so only they
//     are checked; a tax reported as zero uses no share and is not checked.
// (b) a record straddling the edge of an eligibility window (policy window, startup stage,
//     commissioning) counts pro rata by days: amount × days inside / days in the period, exact.
// A business-tax amount above zero for a period when that tax no longer existed is rejected too.

import { addDays, daysIn, intersect, isIsoDate, type Period } from './dates.ts'
import { EngineError } from './errors.ts'
import type { MeasureRun } from './measure.ts'
import { Rational, sum } from './money.ts'
import type { Text } from './trace.ts'
import type { TaxRecord } from './types.ts'

export type LocalTaxType = 'vat' | 'enterpriseIncomeTax' | 'businessTax' | 'individualIncomeTax'

/** The taxes that make up 上缴地方税收 (POLICY.md "Local taxes"), in the order they are shown. */
export const LOCAL_TAXES = ['vat', 'enterpriseIncomeTax', 'businessTax'] as const

/** The dated parameter holding each tax's local retained share. */
export const LOCAL_SHARE_PARAMETER: Readonly<Record<LocalTaxType, string>> = {
  vat: 'localShare.vat',
  enterpriseIncomeTax: 'localShare.enterpriseIncomeTax',
  businessTax: 'localShare.businessTax',
  individualIncomeTax: 'localShare.individualIncomeTax',
}

export const TAX_NAMES: Readonly<Record<LocalTaxType, Text>> = {
  vat: { zh: '增值税', en: 'VAT' },
  enterpriseIncomeTax: { zh: '企业所得税', en: 'enterprise income tax' },
  businessTax: { zh: '营业税', en: 'business tax' },
  individualIncomeTax: { zh: '个人所得税', en: 'individual income tax' },
}

const AMOUNT = /^\d+(\.\d{1,2})?$/

/** The calendar year as an inclusive period. */
export const calendarYear = (year: number): Period => {
  const y = String(year).padStart(4, '0')
  return { from: `${y}-01-01`, to: `${y}-12-31` }
}

export const formatPeriod = (p: Period): string => `${p.from}…${p.to}`

/** A date input the tax rewards rely on (commissioning, registration); InvalidInput otherwise. */
export const checkDate = (value: unknown, pointer: string): string => {
  if (typeof value !== 'string' || !isIsoDate(value))
    throw new EngineError('InvalidInput', pointer, `${pointer}: expected a date YYYY-MM-DD`, { value })
  return value
}

/** A year or a rank: a whole number, at least `min`; InvalidInput otherwise. */
export const checkWholeNumber = (value: unknown, pointer: string, min: number): number => {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < min) {
    throw new EngineError('InvalidInput', pointer, `${pointer}: expected a whole number ≥ ${min}`, { value })
  }
  return value
}

/** A tax amount: yuan, not negative, at most two decimals; anything else is InvalidInput at `pointer`. */
export const parseTaxAmount = (value: unknown, pointer: string): Rational => {
  if (typeof value !== 'string' || !AMOUNT.test(value)) {
    throw new EngineError(
      'InvalidInput',
      pointer,
      `${pointer}: a tax amount is yuan as a decimal string, not negative, with at most 2 decimals (got ${JSON.stringify(value)})`,
      { value },
    )
  }
  return Rational.parse(value)
}

/** Checks every record's dates and amounts; throws InvalidInput naming the field. */
export const checkTaxRecords = (records: readonly TaxRecord[], pointer: string): void => {
  records.forEach((record, i) => {
    const at = `${pointer}/${i}`
    checkDate(record.from, `${at}/from`)
    checkDate(record.to, `${at}/to`)
    if (record.to < record.from) {
      throw new EngineError(
        'InvalidInput',
        `${at}/to`,
        `${at}: the tax period ends (${record.to}) before it begins (${record.from})`,
        { from: record.from, to: record.to },
      )
    }
    for (const tax of LOCAL_TAXES) {
      if (record[tax] !== undefined) parseTaxAmount(record[tax], `${at}/${tax}`)
    }
  })
}

/**
 * The local retained share of `tax` for a whole tax period, read through the run (so it lands in the
 * trace). Throws StraddlesParameterChange (pointer: the record) when the share changes inside the
 * period, and TaxNotInForce (pointer: the amount) when no share is in force then — call it only for
 * an amount above zero.
 */
export const localShareFor = (
  run: MeasureRun,
  tax: LocalTaxType,
  period: Period,
  recordPointer: string,
  amountPointer: string,
): Rational => {
  const name = LOCAL_SHARE_PARAMETER[tax]
  const [date] = run.params.set.changeDates(name, period.from, period.to)
  if (date !== undefined) {
    throw new EngineError(
      'StraddlesParameterChange',
      recordPointer,
      `${recordPointer}: the tax period ${formatPeriod(period)} straddles ${date}, the date the local retained share of ${TAX_NAMES[tax].en} (${name}) changes; split the record at ${date}`,
      { date, parameter: name, from: period.from, to: period.to },
    )
  }
  const read = run.params.read(name, period.from)
  if (read.value === null) {
    throw new EngineError(
      'TaxNotInForce',
      amountPointer,
      `${amountPointer}: ${TAX_NAMES[tax].en} is reported for ${formatPeriod(period)}, but no local retained share of it is in force then (${name} is unset from ${read.from})`,
      { tax, parameter: name, date: read.from, from: period.from, to: period.to },
    )
  }
  return Rational.parse(read.value as string)
}

export interface CountedTax {
  tax: LocalTaxType
  /** the amount reported for the whole period */
  amount: string
  /** the part inside the window (exact; a fraction when the proration does not terminate) */
  counted: string
  share: string
  local: string
}

export interface CountedRecord {
  record: string
  period: Period
  counted: Period
  /** "days inside / days in the period" */
  days: string
  taxes: CountedTax[]
}

export interface LocalTaxes {
  window: Period
  /** the exact local taxes inside the window */
  total: Rational
  records: CountedRecord[]
}

/**
 * The local taxes (VAT + enterprise income tax + business tax, local retained share) of `records`
 * inside `window`, prorated by days at its edges, with every step in the run's trace. `pointer`
 * locates the records in the request ("/project/taxRecords"); `label` names the window in the trace.
 */
export const localTaxesWithin = (
  run: MeasureRun,
  records: readonly TaxRecord[],
  pointer: string,
  window: Period,
  label: string,
): LocalTaxes => {
  checkTaxRecords(records, pointer)
  const locals: Rational[] = []
  const counted: CountedRecord[] = []
  records.forEach((record, i) => {
    const at = `${pointer}/${i}`
    const period: Period = { from: record.from, to: record.to }
    const inside = intersect(period, window)
    if (!inside) {
      run.note(`${at} (${formatPeriod(period)}) lies outside ${label} (${formatPeriod(window)}): not counted`)
      return
    }
    const daysInside = daysIn(inside)
    const daysTotal = daysIn(period)
    const taxes: CountedTax[] = []
    for (const tax of LOCAL_TAXES) {
      const text = record[tax]
      if (text === undefined) continue
      const amount = parseTaxAmount(text, `${at}/${tax}`)
      if (amount.isZero()) continue
      const share = localShareFor(run, tax, period, at, `${at}/${tax}`)
      const part =
        daysInside === daysTotal
          ? amount
          : run.step(
              `${TAX_NAMES[tax].en} of ${at} inside ${label} (${formatPeriod(inside)}), pro rata by days`,
              `${amount.toYuan()} × ${daysInside} / ${daysTotal}`,
              amount.times(Rational.of(BigInt(daysInside), BigInt(daysTotal))),
            )
      const local = run.step(
        `local retained ${TAX_NAMES[tax].en} of ${at} (${formatPeriod(inside)})`,
        `${share} × ${part.toYuan()}`,
        share.times(part),
      )
      locals.push(local)
      taxes.push({
        tax,
        amount: amount.toYuan(),
        counted: part.toYuan(),
        share: share.toString(),
        local: local.toYuan(),
      })
    }
    counted.push({ record: at, period, counted: inside, days: `${daysInside}/${daysTotal}`, taxes })
  })
  const total = run.step(
    `local taxes (VAT + enterprise income tax + business tax) inside ${label} (${formatPeriod(window)})`,
    locals.length === 0 ? '0' : locals.map((x) => x.toYuan()).join(' + '),
    sum(locals),
  )
  return { window, total, records: counted }
}

/** The parts of `window` that no record's period covers, in date order. */
export const uncoveredPeriods = (records: readonly TaxRecord[], window: Period): Period[] => {
  const clipped = records
    .map((r) => intersect({ from: r.from, to: r.to }, window))
    .filter((p): p is Period => p !== null)
    .sort((a, b) => a.from.localeCompare(b.from))
  const gaps: Period[] = []
  let next = window.from
  for (const p of clipped) {
    if (p.from > next) gaps.push({ from: next, to: addDays(p.from, -1) })
    if (p.to >= next) next = addDays(p.to, 1)
  }
  if (next <= window.to) gaps.push({ from: next, to: window.to })
  return gaps
}
