// The engine's entry point: application facts + evaluation date + parameters (+ what was already
// granted) → one decided outcome per measure, recorded compactly. Pure: the date is an input,
// history is an input, nothing is read from or written to anywhere.
//
// decideCompact computes first and explains on demand: its record holds every outcome (status,
// amount, reason codes with their messages, details, ledger claims), every gate, each parameter
// value read — once, in parametersUsed — and the facts of each trace (conditions, steps, notes,
// references to the parameters read). It is plain JSON, to be stored and hashed as it is; the words
// of the explanation are rendered from it by src/engine/render.ts (renderEvaluation,
// summarizeEvaluation), and evaluate() is the two together.

import { applyBudget } from './budgets.ts'
import type { IsoDate } from './dates.ts'
import { EngineError } from './errors.ts'
import { defineCondition, defineNote, type TraceFacts } from './facts.ts'
import type { CompactGate, Gate } from './gate.ts'
import { GateRun } from './gate.ts'
import { GATES } from './gates/index.ts'
import type { CompactOutcome, FactRecorder, Measure } from './measure.ts'
import { MeasureRun } from './measure.ts'
import { MEASURES } from './measures/index.ts'
import { Rational, ZERO } from './money.ts'
import { DEFAULT_PARAMETERS } from './parameters/index.ts'
import {
  memoOf,
  type ParameterEntry,
  type ParameterSet,
  parameterOrder,
  RuleNotInForce,
  rankOf,
  tableRows,
  toRef,
  toTuple,
} from './parameters/parameter-set.ts'
import type { ParameterRead } from './parameters/types.ts'
import {
  appliesRulings20261203,
  presentsDecimals,
  RULESET,
  type RulesetVersion,
  windowClause,
} from './ruleset.ts'
import type { Text } from './trace.ts'
import type { Application, History, MeasureId } from './types.ts'
import { validateApplication } from './validate.ts'

export interface EvaluateOptions {
  /** the date the rules are read at; defaults to the application date (POLICY.md §0) */
  asOf?: IsoDate
  /** the parameters, possibly with overrides; defaults to the ruleset's */
  parameters?: ParameterSet
  /** what was already granted (from the ledger) */
  history?: History
  /** evaluate only these measures */
  measures?: readonly MeasureId[]
  /** the ruleset version to apply; defaults to the current one (a replay passes the stored one) */
  ruleset?: RulesetVersion
}

/**
 * A decision as the engine records it: plain JSON (no class instances, no undefined members), so
 * that JSON.parse(JSON.stringify(record)) renders exactly as the record itself.
 */
export interface CompactEvaluation {
  ruleset: { id: string; version: RulesetVersion }
  asOf: IsoDate
  gates: CompactGate[]
  outcomes: CompactOutcome[]
  /** sum of the cash amounts paid (unfunded amounts are due, not paid), yuan with two decimals */
  totalAmount: string
  /**
   * Every parameter value read, once each; traces refer to them by their index. A value of the
   * ruleset is recorded by reference, [name, from] (a table: + the keys of the rows read); any other
   * (an override, a replay's pinned value) by copy, [name, value, from, to, clause] (and `true`
   * sixth when the value came from the request's override). Rendering resolves both to the read.
   */
  parametersUsed: ParameterEntry[]
  overriddenParameters: string[]
}

/** The window as a decision reads it: a bound unset (null) leaves that side open. */
const windowOf = (value: (name: string) => unknown) => ({
  from: (value('policy.windowStart') as string | null | undefined) ?? '0000-01-01',
  to: (value('policy.windowEnd') as string | null | undefined) ?? '9999-12-31',
})

const WITHIN_WINDOW = defineCondition('', {
  key: 'within-policy-window',
  input: (application) => application.applicationDate,
  threshold: windowOf,
  clause: ({ rulings }) => windowClause(rulings),
  description: {
    zh: '申请日期在政策适用期内',
    en: 'the application date lies within the policy window',
  },
  comparison: 'in',
})

