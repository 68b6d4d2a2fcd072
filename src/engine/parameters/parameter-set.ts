// A set of parameters with lookup by date, optional overrides (what-if / reform), and a reader that
// records every value a measure reads into its trace.

import type { IsoDate } from '../dates.ts'
import { addDays, isIsoDate } from '../dates.ts'
import { EngineError } from '../errors.ts'
import { Rational } from '../money.ts'
import type { Text, Trace } from '../trace.ts'
import type {
  DatedValue,
  ParameterDefinition,
  ParameterKind,
  ParameterOverride,
  ParameterRead,
  ParameterValue,
} from './types.ts'

const BEGINNING: IsoDate = '0000-01-01'

const isOverrideFromDate = (o: ParameterOverride): o is { from: IsoDate; value: ParameterValue | null } =>
  o !== null && typeof o === 'object' && !Array.isArray(o) && 'from' in o && 'value' in o

const describeKind: Record<ParameterKind, Text> = {
  rate: { zh: '以字符串表示的十进制比例，如 "0.06"', en: 'a decimal ratio as a string, e.g. "0.06"' },
  amount: {
    zh: '以元为单位、最多两位小数的十进制字符串金额，如 "10000000.00"',
    en: 'an amount in yuan as a decimal string with at most 2 decimals, e.g. "10000000.00"',
  },
  integer: { zh: '整数', en: 'a whole number' },
  date: { zh: '日期 YYYY-MM-DD', en: 'a date YYYY-MM-DD' },
  list: { zh: '字符串数组', en: 'an array of strings' },
  table: { zh: '从标识到十进制字符串的对象', en: 'an object mapping ids to decimal strings' },
}

/** Checks a value against its parameter's kind; returns a message when it does not fit. */
export const checkValue = (kind: ParameterKind, value: unknown): Text | null => {
  if (value === null) return null
  const ok = (() => {
    switch (kind) {
      case 'rate':
        return typeof value === 'string' && Rational.isDecimal(value) && !value.startsWith('-')
      case 'amount':
        return typeof value === 'string' && /^\d+(\.\d{1,2})?$/.test(value)
      case 'integer':
        return typeof value === 'number' && Number.isSafeInteger(value)
      case 'date':
        return typeof value === 'string' && isIsoDate(value)
      case 'list':
        return Array.isArray(value) && value.every((v) => typeof v === 'string')
      case 'table':
        return (
          typeof value === 'object' &&
          !Array.isArray(value) &&
          Object.values(value as object).every((v) => typeof v === 'string' && Rational.isDecimal(v))
        )
    }
  })()
  return ok ? null : { zh: `应为${describeKind[kind].zh}`, en: `expected ${describeKind[kind].en}` }
}

interface Entry {
  definition: ParameterDefinition
  values: readonly DatedValue[]
  overridden: boolean
  /** the read of each dated value, made once: reads are immutable, so every decision shares them */
  reads?: ParameterRead[]
  /** the dates on which the value changes, sorted (made once) */
  changes?: IsoDate[]
  /** the reads of a date outside every dated value (value null), one object per date */
  outside?: Map<IsoDate, ParameterRead>
  /** the name's position among the set's names in code-unit order (every set has the same names) */
  rank?: number
  /** the date of the last lookup inside a dated value, and its read (most lookups repeat asOf) */
  lastAt?: IsoDate
  lastRead?: ParameterRead
}

export class ParameterSet {
  private readonly entries: ReadonlyMap<string, Entry>
  /** names whose values come from an override */
  readonly overridden: readonly string[]

  private constructor(entries: Map<string, Entry>) {
    this.entries = entries
    const names = [...entries.keys()].sort()
    names.forEach((name, i) => {
      entries.get(name)!.rank = i
    })
    this.overridden = [...entries.values()].filter((e) => e.overridden).map((e) => e.definition.name)
  }

  static of(definitions: readonly ParameterDefinition[]): ParameterSet {
    return new ParameterSet(
      new Map(definitions.map((d) => [d.name, { definition: d, values: d.values, overridden: false }])),
    )
  }

  definitions(): ParameterDefinition[] {
    return [...this.entries.values()].map((e) => ({ ...e.definition, values: e.values }))
  }

