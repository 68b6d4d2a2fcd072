// What a measure is, and the small toolkit each measure file uses to build an explained outcome.
// A measure file reads like the clause: test each condition (recorded with input and threshold),
// read parameters (recorded with value and period), compute (recorded step by step), decide.

import type { IsoDate } from './dates.ts'
import { type Rational, ZERO } from './money.ts'
import type { ParameterSet } from './parameters/parameter-set.ts'
import { type Text, TraceRecorder } from './trace.ts'
import type { Application, History, LedgerClaim, MeasureId, Outcome, OutcomeStatus, Reason } from './types.ts'

export interface Measure {
  id: MeasureId
  clause: string
  title: Text
  summary: Text
  /** false for non-cash benefits (loan rate, land price ceiling, direct power trading) */
  cash: boolean
  /** JSON pointers of the application inputs the measure reads */
  inputs: readonly string[]
  evaluate(run: MeasureRun): Outcome
}

export type { ConditionSpec } from './trace.ts'

/** Builds one measure's outcome and its trace. */
export class MeasureRun extends TraceRecorder {
  private readonly reasons: Reason[] = []
  private readonly ledger: LedgerClaim[] = []

  constructor(
    readonly measure: Pick<Measure, 'id' | 'clause'>,
    readonly application: Application,
    readonly asOf: IsoDate,
    readonly history: History,
    parameters: ParameterSet,
  ) {
    super(measure.clause, parameters)
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
   * Zero after a cap is `capped`; zero without one is for the measure to decide before calling.
   */
  cash(amount: Rational, details: Record<string, unknown> = {}, capped = false): Outcome {
    const fen = amount.max(ZERO).toFenHalfUp()
    if (fen === 0n && capped) return this.outcome('capped', '0.00', details)
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