const RULES_IN_FORCE = defineCondition('', {
  key: 'rules-in-force-on-evaluation-date',
  threshold: (value) => windowOf(value).from,
  clause: ({ rulings }) => windowClause(rulings),
  description: {
    zh: '评估日期在政策实施之日或之后',
    en: 'the evaluation date is on or after the policy start',
  },
  comparison: '>=',
})

/** args: [gate id] */
const PASSES_GATE = defineCondition('', {
  key: 'passes-gate',
  id: ([gate]) => `gate-${gate}`,
  clause: (_, [gate]) => gateOf(gate).clause,
  description: ([gate]) => {
    const title = gateOf(gate).title
    return { zh: `通过${title.zh}审查`, en: `passes the ${title.en} gate` }
  },
  comparison: '==',
})

const gateOf = (id: unknown): Gate => GATES.find((g) => g.id === id)!

const GATE_SKIPPED = defineNote('', {
  key: 'gate-skipped',
  text: ([parameter, at]) => ({
    zh: `未审查：参数${parameter}在${at}无取值，其所载规则未生效`,
    en: `gate skipped: parameter ${parameter} has no value on ${at}, so the rule it holds is not in force`,
  }),
})

const OUTSIDE_WINDOW = {
  zh: '申请日期不在政策适用期内',
  en: 'the application date is outside the policy window',
}

const RULES_NOT_IN_FORCE = (asOf: IsoDate, start: IsoDate) => ({
  zh: `评估日期${asOf}早于政策实施日${start}，相关规则尚未生效`,
  en: `the evaluation date ${asOf} is before the policy start ${start}: no rule was in force`,
})

/** What every run of one decision shares. */
interface Window {
  application: Application
  asOf: IsoDate
  history: History
  parameters: ParameterSet
  version: RulesetVersion
  /** whether the application date lies within the policy window */
  inWindow: boolean
  /** the reads of the window's bounds on asOf, looked up once per decision (every trace records them) */
  startRead: ParameterRead | undefined
  endRead: ParameterRead | undefined
}

function newRunOf(w: Window, m: Measure): MeasureRun {
  // decideCompact validated the application before any run (validateApplication)
  return new MeasureRun(m, w.application, w.asOf, w.history, w.parameters, w.version, true)
}

// The window is a condition like any other: every outcome's trace records it, with both bounds as
// parameters read, whether the date is inside or not (POLICY.md §0 ruling of 2026-12-03).
function recordWindowOf(w: Window, r: MeasureRun): void {
  if (r.reads.length === 0 && w.startRead !== undefined && w.endRead !== undefined) {
    // a fresh run (every caller's): what its two reads would record, from the decision's lookups
    r.reads.push(w.startRead, w.endRead)
  } else {
    r.params.read('policy.windowStart', w.asOf)
    r.params.read('policy.windowEnd', w.asOf)
  }
  r.test(WITHIN_WINDOW, undefined, undefined, w.inWindow)
}

function runInWindowOf(w: Window, m: Measure): MeasureRun {
  const r = newRunOf(w, m)
  recordWindowOf(w, r)
  return r
}

/** A decided measure and the run that recorded it (its parameter reads become references). */
interface Decided {
  outcome: CompactOutcome
  run: MeasureRun
}

/** Every measure ineligible for one reason, with the condition that decided it in its trace. */
const rejectAll = (
  measures: readonly Measure[],
  newRun: (m: Measure) => MeasureRun,
  code: string,
  message: Text,
  record: (r: MeasureRun) => void,
): Decided[] =>
  measures.map((m) => {
    const run = newRun(m)
    run.reason(code, message)
    record(run)
    return { outcome: run.ineligibleWithReasons(), run }
  })

/** Each measure's position in MEASURES, by id (decideCompact's `measures` option). */
const MEASURE_POSITION: ReadonlyMap<string, number> = new Map(MEASURES.map((m, i) => [m.id, i]))
/** Scratch marks of the measures asked for, by position (all zero between decisions). */
const PICKED = new Uint8Array(MEASURES.length)

