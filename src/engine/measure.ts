// What a measure is, and the small toolkit each measure file uses to build an explained outcome.
// A measure file reads like the clause: test each condition (recorded with input and threshold),
// read parameters (recorded with value and period), compute (recorded step by step), decide.

import type { IsoDate } from './dates.ts'
import { type History, type LedgerClaim, type LedgerSubject, LedgerView } from './ledgers.ts'
import { type Rational, ZERO } from './money.ts'
import type { ParameterSet } from './parameters/parameter-set.ts'
import { appliesRulings20261203, type RulesetVersion } from './ruleset.ts'
import { type Text, TraceRecorder } from './trace.ts'
import type { Application, MeasureId, Outcome, OutcomeStatus, Reason } from './types.ts'

export interface Measure {
  id: MeasureId
  clause: string
  title: Text
  summary: Text
  /** false for non-cash benefits (loan rate, land price ceiling, direct power trading) */
  cash: boolean
  /** JSON pointers of the application inputs the measure reads */
  inputs: readonly string[]
  /**
   * The ledger subjects the measure reads for an application (src/engine/ledgers.ts): the database
   * locks them and reads what they hold before the measure decides. Absent: no limit spans applications.
   */
  subjects?(application: Application): LedgerSubject[]
  evaluate(run: MeasureRun): Outcome
}

export type { ConditionSpec } from './trace.ts'

/** Builds one measure's outcome and its trace. */
export class MeasureRun extends TraceRecorder {
  private readonly reasons: Reason[] = []
  private readonly ledger: LedgerClaim[] = []
  /** what was already granted, by subject */
  readonly granted: LedgerView
  /** POLICY.md §0 rulings of 2026-12-03 apply (ruleset ≥ 1.1.0; a 1.0.0 decision replays without) */
  readonly rulings: boolean

  constructor(
    readonly measure: Pick<Measure, 'id' | 'clause'>,
    readonly application: Application,
    readonly asOf: IsoDate,
    readonly history: History,
    parameters: ParameterSet,
    readonly ruleset: RulesetVersion,
  ) {
    super(measure.clause, parameters)
    this.granted = new LedgerView(history)
    this.rulings = appliesRulings20261203(ruleset)
  }

  claim(claim: LedgerClaim): void {
    this.ledger.push(claim)
  }

  reason(code: string, message: Text, field?: string): void {
    this.reasons.push(field === undefined ? { code, message } : { code, message, field })
  }

  private outcome(status: OutcomeStatus, amount: string | null, details: Record<string, unknown>): Outcome {
    return {
      measure: this.measure.id,
      clause: this.measure.clause,
      status,
      amount,
      details,
      reasons: this.reasons,
      trace: this.trace,
      ledger: status === 'eligible' ? this.ledger : [],
    }
  }

  /**
   * A cash result: rounded half-up to the fen once, here, after the cap the measure applied.
   * Zero after a cap is `capped`. Without a cap, an amount above zero that rounds to 0.00 pays
   * nothing: eligible means money or a benefit (POLICY.md §0 ruling), so it is AMOUNT_BELOW_ONE_FEN.
   */
  cash(amount: Rational, details: Record<string, unknown> = {}, capped = false): Outcome {
    const fen = amount.max(ZERO).toFenHalfUp()
    if (fen === 0n && capped) return this.outcome('capped', '0.00', details)
    if (fen === 0n && this.rulings) {
      const exact = amount.max(ZERO).toYuan()
      this.condition({
        id: 'amount-at-least-one-fen',
        clause: '§0',
        description: { zh: '金额四舍五入后不少于0.01元', en: 'the amount rounds to at least 0.01 yuan' },
        input: exact,
        comparison: '>=',
        threshold: '0.005',
        holds: false,
      })
      return this.ineligible(
        'AMOUNT_BELOW_ONE_FEN',
        {
          zh: `计算金额${exact}元四舍五入后为0.00元，不足1分`,
          en: `the amount ${exact} rounds to 0.00: less than one fen`,
        },
        undefined,
        details,
      )
    }
    return this.outcome('eligible', amount.max(ZERO).toMoney(), details)
  }

  /** A non-cash benefit granted. */
  benefit(details: Record<string, unknown> = {}): Outcome {
    return this.outcome('eligible', null, details)
  }

  ineligible(code: string, message: Text, field?: string, details: Record<string, unknown> = {}): Outcome {
    this.reason(code, message, field)
    return this.outcome('ineligible', null, details)
  }

  /** A missing input is a result, not an error: it says what is missing, for this measure. */
  missing(pointers: string[], details: Record<string, unknown> = {}): Outcome {
    return this.ineligible(
      'MISSING_INPUT',
      { zh: `缺少所需信息：${pointers.join('、')}`, en: `missing input: ${pointers.join(', ')}` },
      pointers[0],
      { ...details, missing: pointers },
    )
  }

  needsReview(code: string, message: Text, details: Record<string, unknown> = {}): Outcome {
    this.reason(code, message)
    return this.outcome('needs-review', null, details)
  }

  /** The outcome when reasons were added along the way and none of them lets the measure pay. */
  ineligibleWithReasons(details: Record<string, unknown> = {}): Outcome {
    return this.outcome('ineligible', null, details)
  }
}
