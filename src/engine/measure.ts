// What a measure is, and the small toolkit each measure file uses to build an explained outcome.
// A measure file reads like the clause: test each condition (recorded with input and threshold),
// read parameters (recorded by reference), compute (recorded step by step), decide. What it records
// are facts (src/engine/facts.ts): the words of each condition, step and note are declared once in
// the measure file, beside the rule, and rendered only when the explanation is read.

import type { IsoDate } from './dates.ts'
import {
  type Arg,
  type ConditionDef,
  type ConditionFact,
  defineCondition,
  defineStep,
  type Exact,
  type NoteDef,
  type Presentation,
  presentation,
  type RenderContext,
  renderTrace,
  type StepDef,
  type TraceFacts,
} from './facts.ts'
import {
  type History,
  type LedgerClaim,
  type LedgerSubject,
  LedgerView,
  packClaim,
  type RecordedLedgerClaim,
} from './ledgers.ts'
import { type Rational, ZERO } from './money.ts'
import type { FactReader, ParameterSet, TableRowRead } from './parameters/parameter-set.ts'
import type { ParameterRead } from './parameters/types.ts'
import {
  appliesRulings20261203,
  appliesRulings20261206,
  foldsLedgerKeys,
  holdsPendingAwards,
  holdsUnfundedGrants,
  namesValuesByLabel,
  presentsDecimals,
  type RulesetVersion,
} from './ruleset.ts'
import type { CountedRecordFact } from './tax.ts'
import type { Text, Trace } from './trace.ts'
import type { Application, MeasureId, OutcomeStatus, Reason } from './types.ts'

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
  evaluate(run: MeasureRun): CompactOutcome
  /** The details as shown, when the decision records part of them as facts (the tax records). */
  renderDetails?(
    details: Record<string, unknown>,
    trace: TraceFacts,
    ctx: RenderContext,
  ): Record<string, unknown>
}

/**
 * One measure's outcome as a decision records it: status, amount, reasons (codes with their zh/en
 * messages), details, ledger claims, and the facts of its trace (rendered by src/engine/render.ts).
 */
export interface CompactOutcome {
  measure: MeasureId
  status: OutcomeStatus
  /** yuan with two decimals; null for non-cash measures, ineligible and needs-review outcomes */
  amount: string | null
  reasons: Reason[]
  details: Record<string, unknown>
  /** tax-days claims packed (PackedDaysClaim); render.ts shows them unpacked */
  ledger: RecordedLedgerClaim[]
  trace: TraceFacts
}

// POLICY.md §0: each measure's amount is rounded half-up to the fen once, after its cap. From ruleset
// 1.2.0 the rounding is the outcome's last step whenever it changes the exact amount.
const ROUNDED = defineStep('', {
  key: 'rounded-to-fen',
  description: {
    zh: '金额在封顶后四舍五入至分，仅舍入一次（POLICY.md §0）',
    en: 'amount rounded half-up to the fen, once, after any cap (POLICY.md §0)',
  },
  expression: ([exact], _, { show }) => `round(${show.yuan(exact!)})`,
})

const BELOW_ONE_FEN = defineCondition('', {
  key: 'amount-at-least-one-fen',
  clause: '§0',
  description: { zh: '金额四舍五入后不少于0.01元', en: 'the amount rounds to at least 0.01 yuan' },
  comparison: '>=',
})

/** Records the facts of one trace: conditions, steps, notes, and the parameters read. */
export class FactRecorder {
  readonly facts: TraceFacts = { p: [], c: [], s: [], n: [] }
  /** the parameters read, once each, in the order first read */
  readonly reads: ParameterRead[] = []
  /** rows read of table parameters */
  readonly rows: TableRowRead[] = []
  readonly params: FactReader
  /** how exact values show in the texts the decision stores (reasons, details, condition inputs) */
  readonly show: Presentation
  /** reasons name vocabulary values by their labels (ruleset ≥ 1.3.0; src/engine/labels.ts) */
  readonly labels: boolean

  constructor(
    readonly scope: string,
    readonly clause: string,
    readonly application: Application,
    parameters: ParameterSet,
    readonly ruleset: RulesetVersion,
  ) {
    this.params = parameters.factReader(this.reads, this.rows)
    this.show = presentation(ruleset)
    this.labels = namesValuesByLabel(ruleset)
  }