export const decideCompact = (application: Application, options: EvaluateOptions = {}): CompactEvaluation => {
  // the input is checked as the decision's ruleset checks it (a stored decision replays under its own)
  validateApplication(application, options.ruleset ?? RULESET.version)
  const asOf = options.asOf ?? application.applicationDate
  const parameters = options.parameters ?? DEFAULT_PARAMETERS
  const history = options.history ?? {}
  const version = options.ruleset ?? RULESET.version
  const rulings = appliesRulings20261203(version)
  const wanted = options.measures
  let measures: readonly Measure[] = MEASURES
  if (wanted) {
    // The measures asked for, in MEASURES order, each once: each id looked up once by position, not
    // compared with every measure's id (a request's ids are not the module's string constants, so
    // each === compares characters; with filter() and includes() a one-measure decision spent ~3 %
    // here). PICKED is scratch space, left all zero.
    for (let k = 0; k < wanted.length; k++) {
      const at = MEASURE_POSITION.get(wanted[k]!)
      if (at !== undefined) PICKED[at] = 1
    }
    const chosen: Measure[] = []
    for (let i = 0; i < MEASURES.length; i++)
      if (PICKED[i] === 1) {
        PICKED[i] = 0
        chosen.push(MEASURES[i]!)
      }
    measures = chosen
  }
  // (No function is named inside this hot path: under tsx's keepNames every named closure costs a
  // defineProperty per evaluation.)
  const window: Window = {
    application,
    asOf,
    history,
    parameters,
    version,
    inWindow: false,
    startRead: undefined,
    endRead: undefined,
  }

  const gateRuns: GateRun[] = []
  let decided: Decided[]

  // The window itself (its reads are recorded in the traces of the outcomes it decides). An
  // override that unsets a bound (null) leaves that side open.
  const startRead = parameters.lookup('policy.windowStart', asOf)!
  const endRead = parameters.lookup('policy.windowEnd', asOf)!
  window.startRead = startRead
  window.endRead = endRead
  const start = (startRead.value as IsoDate | null) ?? '0000-01-01'
  const end = (endRead.value as IsoDate | null) ?? '9999-12-31'
  const inWindow = start <= application.applicationDate && application.applicationDate <= end
  window.inWindow = inWindow
  // Rules read before the policy started have no values: nothing can be granted as of then.
  const rulesInForce = asOf >= start

  const runOf = rulings ? runInWindowOf : newRunOf

  if (!inWindow) {
    decided = rejectAll(
      measures,
      (m) => newRunOf(window, m),
      'OUTSIDE_POLICY_WINDOW',
      OUTSIDE_WINDOW,
      (r) => recordWindowOf(window, r),
    )
  } else if (!rulesInForce) {
    decided = rejectAll(
      measures,
      (m) => runOf(window, m),
      'RULES_NOT_IN_FORCE',
      RULES_NOT_IN_FORCE(asOf, start),
      (r) => {
        r.params.read('policy.windowStart', asOf)
        r.test(RULES_IN_FORCE, asOf, undefined, false)
      },
    )
  } else {
    let failed: { gate: Gate; run: GateRun } | undefined
    if (application.project) {
      // Every gate is tested (and shown); the first that fails decides.
      for (const gate of GATES) {
        const run = runGate(gate, application, asOf, parameters, version)
        gateRuns.push(run)
        if (!run.passed && !failed) failed = { gate, run }
      }
    }
    if (failed) {
      const { gate, run: gateRun } = failed
      decided = rejectAll(
        measures,
        (m) => runOf(window, m),
        gate.reasonCode,
        gate.title,
        (r) => {
          r.test(
            PASSES_GATE,
            gateRun.reasons.map((x) => x.code),
            [],
            false,
            [gate.id],
          )
          for (const reason of gateRun.reasons) r.reason(reason.code, reason.message, reason.field)
        },
      )
    } else {
      decided = measures.map((m) => decide(window, m, runOf(window, m), rulings))
      // Budget pools (POLICY.md §3), after each measure's own caps: only when the history holds one.
      if (history.budgets?.length) {
        decided = decided.map((d) => ({ ...d, outcome: applyBudget(d.outcome, d.run, application, history) }))
      }
    }
  }

  let total = ZERO
  // What the decision pays: an unfunded outcome's amount is due, not paid.
  let due = ZERO
  for (const { outcome } of decided)
    if (outcome.amount !== null) {
      const amount = Rational.parse(outcome.amount)
      if (outcome.status !== 'unfunded') total = total.plus(amount)
      else due = due.plus(amount)
    }
  // A sum held in safe integers (`small`) is at most 2^53 − 1 < LARGEST_AMOUNT: only a sum in bigints
  // is compared (a comparison with LARGEST_AMOUNT, itself in bigints, costs ~65 ns; small, ~9 ns).
  const sum = total.plus(due)
  if (sum.small === null && sum.gt(LARGEST_AMOUNT)) throw amountOutOfRange(sum)
  const runs: (GateRun | MeasureRun)[] = new Array(gateRuns.length + decided.length)
  for (let i = 0; i < gateRuns.length; i++) runs[i] = gateRuns[i]!
  for (let i = 0; i < decided.length; i++) runs[gateRuns.length + i] = decided[i]!.run
  const parametersUsed = collectParameters(runs, presentsDecimals(version))

  return {
    ruleset: { id: RULESET.id, version },
    asOf,
    gates: gateRuns.map((r) => r.result()),
    outcomes: decided.map((d) => d.outcome),
    totalAmount: total.toMoney(),
    parametersUsed,
    overriddenParameters: parameters.overridden.slice(),
  }
}

