// The engine's entry point: application facts + evaluation date + parameters (+ what was already
// granted) → one explained outcome per measure. Pure: the date is an input, history is an input,
// nothing is read from or written to anywhere.

import type { IsoDate } from './dates.ts'
import { EngineError } from './errors.ts'
import { type Gate, GateRun } from './gate.ts'
import { GATES } from './gates/index.ts'
import { type Measure, MeasureRun } from './measure.ts'
import { MEASURES } from './measures/index.ts'
import { Rational, sum } from './money.ts'
import { DEFAULT_PARAMETERS } from './parameters/index.ts'
import { type ParameterSet, RuleNotInForce } from './parameters/parameter-set.ts'
import type { ParameterRead } from './parameters/types.ts'
import { appliesRulings20261203, RULESET, type RulesetVersion } from './ruleset.ts'
import type { Application, Evaluation, GateResult, History, MeasureId, Outcome } from './types.ts'
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

/** POLICY.md §0 (ruling of 2026-12-03): the window's clauses are §4 (2013 base year, 2017 targets)
 * and §8–§9 (the 2020 horizon); the first rules cited §1. */
const windowClause = (rulings: boolean) => (rulings ? '§4, §8–§9' : '§1')

const OUTSIDE_WINDOW = {
  zh: '申请日期不在政策适用期内',
  en: 'the application date is outside the policy window',
}

const RULES_NOT_IN_FORCE = (asOf: IsoDate, start: IsoDate) => ({
  zh: `评估日期${asOf}早于政策实施日${start}，相关规则尚未生效`,
  en: `the evaluation date ${asOf} is before the policy start ${start}: no rule was in force`,
})

/** Every measure ineligible for one reason, with the condition that decided it in its trace. */
const rejectAll = (
  measures: readonly Measure[],
  run: (m: Measure) => MeasureRun,
  code: string,
  message: { zh: string; en: string },
  record: (r: MeasureRun) => void,
): Outcome[] =>
  measures.map((m) => {
    const r = run(m)
    r.reason(code, message)
    record(r)
    return r.ineligibleWithReasons()
  })

export const evaluate = (application: Application, options: EvaluateOptions = {}): Evaluation => {
  validateApplication(application)
  const asOf = options.asOf ?? application.applicationDate
  const parameters = options.parameters ?? DEFAULT_PARAMETERS
  const history = options.history ?? {}
  const version = options.ruleset ?? RULESET.version
  const rulings = appliesRulings20261203(version)
  const measures = options.measures ? MEASURES.filter((m) => options.measures!.includes(m.id)) : MEASURES
  const newRun = (m: Measure) => new MeasureRun(m, application, asOf, history, parameters, version)

  const gates: GateResult[] = []
  let outcomes: Outcome[]

  // The window itself (its reads are recorded in the traces of the outcomes it decides). An
  // override that unsets a bound (null) leaves that side open.
  const start = (parameters.lookup('policy.windowStart', asOf)!.value as IsoDate | null) ?? '0000-01-01'
  const end = (parameters.lookup('policy.windowEnd', asOf)!.value as IsoDate | null) ?? '9999-12-31'
  const inWindow = start <= application.applicationDate && application.applicationDate <= end
  // Rules read before the policy started have no values: nothing can be granted as of then.
  const rulesInForce = asOf >= start

  // The window is a condition like any other: every outcome's trace records it, with both bounds as
  // parameters read, whether the date is inside or not (POLICY.md §0 ruling of 2026-12-03).
  const recordWindow = (r: MeasureRun) => {
    r.params.read('policy.windowStart', asOf)
    r.params.read('policy.windowEnd', asOf)
    r.condition({
      id: 'within-policy-window',
      clause: windowClause(rulings),
      description: {
        zh: '申请日期在政策适用期内',
        en: 'the application date lies within the policy window',
      },
      input: application.applicationDate,
      comparison: 'in',
      threshold: { from: start, to: end },
      holds: inWindow,
    })
  }
  const runInWindow = rulings
    ? (m: Measure) => {
        const r = newRun(m)
        recordWindow(r)
        return r
      }
    : newRun

  if (!inWindow) {
    outcomes = rejectAll(measures, newRun, 'OUTSIDE_POLICY_WINDOW', OUTSIDE_WINDOW, recordWindow)
  } else if (!rulesInForce) {
    outcomes = rejectAll(
      measures,
      runInWindow,
      'RULES_NOT_IN_FORCE',
      RULES_NOT_IN_FORCE(asOf, start),
      (r) => {
        r.params.read('policy.windowStart', asOf)
        r.condition({
          id: 'rules-in-force-on-evaluation-date',
          clause: windowClause(rulings),
          description: {
            zh: '评估日期在政策实施之日或之后',
            en: 'the evaluation date is on or after the policy start',
          },
          input: asOf,
          comparison: '>=',
          threshold: start,
          holds: false,
        })
      },
    )
  } else {
    const failed = application.project
      ? GATES.map((g) => {
          const result = runGate(g, application, asOf, parameters, version)
          gates.push(result)
          return { gate: g, result }
        }).find((x) => !x.result.passed)
      : undefined
    if (failed) {
      const { gate, result } = failed
      outcomes = rejectAll(measures, runInWindow, gate.reasonCode, gate.title, (r) => {
        r.condition({
          id: `gate-${gate.id}`,
          clause: gate.clause,
          description: { zh: `通过${gate.title.zh}审查`, en: `passes the ${gate.title.en} gate` },
          input: result.reasons.map((x) => x.code),
          comparison: '==',
          threshold: [],
          holds: false,
        })
        for (const reason of result.reasons) r.reason(reason.code, reason.message, reason.field)
      })
    } else {
      outcomes = measures.map((m) => decide(m, runInWindow(m), rulings ? recordWindow : () => {}))
    }
  }

  const cash = outcomes.filter((o) => o.amount !== null).map((o) => Rational.parse(o.amount!))
  return {
    ruleset: { id: RULESET.id, version },
    asOf,
    gates,
    outcomes,
    totalAmount: sum(cash).toMoney(),
    parametersUsed: collectParameters(
      [...gates.map((g) => g.trace), ...outcomes.map((o) => o.trace)].flatMap((t) => t.parameters),
    ),
    overriddenParameters: [...parameters.overridden],
  }
}