  definition(name: string): ParameterDefinition | undefined {
    const e = this.entries.get(name)
    return e && { ...e.definition, values: e.values }
  }

  /**
   * A new set with overrides applied. A plain value replaces the whole timeline; `{ from, value }`
   * applies from that date on and keeps earlier values (a reform). `pointer` prefixes error fields.
   */
  withOverrides(
    overrides: Readonly<Record<string, ParameterOverride>>,
    pointer = '/parameters',
  ): ParameterSet {
    const names = Object.keys(overrides)
    if (names.length === 0) return this
    const next = new Map(this.entries)
    for (const name of names) {
      const entry = this.entries.get(name)
      const field = `${pointer}/${name.replaceAll('~', '~0').replaceAll('/', '~1')}`
      if (!entry)
        throw new EngineError(
          'UnknownParameter',
          field,
          {
            zh: `未知的参数 "${name}"（GET /v1/parameters 列出全部参数）`,
            en: `unknown parameter "${name}"`,
          },
          { name },
        )
      const override = overrides[name]!
      const from = isOverrideFromDate(override) ? override.from : BEGINNING
      const value = isOverrideFromDate(override) ? override.value : override
      if (!isIsoDate(from)) {
        throw new EngineError(
          'InvalidParameterValue',
          `${field}/from`,
          { zh: '"from" 必须是日期 YYYY-MM-DD', en: '"from" must be a date YYYY-MM-DD' },
          { name },
        )
      }
      const problem = checkValue(entry.definition.kind, value)
      if (problem) {
        throw new EngineError(
          'InvalidParameterValue',
          isOverrideFromDate(override) ? `${field}/value` : field,
          problem,
          {
            name,
          },
        )
      }
      const kept = entry.values
        .filter((v) => v.from < from)
        .map((v) => (v.to === null || v.to >= from ? { ...v, to: dayBefore(from) } : v))
      next.set(name, {
        definition: entry.definition,
        values: [...kept, { from, to: null, value }],
        overridden: true,
      })
    }
    return new ParameterSet(next)
  }

  /**
   * A new set whose named parameters hold exactly the stored values a decision read (with their
   * periods): replaying a decision reads what it read then, whatever the ruleset says now.
   */
  pinned(reads: readonly ParameterRead[]): ParameterSet {
    const next = new Map(this.entries)
    const byName = new Map<string, DatedValue[]>()
    for (const r of reads)
      byName.set(r.name, [...(byName.get(r.name) ?? []), { from: r.from, to: r.to, value: r.value }])
    for (const [name, values] of byName) {
      const entry = this.entries.get(name)
      if (!entry) continue
      values.sort((a, b) => (a.from < b.from ? -1 : 1))
      // A decision is replayed with what it read, clause included (a later ruleset may cite another).
      const clause = reads.find((r) => r.name === name)?.clause ?? entry.definition.clause
      next.set(name, {
        definition: { ...entry.definition, clause },
        values,
        overridden: reads.some((r) => r.name === name && r.overridden === true),
      })
    }
    return new ParameterSet(next)
  }

  /**
   * The value in force on `at`, with its effective period; undefined for an unknown name. The read
   * of one name and period is always the same (immutable) object, so decisions share it.
   */
  lookup(name: string, at: IsoDate): ParameterRead | undefined {
    return this.find(name, at, true)
  }