/**
 * The largest amount the service records: amounts are numeric(18, 2) in the database (outcomes,
 * ledgers, budgets), and what cannot be recorded is not answered either, so an evaluation says what
 * a submission of the same facts would. Not a policy figure: no measure comes near it, but tax
 * figures at their schema's maximum (999 999 999 999 999.99 each) over a dozen records pass it.
 */
const LARGEST_AMOUNT = Rational.parse('9999999999999999.99')

const amountOutOfRange = (sum: Rational): EngineError =>
  new EngineError('AmountOutOfRange', '', {
    zh: `决定的金额合计 ${sum.toMoney()} 超出可记录的范围（最多 9999999999999999.99 元）：请核对申报的金额`,
    en: `the decision's amounts sum to ${sum.toMoney()}, beyond what can be recorded (at most 9999999999999999.99 yuan): check the amounts given`,
  })

/** A measure's outcome; a rule whose parameter is not in force on the date is an outcome too. */
const decide = (window: Window, measure: Measure, run: MeasureRun, rulings: boolean): Decided => {
  try {
    return { outcome: measure.evaluate(run), run }
  } catch (error) {
    if (!(error instanceof RuleNotInForce)) throw error
    const fresh = new MeasureRun(
      measure,
      run.application,
      run.asOf,
      run.history,
      run.params.set,
      run.ruleset,
      run.validated,
    )
    if (rulings) recordWindowOf(window, fresh)
    const outcome = fresh.ineligible(
      'RULE_NOT_IN_FORCE',
      {
        zh: `参数${error.parameter}在${error.at}无有效值，该规则不适用`,
        en: `parameter ${error.parameter} has no value on ${error.at}: the rule is not in force`,
      },
      undefined,
      { parameter: error.parameter, at: error.at },
    )
    return { outcome, run: fresh }
  }
}

/**
 * A gate's run. A gate whose parameter is not in force (a null value, or an override to null) is
 * skipped, and its trace says so (POLICY.md §0 ruling: "a parameter set to null ends its rule —
 * gates included"); under 1.0.0 the error propagated.
 */