  /**
   * Records a condition and returns whether it holds. An input or threshold the definition derives
   * (from the application, from the parameters read) is not stored: pass undefined.
   */
  test(
    def: ConditionDef,
    input: unknown,
    threshold: unknown,
    holds: boolean,
    args?: readonly Arg[],
  ): boolean {
    const i = def.input ? 0 : input
    const t = def.threshold ? 0 : threshold
    // each fact made at its length: a push beyond a literal's length moves the array to a larger
    // backing store (~57 conditions per 12-measure decision)
    const fact: ConditionFact =
      args !== undefined
        ? [def.key, holds, i, t, args]
        : !def.threshold
          ? [def.key, holds, i, t]
          : !def.input
            ? [def.key, holds, i]
            : [def.key, holds]
    this.facts.c.push(fact)
    return holds
  }

  /** Records an arithmetic step and returns its value, so code and trace cannot disagree. */
  step(def: StepDef, value: Rational, operands: readonly Rational[], args?: readonly Arg[]): Rational {
    // a loop, not map() with a closure: ~22 steps per 12-measure decision
    const q: Exact[] = new Array(operands.length)
    for (let k = 0; k < operands.length; k++) q[k] = operands[k]!.toCompact()
    this.facts.s.push(
      args === undefined ? [def.key, value.toCompact(), q] : [def.key, value.toCompact(), q, args],
    )
    return value
  }

  note(def: NoteDef, args?: readonly Arg[]): void {
    this.facts.n.push(args === undefined ? [def.key] : [def.key, args])
  }

  /** The trace in words, as recorded so far (what render.ts makes of the facts). */
  get trace(): Trace {
    return renderTrace(
      this.scope,
      this.clause,
      { ...this.facts, p: this.reads.map((_, i) => i) },
      this.reads,
      {
        application: this.application,
        rulings: appliesRulings20261203(this.ruleset),
        show: this.show,
        language: 'en',
      },
    )
  }
}

export type { ConditionSpec } from './trace.ts'

/**
 * A claimed item (platform, event, standard) refused: the reason goes on the outcome, its code on
 * the item. A module-level function, not a closure per item: under tsx's keepNames every named
 * closure costs a defineProperty each time it is made.
 */
export const refuseItem = <I extends { reasons: string[] }>(
  run: MeasureRun,
  item: I,
  code: string,
  message: Text,
  pointer: string,
): I => {
  run.reason(code, message, pointer)
  item.reasons.push(code)
  return item
}

/** Builds one measure's outcome and the facts of its trace. */
export class MeasureRun extends FactRecorder {
  private readonly reasons: Reason[] = []
  private readonly ledger: LedgerClaim[] = []
  /** the tax records counted (src/engine/tax.ts), kept in the trace's facts: the tax rewards' details.records */
  get taxRecords(): CountedRecordFact[] {
    this.facts.r ??= []
    return this.facts.r as CountedRecordFact[]
  }
  /** what was already granted, by subject */
  readonly granted: LedgerView
  /** POLICY.md §0 rulings of 2026-12-03 apply (ruleset ≥ 1.1.0; a 1.0.0 decision replays without) */
  readonly rulings: boolean
  /** the readings of 2026-12-06 apply (ruleset ≥ 1.4.0: src/engine/ruleset.ts says which) */
  readonly rulings20261206: boolean
  /** an award awaiting its amount is held for its claimant (ruleset ≥ 1.5.0) */
  readonly holdsPending: boolean
  /** an unfunded outcome holds what it would grant once, until it is funded or corrected (≥ 1.6.0) */
  readonly holdsUnfunded: boolean

  constructor(
    readonly measure: Pick<Measure, 'id' | 'clause'>,
    application: Application,
    readonly asOf: IsoDate,
    readonly history: History,
    parameters: ParameterSet,
    ruleset: RulesetVersion,
    /**
     * The application passed validateApplication in this decision (decideCompact's runs): what it
     * checked, a measure need not check again (src/engine/tax.ts: the tax records).
     */
    readonly validated = false,
  ) {
    super(measure.id, measure.clause, application, parameters, ruleset)
    this.granted = new LedgerView(history, foldsLedgerKeys(ruleset))
    this.rulings = appliesRulings20261203(ruleset)
    this.rulings20261206 = appliesRulings20261206(ruleset)
    this.holdsPending = holdsPendingAwards(ruleset)
    this.holdsUnfunded = holdsUnfundedGrants(ruleset)
  }

  claim(claim: LedgerClaim): void {
    this.ledger.push(claim)
  }

  reason(code: string, message: Text, field?: string): void {
    this.reasons.push(field === undefined ? { code, message } : { code, message, field })
  }

  private outcome(
    status: OutcomeStatus,
    amount: string | null,
    details: Record<string, unknown>,
    claims = status === 'eligible',
  ): CompactOutcome {
    return {
      measure: this.measure.id,
      status,
      amount,
      reasons: this.reasons,
      details,
      ledger: claims ? this.packedClaims() : [],
      trace: this.facts,
    }
  }