  /**
   * lookup(); `remember`: keep the date and its read for the next lookup of the name (the rules
   * read at one date; rendering resolves references at many, and does not).
   */
  private find(name: string, at: IsoDate, remember: boolean): ParameterRead | undefined {
    const entry = this.entries.get(name)
    if (!entry) return undefined
    // the same date as the last lookup (a decision reads at its asOf, one string): the same read
    if (entry.lastAt === at && entry.lastRead !== undefined) return entry.lastRead
    const { definition } = entry
    const values = entry.values
    for (let i = 0; i < values.length; i++) {
      const v = values[i]!
      if (v.from <= at && (v.to === null || at <= v.to)) {
        entry.reads ??= values.map((x, k) =>
          Object.freeze(
            ranked(
              {
                name,
                value: x.value,
                from: x.from,
                to: x.to,
                clause: definition.clause,
                overridden: entry.overridden,
              },
              entry.rank! * 65536 + k,
            ),
          ),
        )
        const read = entry.reads[i]!
        if (remember) {
          entry.lastAt = at
          entry.lastRead = read
        }
        return read
      }
    }
    // Outside every dated value: the rule is not in force then.
    entry.outside ??= new Map()
    let read = entry.outside.get(at)
    if (!read) {
      if (entry.outside.size >= 256) entry.outside.clear()
      read = Object.freeze({
        name,
        value: null,
        from: at,
        to: at,
        clause: definition.clause,
        overridden: entry.overridden,
      })
      entry.outside.set(at, read)
    }
    return read
  }

  /**
   * Whether `read` is this set's own read of its name and period (the shared object lookup returns):
   * then a decision may record it by reference (ParameterRef).
   */
  holds(read: ParameterRead): boolean {
    return !read.overridden && this.find(read.name, read.from, false) === read
  }

  /**
   * The read a reference names: the dated value of `name` that starts on `from`, or (no value starts
   * then) the read of a date outside every value, null; of a table, only the rows named.
   */
  resolve(ref: ParameterRef): ParameterRead {
    const [name, from, rows] = ref
    const read = this.find(name, from, false)
    if (!read || read.from !== from)
      throw new Error(`engine bug: parameter reference ${name}@${from} names no value of the ruleset`)
    if (rows === undefined || read.value === null) return { ...read, overridden: false }
    return {
      ...read,
      value: tableRows(read.value as Readonly<Record<string, string>>, rows),
      overridden: false,
    }
  }

  /** Dates strictly inside (from, to] on which the parameter's value changes. */
  changeDates(name: string, from: IsoDate, to: IsoDate): IsoDate[] {
    const entry = this.entries.get(name)
    if (!entry) return []
    if (!entry.changes) {
      const starts = entry.values.map((v) => v.from)
      const afterEnds = entry.values.filter((v) => v.to !== null).map((v) => dayAfter(v.to as string))
      entry.changes = [...new Set([...starts, ...afterEnds])].sort()
    }
    const changes = entry.changes
    let found: IsoDate[] | undefined
    for (const d of changes) {
      if (d <= from || d > to) continue
      found ??= []
      found.push(d)
    }
    return found ?? NO_DATES
  }

  /** A reader that records every read into `reads` (once each) and the rows read of tables. */
  factReader(reads: ParameterRead[], rows: TableRowRead[]): FactReader {
    return new FactReader(this, reads, rows)
  }

  reader(trace: Trace): ParameterReader {
    return new ParameterReader(this, trace)
  }
}

const NO_DATES: IsoDate[] = []

/**
 * A read's place in the order decisions list their parameters (by name, then by period), as a
 * hidden number (a non-enumerable symbol property: JSON, canonical JSON and spreads never see it).
 */
const RANK = Symbol('rank')

/**
 * What is worked out once about a shared read and then remembered with it (a box, hidden like its
 * rank: the read itself is frozen): the exact value of a rate or amount, and whether it is the
 * ruleset's own value. Pure memos: a read never changes, and neither does the ruleset.
 */
export interface ReadMemo {
  decimal?: Rational
  ofTheRuleset?: boolean
}
const MEMO = Symbol('memo')

/** The memo box of a shared read (undefined for a read made elsewhere). */
export const memoOf = (read: ParameterRead): ReadMemo | undefined => (read as { [MEMO]?: ReadMemo })[MEMO]

/**
 * A rate's or amount's value as an exact Rational (the read's value must be a decimal string):
 * parsed once per shared read (a parse-cache lookup per read was ~3 % of a one-measure decision).
 */