const runGate = (
  gate: Gate,
  application: Application,
  asOf: IsoDate,
  parameters: ParameterSet,
  version: RulesetVersion,
): GateRun => {
  const run = new GateRun(gate, application, parameters, version)
  try {
    gate.decide(run, application, asOf)
    return run
  } catch (error) {
    if (!(error instanceof RuleNotInForce) || !appliesRulings20261203(version)) throw error
    const skipped = new GateRun(gate, application, parameters, version)
    skipped.params.read(error.parameter, error.at)
    skipped.note(GATE_SKIPPED, [error.parameter, error.at])
    return skipped
  }
}

/**
 * Whether a read is the ruleset's own value (recorded by reference). Reads are shared immutable
 * objects (ParameterSet.lookup), so the answer is remembered per read: a pure, deterministic memo.
 */
const RULESET_READS = new WeakMap<ParameterRead, boolean>()
const ofTheRuleset = (read: ParameterRead): boolean => {
  // a shared read remembers it in its memo box (no WeakMap lookup); any other read, in the WeakMap
  const memo = memoOf(read)
  if (memo !== undefined) {
    let held = memo.ofTheRuleset
    if (held === undefined) {
      held = DEFAULT_PARAMETERS.holds(read)
      memo.ofTheRuleset = held
    }
    return held
  }
  let known = RULESET_READS.get(read)
  if (known === undefined) {
    known = DEFAULT_PARAMETERS.holds(read)
    RULESET_READS.set(read, known)
  }
  return known
}

// The distinct reads of a decision, in parameterOrder, without comparing or moving reads: a shared
// read's rank is (its name's position) × 65536 + (its period's index), so (name, period) gives it a
// slot in a dense table, SLOTS_PER_NAME per name, and a bit per name marks the names read. Walking
// the marked names in order lists the reads in parameterOrder. The table is scratch space reused by
// every decision (left empty after each: collectParameters calls nothing that could re-enter it),
// so a decision allocates only the list it returns (binary-search inserts into sorted arrays were
// ~8 % of a 12-measure decision). A read outside the table (no rank, a period index ≥ 4, two reads
// of one slot) takes the general path.
const SLOTS_PER_NAME = 4
const RANK_SPAN = 65536
const slots: (ParameterRead | undefined)[] = []
/** each slot's position in the last decision's list (valid for the slots that decision filled) */
let positions = new Int32Array(0)
/** bit n: name n was read by the decision being collected */
let namesRead = new Int32Array(0)

/** The slot of a shared read, or -1 when it has none. */
const slotOf = (read: ParameterRead): number => {
  const rank = rankOf(read)
  if (rank === undefined) return -1
  const name = (rank / RANK_SPAN) | 0
  const period = rank - name * RANK_SPAN
  return period < SLOTS_PER_NAME ? name * SLOTS_PER_NAME + period : -1
}

const growSlots = (slot: number): void => {
  const names = ((slot / SLOTS_PER_NAME) | 0) + 1
  const size = Math.max(names, namesRead.length * 32, 32)
  const words = new Int32Array(Math.ceil(size / 32))
  words.set(namesRead)
  namesRead = words
  const grown = new Int32Array(words.length * 32 * SLOTS_PER_NAME)
  grown.set(positions)
  positions = grown
  while (slots.length < grown.length) slots.push(undefined)
}

/** Empties the scratch table (after a fallback to the general path). */
const clearSlots = (): void => {
  for (let w = 0; w < namesRead.length; w++) {
    let bits = namesRead[w]!
    namesRead[w] = 0
    while (bits !== 0) {
      const low = bits & -bits
      bits ^= low
      const base = (w * 32 + 31 - Math.clz32(low)) * SLOTS_PER_NAME
      for (let k = 0; k < SLOTS_PER_NAME; k++) slots[base + k] = undefined
    }
  }
}

/**
 * The distinct reads of `runs` in parameterOrder (their positions then in `positions`, by slot), or
 * null when some read has no slot or two reads share one (never within one parameter set).
 */