/** A measure's outcome; a rule whose parameter is not in force on the date is an outcome too. */
const decide = (measure: Measure, run: MeasureRun, recordWindow: (r: MeasureRun) => void): Outcome => {
  try {
    return measure.evaluate(run)
  } catch (error) {
    if (!(error instanceof RuleNotInForce)) throw error
    const fresh = new MeasureRun(measure, run.application, run.asOf, run.history, run.params.set, run.ruleset)
    recordWindow(fresh)
    return fresh.ineligible(
      'RULE_NOT_IN_FORCE',
      {
        zh: `参数${error.parameter}在${error.at}无有效值，该规则不适用`,
        en: `parameter ${error.parameter} has no value on ${error.at}: the rule is not in force`,
      },
      undefined,
      { parameter: error.parameter, at: error.at },
    )
  }
}

/**
 * A gate's result. A gate whose parameter is not in force (a null value, or an override to null) is
 * skipped, and its trace says so (POLICY.md §0 ruling: "a parameter set to null ends its rule —
 * gates included"); under 1.0.0 the error propagated.
 */
const runGate = (
  gate: Gate,
  application: Application,
  asOf: IsoDate,
  parameters: ParameterSet,
  version: RulesetVersion,
): GateResult => {
  try {
    return gate.evaluate(application, asOf, parameters, version)
  } catch (error) {
    if (!(error instanceof RuleNotInForce) || !appliesRulings20261203(version)) throw error
    const run = new GateRun(gate.id, gate.clause, parameters)
    run.params.read(error.parameter, error.at)
    run.note(
      `gate skipped: parameter ${error.parameter} has no value on ${error.at}, so the rule it holds is not in force`,
    )
    return run.result()
  }
}

const collectParameters = (reads: ParameterRead[]): ParameterRead[] => {
  // Once per name and period; in plain code-unit order (not localeCompare): deterministic, cheap.
  const unique: ParameterRead[] = []
  for (const r of reads) {
    if (!unique.some((u) => u.name === r.name && u.from === r.from)) unique.push(r)
  }
  return unique.sort((a, b) => (a.name === b.name ? (a.from < b.from ? -1 : 1) : a.name < b.name ? -1 : 1))
}

export { EngineError }