export const decimalOf = (read: ParameterRead): Rational => {
  const memo = memoOf(read)
  if (memo === undefined) return Rational.parse(read.value as string)
  let value = memo.decimal
  if (value === undefined) {
    value = Rational.parse(read.value as string)
    memo.decimal = value
  }
  return value
}
const ranked = (read: ParameterRead, rank: number): ParameterRead => {
  Object.defineProperty(read, RANK, { value: rank, enumerable: false })
  Object.defineProperty(read, MEMO, { value: {}, enumerable: false })
  const tuple: ParameterTuple = read.overridden
    ? [read.name, read.value, read.from, read.to, read.clause, true]
    : [read.name, read.value, read.from, read.to, read.clause]
  Object.defineProperty(read, REF, { value: Object.freeze([read.name, read.from]), enumerable: false })
  return Object.defineProperty(read, TUPLE, { value: tuple, enumerable: false })
}

/** A parameter read as a decision records it: [name, value, from, to, clause] (+ true if overridden). */
export type ParameterTuple =
  | [name: string, value: ParameterValue | null, from: IsoDate, to: IsoDate | null, clause: string]
  | [
      name: string,
      value: ParameterValue | null,
      from: IsoDate,
      to: IsoDate | null,
      clause: string,
      overridden: true,
    ]

const TUPLE = Symbol('tuple')

/** A read as its tuple (made once per shared read). */
export const toTuple = (r: ParameterRead): ParameterTuple => {
  const known = (r as { [TUPLE]?: ParameterTuple })[TUPLE]
  if (known) return known
  const tuple: ParameterTuple = r.overridden
    ? [r.name, r.value, r.from, r.to, r.clause, true]
    : [r.name, r.value, r.from, r.to, r.clause]
  return tuple
}

const REF = Symbol('ref')

/**
 * A read as a reference to the ruleset's value, [name, from]: one frozen array per shared read
 * (made once with it), not a new one per decision.
 */
export const toRef = (r: ParameterRead): ParameterRef =>
  (r as { [REF]?: ParameterRef })[REF] ?? [r.name, r.from]

/** The read a tuple records. */
export const fromTuple = (t: ParameterTuple): ParameterRead => ({
  name: t[0],
  value: t[1],
  from: t[2],
  to: t[3],
  clause: t[4],
  overridden: t[5] === true,
})

/**
 * A read of the ruleset's own parameters, recorded by reference instead of by copy: [name, from]
 * (the value, its period and its clause are the dated value of `name` starting on `from`), and for a
 * table the keys of the rows read. Parameters are dated data: a value, once in force, is never
 * edited (a change is a new dated value, and a version of the ruleset), so a reference resolves to
 * what was read. A list parameter is ~100 B as a copy and ~40 B as a reference.
 */
export type ParameterRef = [name: string, from: IsoDate] | [name: string, from: IsoDate, rows: string[]]

/** What a decision's parametersUsed holds: a reference to the ruleset's value, or a copy of it. */
export type ParameterEntry = ParameterTuple | ParameterRef

/** Whether an entry of parametersUsed is a reference (2 or 3 members) rather than a copy (5 or 6). */
export const isParameterRef = (e: ParameterEntry): e is ParameterRef => e.length < 5

/** The rows of a table read, in code-unit order of their keys (a decision shows only those). */
export const tableRows = (
  table: Readonly<Record<string, string>>,
  keys: Iterable<string>,
): Record<string, string> => {
  const value: Record<string, string> = {}
  for (const key of [...keys].sort()) if (Object.hasOwn(table, key)) value[key] = table[key]!
  return value
}

/** A shared read's place in parameterOrder, as a number (undefined for a read made elsewhere). */
export const rankOf = (read: ParameterRead): number | undefined => (read as { [RANK]?: number })[RANK]

/** The order of parametersUsed: by name, then by the start of the period (code-unit order). */
export const parameterOrder = (a: ParameterRead, b: ParameterRead): number => {
  const x = (a as { [RANK]?: number })[RANK]
  const y = (b as { [RANK]?: number })[RANK]
  if (x !== undefined && y !== undefined) return x - y
  return a.name === b.name ? (a.from < b.from ? -1 : a.from > b.from ? 1 : 0) : a.name < b.name ? -1 : 1
}

const dayBefore = (date: IsoDate): IsoDate => addDays(date, -1)
const dayAfter = (date: IsoDate): IsoDate => addDays(date, 1)