const slottedReads = (runs: readonly { reads: readonly ParameterRead[] }[]): ParameterRead[] | null => {
  let count = 0
  for (const run of runs) {
    const reads = run.reads
    for (let i = 0; i < reads.length; i++) {
      const r = reads[i]!
      const slot = slotOf(r)
      if (slot < 0) {
        clearSlots()
        return null
      }
      if (slot >= positions.length) growSlots(slot)
      const held = slots[slot]
      if (held === r) continue
      if (held !== undefined) {
        clearSlots()
        return null
      }
      slots[slot] = r
      const name = (slot / SLOTS_PER_NAME) | 0
      namesRead[name >>> 5]! |= 1 << (name & 31)
      count++
    }
  }
  const unique: ParameterRead[] = new Array(count)
  let n = 0
  for (let w = 0; w < namesRead.length; w++) {
    let bits = namesRead[w]!
    if (bits === 0) continue
    namesRead[w] = 0
    while (bits !== 0) {
      const low = bits & -bits
      bits ^= low
      const base = (w * 32 + 31 - Math.clz32(low)) * SLOTS_PER_NAME
      for (let k = 0; k < SLOTS_PER_NAME; k++) {
        const r = slots[base + k]
        if (r === undefined) continue
        slots[base + k] = undefined
        positions[base + k] = n
        unique[n++] = r
      }
    }
  }
  return unique
}

/**
 * Every parameter read, once per name and period, in plain code-unit order (not localeCompare):
 * deterministic, cheap; and each run's `facts.p`, the positions of its reads in that list. From
 * ruleset 1.2.0 a table parameter shows only the rows read. A read of the ruleset's own values is
 * recorded by reference (ParameterRef, one shared frozen array per read), any other by copy. No
 * closure is made here: under tsx's keepNames a named one costs a defineProperty per evaluation (a
 * one-measure decision spent ~8 % of its time there).
 */
const collectParameters = (runs: readonly FactRecorder[], onlyRowsRead: boolean): ParameterEntry[] => {
  // The reads of one name and period are one object (ParameterSet.lookup): identity dedupes them.
  let unique = slottedReads(runs)
  const slotted = unique !== null
  if (unique === null) {
    // A decision reads a few dozen values: a linear scan beats building a Set and a Map.
    unique = []
    for (const run of runs) for (const r of run.reads) if (!unique.includes(r)) unique.push(r)
    unique.sort(parameterOrder)
  }
  let anyRows = false
  for (const run of runs) {
    const reads = run.reads
    const p: number[] = new Array(reads.length)
    if (slotted) for (let k = 0; k < reads.length; k++) p[k] = positions[slotOf(reads[k]!)]!
    else for (let k = 0; k < reads.length; k++) p[k] = unique.indexOf(reads[k]!)
    run.facts.p = p
    if (run.rows.length > 0) anyRows = true
  }
  // the rows read of each table parameter, by its position
  let rows: Map<number, Set<string>> | undefined
  if (onlyRowsRead && anyRows) {
    rows = new Map()
    for (const run of runs) {
      for (const row of run.rows) {
        const i = slotted ? positionOfSlotted(unique, row.read) : unique.indexOf(row.read)
        const keys = rows.get(i) ?? new Set<string>()
        keys.add(row.key)
        rows.set(i, keys)
      }
    }
  }
  const list: ParameterEntry[] = new Array(unique.length)
  for (let i = 0; i < unique.length; i++) {
    const u = unique[i]!
    const keys = rows === undefined || u.value === null ? undefined : rows.get(i)
    if (ofTheRuleset(u)) list[i] = keys ? [u.name, u.from, [...keys].sort()] : toRef(u)
    else
      list[i] = keys
        ? toTuple({ ...u, value: tableRows(u.value as Readonly<Record<string, string>>, keys) })
        : toTuple(u)
  }
  return list
}

/**
 * A row's read's position in `unique` (the slotted list): a row is read through a read of its
 * decision, so its slot holds it; -1 otherwise, as indexOf would say.
 */
const positionOfSlotted = (unique: readonly ParameterRead[], read: ParameterRead): number => {
  const slot = slotOf(read)
  if (slot < 0 || slot >= positions.length) return -1
  const at = positions[slot]!
  return unique[at] === read ? at : -1
}

export type { TraceFacts }