  /** The claims as the record holds them (a loop: no closure per outcome). */
  private packedClaims(): RecordedLedgerClaim[] {
    const packed: RecordedLedgerClaim[] = new Array(this.ledger.length)
    for (let k = 0; k < this.ledger.length; k++) packed[k] = packClaim(this.measure.id, this.ledger[k]!)
    return packed
  }

  /**
   * A cash result: rounded half-up to the fen once, here, after the cap the measure applied.
   * Zero after a cap is `capped`. Without a cap, an amount above zero that rounds to 0.00 pays
   * nothing: eligible means money or a benefit (POLICY.md §0 ruling), so it is AMOUNT_BELOW_ONE_FEN.
   */
  cash(amount: Rational, details: Record<string, unknown> = {}, capped = false): CompactOutcome {
    const positive = amount.max(ZERO)
    const money = positive.toMoney()
    const zero = money === '0.00'
    if (zero && capped) return this.outcome('capped', '0.00', details)
    if (zero && this.rulings) {
      const exact = this.show.yuan(positive)
      this.test(BELOW_ONE_FEN, exact, '0.005', false)
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
    if (presentsDecimals(this.ruleset) && !positive.isWholeFen()) {
      this.step(ROUNDED, positive.roundedToFen(), [positive])
    }
    return this.outcome('eligible', money, details)
  }

  /** A non-cash benefit granted. */
  benefit(details: Record<string, unknown> = {}): CompactOutcome {
    return this.outcome('eligible', null, details)
  }

  ineligible(
    code: string,
    message: Text,
    field?: string,
    details: Record<string, unknown> = {},
  ): CompactOutcome {
    this.reason(code, message, field)
    return this.outcome('ineligible', null, details)
  }

  /** A missing input is a result, not an error: it says what is missing, for this measure. */
  missing(pointers: string[], details: Record<string, unknown> = {}): CompactOutcome {
    const { code, message, field } = missingInputReason(pointers)
    return this.ineligible(code, message, field, { ...details, missing: pointers })
  }

  /**
   * An outcome a person must complete. `holding`: its claims are recorded all the same (amounts
   * null), so what it claims is held for it until it is corrected (holdsPendingAwards).
   */
  needsReview(
    code: string,
    message: Text,
    details: Record<string, unknown> = {},
    holding = false,
  ): CompactOutcome {
    this.reason(code, message)
    return this.outcome('needs-review', null, details, holding)
  }

  /** The outcome when reasons were added along the way and none of them lets the measure pay. */
  ineligibleWithReasons(details: Record<string, unknown> = {}): CompactOutcome {
    return this.outcome('ineligible', null, details)
  }
}

/**
 * The reason of an outcome that lacks inputs (details.missing = pointers), as MeasureRun#missing
 * gives it: a stored record (format 3, src/engine/stored-record.ts) keeps only its code and reads it
 * back from here, so this text is frozen — a new wording is a new code or a new record format.
 */
export const missingInputReason = (pointers: readonly string[]): Reason =>
  pointers[0] === undefined
    ? { code: 'MISSING_INPUT', message: missingInputText(pointers) }
    : { code: 'MISSING_INPUT', message: missingInputText(pointers), field: pointers[0] }

const missingInputText = (pointers: readonly string[]): Text => {
  // one pointer (most) by itself; several by their JSON: no two lists share a key
  const [texts, key] =
    pointers.length === 1 ? [ONE_MISSING_INPUT, pointers[0]!] : [MISSING_INPUTS, JSON.stringify(pointers)]
  const known = texts.get(key)
  if (known) return known
  const text: Text = Object.freeze({
    zh: `缺少所需信息：${pointers.join('、')}`,
    en: `missing input: ${pointers.join(', ')}`,
  })
  if (texts.size < MISSING_INPUT_TEXTS_KEPT) texts.set(key, text)
  return text
}

/**
 * The texts of missingInputText, one object per list of pointers: the measures name a few dozen
 * fixed lists, and a batch gives each of them thousands of times. One object (and one string each)
 * instead of two new strings every time: whoever groups reasons by their text (a batch's chunk, its
 * stored reason texts) finds it by a string whose hash is already known. Bounded, since a stored
 * record's details are read back through here too.
 */
const ONE_MISSING_INPUT = new Map<string, Text>()
const MISSING_INPUTS = new Map<string, Text>()
const MISSING_INPUT_TEXTS_KEPT = 512