/**
 * A parameter a rule cannot do without has no value on the date (OpenFisca's "a null value ends a
 * rule": a reform that ends it, or a date before it existed). evaluate() turns it into an outcome,
 * ineligible with reason RULE_NOT_IN_FORCE, never an error.
 */
export class RuleNotInForce extends Error {
  constructor(
    readonly parameter: string,
    readonly at: IsoDate,
  ) {
    super(`parameter "${parameter}" has no value on ${at}: the rule is not in force`)
    this.name = 'RuleNotInForce'
  }
}

/**
 * Typed reads of parameters on a date: what the two readers below share. Each records a read in its
 * own way (`read`); a parameter that does not exist is a programming error, not an input error, and
 * a null value where the rule needs one ends the rule (RuleNotInForce).
 */
abstract class TypedParameterReads {
  constructor(readonly set: ParameterSet) {}

  abstract read(name: string, at: IsoDate): ParameterRead

  protected lookup(name: string, at: IsoDate): ParameterRead {
    const read = this.set.lookup(name, at)
    if (!read) throw new Error(`engine bug: parameter "${name}" is not defined`)
    return read
  }

  /** A rate or amount as an exact Rational, or null when not in force on that date. */
  decimal(name: string, at: IsoDate): Rational | null {
    const read = this.read(name, at)
    return read.value === null ? null : decimalOf(read)
  }

  /** Like decimal(), for a parameter the rule cannot do without: null means the rule is not in force. */
  requireDecimal(name: string, at: IsoDate): Rational {
    const v = this.decimal(name, at)
    if (v === null) throw new RuleNotInForce(name, at)
    return v
  }

  integer(name: string, at: IsoDate): number {
    return this.required(name, at) as number
  }

  date(name: string, at: IsoDate): IsoDate {
    return this.required(name, at) as IsoDate
  }

  private required(name: string, at: IsoDate): ParameterValue {
    const v = this.read(name, at).value
    if (v === null) throw new RuleNotInForce(name, at)
    return v
  }

  list(name: string, at: IsoDate): readonly string[] {
    return (this.read(name, at).value as readonly string[] | null) ?? []
  }

  table(name: string, at: IsoDate): Readonly<Record<string, string>> {
    return (this.read(name, at).value as Readonly<Record<string, string>> | null) ?? {}
  }

  /** Whether a value is set at all (e.g. standardsAward.amount is unset by default). */
  isSet(name: string, at: IsoDate): boolean {
    return this.read(name, at).value !== null
  }
}

/**
 * Reads parameters for one explained computation (finance, indicators) and records each read in
 * its trace, once per name and period.
 */
export class ParameterReader extends TypedParameterReads {
  constructor(
    set: ParameterSet,
    private readonly trace: Trace,
  ) {
    super(set)
  }

  read(name: string, at: IsoDate): ParameterRead {
    const read = this.lookup(name, at)
    if (!this.trace.parameters.some((p) => p.name === name && p.from === read.from))
      this.trace.parameters.push(read)
    return read
  }
}

/** One row read of a table parameter: a decision records only the rows it read (ruleset ≥ 1.2.0). */
export interface TableRowRead {
  read: ParameterRead
  key: string
}

/**
 * The reader measures and gates use: it records the reads themselves (the shared, immutable
 * ParameterRead objects, once each) instead of copying them into a trace; the decision lists each
 * value once (parametersUsed) and its traces refer to it.
 */
export class FactReader extends TypedParameterReads {
  constructor(
    set: ParameterSet,
    private readonly reads: ParameterRead[],
    private readonly rows: TableRowRead[],
  ) {
    super(set)
  }

  read(name: string, at: IsoDate): ParameterRead {
    const read = this.lookup(name, at)
    // every lookup of one name and period gives the same object (ParameterSet.lookup)
    if (!this.reads.includes(read)) this.reads.push(read)
    return read
  }

  /** One row of a table parameter (undefined when absent): only the rows read are recorded. */
  tableRow(name: string, at: IsoDate, key: string): string | undefined {
    const read = this.read(name, at)
    this.rows.push({ read, key })
    const table = read.value as Readonly<Record<string, string>> | null
    return table === null || !Object.hasOwn(table, key) ? undefined : table[key]
  }
}
