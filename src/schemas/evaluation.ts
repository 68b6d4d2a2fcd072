// POST /v1/evaluations: the request (facts, evaluation date, measures, parameter overrides, what was
// already granted) and the response, the engine's Evaluation (src/engine/types.ts) field by field.
//
// Responses are serialized by fast-json-stringify from these schemas, which DROPS any property the
// schema does not name: every field the engine returns is listed here. Only the measure-specific
// `details` and a trace condition's `input` and `threshold` are free-form.

import { Type } from 'typebox'
import interestSubsidyExample from '../../examples/interest-subsidy.json' with { type: 'json' }
import landPriceCeilingExample from '../../examples/land-price-ceiling.json' with { type: 'json' }
import { NEGATIVE_LIST_CONSEQUENCES } from '../engine/gates/negative-list.ts'
import { MEASURE_IDS } from '../engine/types.ts'
import { REASON_CODES, REASONS } from '../i18n/reasons.ts'
import { Application, History, IsoDate } from './application.ts'
import { CalendarDate, PARAMETER_NAME_PATTERN, TEXT_PATTERN } from './common.ts'

// ---------------------------------------------------------------------------------------------
// Shared by every explained result (evaluations, finance computations, indicators)

export const Text = Type.Object(
  {
    zh: Type.String({ description: 'In Chinese.' }),
    en: Type.String({ description: 'In English.' }),
  },
  { additionalProperties: false, description: 'A text in Chinese and English.' },
)

/** A text in both languages, described for the field that holds it. */
export const TextOf = (description: string) =>
  Type.Object(Text.properties, { additionalProperties: false, description })

export const Reason = Type.Object(
  {
    // Typed as string: the engine's Reason.code is a string and stored decisions keep theirs; the
    // document lists the codes (src/i18n/reasons.ts, checked against every case by a test).
    code: Type.Unsafe<string>(
      Type.Enum(REASON_CODES, {
        description:
          'Stable machine-readable reason (`message` says it for this case; GET /v1/reasons lists them):\n' +
          REASON_CODES.map((c) => `- ${c}: ${REASONS[c].zh} / ${REASONS[c].en}`).join('\n'),
        'x-messages': REASONS,
      }),
    ),
    message: Text,
    field: Type.Optional(
      Type.String({
        description: 'JSON pointer of the input concerned, e.g. "/project/land/buildingCoefficient".',
      }),
    ),
  },
  { additionalProperties: false, description: 'Why a result is what it is.' },
)

/** string | number | string[] | { id: decimal } — src/engine/parameters/types.ts ParameterValue. */
export const ParameterValue = Type.Union(
  [
    Type.String({
      maxLength: 100,
      pattern: TEXT_PATTERN,
      description: 'rate, amount (yuan) or date: a decimal string or YYYY-MM-DD.',
    }),
    Type.Integer({ description: 'integer: a count (months, years, kV, rank).' }),
    Type.Immutable(
      Type.Array(Type.String({ maxLength: 100, pattern: TEXT_PATTERN }), {
        maxItems: 1000,
        description: 'list: ids (park levels, prefectures, industry codes).',
      }),
    ),
    Type.Record(Type.String(), Type.String({ maxLength: 100, pattern: TEXT_PATTERN }), {
      maxProperties: 1000,
      propertyNames: { maxLength: 100, pattern: TEXT_PATTERN },
      description: 'table: ids mapped to decimal strings (plot-ratio standard by industry division).',
    }),
  ],
  { description: 'A parameter value of its kind.' },
)

export const NullableParameterValue = Type.Union([ParameterValue, Type.Null()], {
  description: 'A parameter value; null means the rule is not in force (unset, or ended) in that period.',
})

export const ParameterRead = Type.Object(
  {
    name: Type.String({ description: 'Dotted parameter name, e.g. "interestSubsidy.rate".' }),
    value: NullableParameterValue,
    from: CalendarDate('First day the value is in force; 0000-01-01 means always.'),
    to: Type.Union([CalendarDate('Last day the value is in force, inclusive.'), Type.Null()], {
      description: 'Last day the value is in force, inclusive; null = open-ended.',
    }),
    clause: Type.String({ description: 'Clause of the source the parameter comes from, e.g. "§18".' }),
    overridden: Type.Optional(
      Type.Boolean({ description: "True when the value came from the request's override, not the ruleset." }),
    ),
  },
  { additionalProperties: false, description: 'One parameter value as read by a decision, with its period.' },
)

export const TraceCondition = Type.Object(
  {
    id: Type.String({ description: 'Stable id of the condition, e.g. "investment-positive".' }),
    clause: Type.String({ description: 'Clause the condition comes from.' }),
    description: Text,
    input: Type.Unknown({ description: 'The input value as given (decimal strings stay strings).' }),
    comparison: Type.Enum(['>=', '>', '<=', '<', '==', '!=', 'in', 'not-in', 'is'] as const, {
      description: 'How the input was compared with the threshold.',
    }),
    threshold: Type.Unknown({ description: 'What the input was compared with.' }),
    holds: Type.Boolean({ description: 'Whether the condition holds.' }),
  },
  { additionalProperties: false, description: 'One condition tested, with its input and threshold.' },
)

export const TraceStep = Type.Object(
  {
    description: Type.String({ description: 'What the step computes, e.g. "subsidy before the cap".' }),
    expression: Type.String({
      description: 'The arithmetic with the values substituted, e.g. "0.06 × 120000000.00".',
    }),
    result: Type.String({
      description:
        'The result: an exact decimal; one that does not terminate shows six decimals and "…" ("0.333333…", ruleset 1.2.0 on; decisions of 1.0.0 and 1.1.0 show a fraction, "1/3"), and a rounding is a step of its own ("round(2066472.602739…)" → "2066472.60").',
    }),
  },
  { additionalProperties: false, description: 'One arithmetic step.' },
)

export const Trace = Type.Object(
  {
    clause: Type.String({ description: 'The clause cited, e.g. "§18".' }),
    conditions: Type.Array(TraceCondition, { description: 'Each condition tested, in order.' }),
    parameters: Type.Array(ParameterRead, { description: 'Each parameter read, with its value and period.' }),
    steps: Type.Array(TraceStep, { description: 'The arithmetic, step by step.' }),
    notes: Type.Array(Type.String(), {
      description: 'Remarks: prorations, caps applied, rules not applying.',
    }),
  },
  {
    additionalProperties: false,
    description: 'The explanation: a reader can redo the computation from the trace alone.',
  },
)

// ---------------------------------------------------------------------------------------------
// Request

export const MeasureId = Type.Enum(MEASURE_IDS, { description: 'Stable id of a measure (POLICY.md §2).' })

export const ParameterOverride = Type.Union(
  [
    NullableParameterValue,
    Type.Object(
      {
        from: IsoDate('The value applies from this date on; earlier values are kept (a reform).'),
        value: NullableParameterValue,
      },
      { additionalProperties: false },
    ),
  ],
  {
    description:
      "A value for every date (what-if), or { from, value } from a date on (a reform). The value must fit the parameter's kind: rate and amount as decimal strings, integer as a number, list as strings, table as an object of decimal strings; null unsets it.",
  },
)

export const EvaluationRequest = Type.Object(
  {
    application: Application,
    asOf: Type.Optional(
      IsoDate('The date the rules are read at; defaults to the application date (POLICY.md §0).'),
    ),
    measures: Type.Optional(
      Type.Array(MeasureId, {
        uniqueItems: true,
        minItems: 1,
        maxItems: MEASURE_IDS.length,
        description: 'Evaluate only these measures; all of them when absent.',
      }),
    ),
    parameters: Type.Optional(
      Type.Record(Type.String(), ParameterOverride, {
        maxProperties: 200,
        propertyNames: { pattern: PARAMETER_NAME_PATTERN },
        description:
          'Parameter overrides by name (GET /v1/parameters lists them), e.g. { "interestSubsidy.rate": "0.07" }. An unknown name is a 400 naming #/parameters/<name>.',
      }),
    ),
    history: Type.Optional(History),
  },
  {
    $id: 'EvaluationRequest',
    additionalProperties: false,
    description: 'What is this application entitled to? Nothing is stored.',
    // Two of the ready request bodies of examples/ (one per measure): POLICY.md §5 examples 1 and 5.
    examples: [interestSubsidyExample, landPriceCeilingExample],
  },
)

// ---------------------------------------------------------------------------------------------
// Response

const LEDGER_NAMES = [
  'interest-subsidy',
  'top3-award-year',
  'talent-award-year',
  'rd-platform-grant',
  'research-institute-award',
  'standards-award',
  'tax-days',
  'budget',
] as const

export const LedgerName = Type.Enum(LEDGER_NAMES, {
  description:
    'A ledger (README "For auditors"): interest-subsidy (an enterprise\'s project cap, §18), top3-award-year, talent-award-year, rd-platform-grant, research-institute-award, standards-award (once each), tax-days (days a tax reward paid for), budget (a budget pool: drawn against the amount set, POLICY.md §3).',
})

const Described = (description: string) => Type.String({ description })

export const LedgerSubject = Type.Union(
  [
    Type.Object(
      {
        ledger: Type.Literal('interest-subsidy'),
        creditCode: Described('The enterprise.'),
        projectId: Described('Its project.'),
      },
      { additionalProperties: false },
    ),
    Type.Object(
      { ledger: Type.Literal('top3-award-year'), creditCode: Described('The enterprise.') },
      { additionalProperties: false },
    ),
    Type.Object(
      { ledger: Type.Literal('talent-award-year'), personId: Described('The person.') },
      { additionalProperties: false },
    ),
    Type.Object(
      { ledger: Type.Literal('rd-platform-grant'), platformId: Described('The platform.') },
      { additionalProperties: false },
    ),
    Type.Object(
      {
        ledger: Type.Literal('research-institute-award'),
        eventId: Described('The institute or achievement.'),
      },
      { additionalProperties: false },
    ),
    Type.Object(
      {
        ledger: Type.Literal('standards-award'),
        standardId: Described('The standard or certificate number.'),
      },
      { additionalProperties: false },
    ),
    Type.Object(
      {
        ledger: Type.Literal('tax-days'),
        measure: Type.Enum([
          'emerging-project-tax-reward',
          'startup-tech-sme-tax-reward',
          'emerging-top3-tax-reward',
        ] as const),
        creditCode: Described('The enterprise.'),
        projectId: Type.Union([Described('The project whose taxes they are.'), Type.Null()], {
          description: "The project whose taxes they are; null for the enterprise's own.",
        }),
        tax: Type.Enum(['vat', 'enterpriseIncomeTax', 'businessTax'] as const),
      },
      { additionalProperties: false },
    ),
    Type.Object(
      {
        ledger: Type.Literal('budget'),
        year: Type.Integer({ description: "The budget year (the application date's year)." }),
        measure: MeasureId,
        prefecture: Type.Union([Described('The prefecture whose budget it is.'), Type.Null()], {
          description: 'The prefecture whose budget it is; null for the province-wide budget.',
        }),
      },
      { additionalProperties: false, description: 'A budget pool (POLICY.md §3).' },
    ),
  ],
  { description: 'Who or what a limit belongs to (POLICY.md §0 "Whose ledger").' },
)

const Amount = Type.String({ description: 'Yuan with two decimals.' })

export const LedgerClaim = Type.Union(
  [
    Type.Object(
      {
        kind: Type.Literal('cumulative', {
          description: "Adds `amount` to the subject's running total, which must stay ≤ `cap`.",
        }),
        subject: LedgerSubject,
        amount: Amount,
        cap: Type.String({ description: 'The cap the total must stay within, yuan with two decimals.' }),
      },
      { additionalProperties: false },
    ),
    Type.Object(
      {
        kind: Type.Literal('once', { description: "The subject's item may be granted once, ever." }),
        subject: LedgerSubject,
        item: Type.String({ description: 'A tier, a year, or "" for the identifier itself.' }),
        amount: Type.Union([Amount, Type.Null()], {
          description: 'Yuan with two decimals; null for a non-cash grant.',
        }),
      },
      { additionalProperties: false },
    ),
    Type.Object(
      {
        kind: Type.Literal('days', { description: "The subject's days in `period` are rewarded once." }),
        subject: LedgerSubject,
        period: Type.Object(
          { from: Type.String({ format: 'date' }), to: Type.String({ format: 'date' }) },
          { additionalProperties: false, description: 'Inclusive dates.' },
        ),
      },
      { additionalProperties: false },
    ),
    // Decisions stored under ruleset 1.0.0 (before 2026-12-03) keep the claims as they were made.
    Type.Object(
      {
        kind: Type.Literal('cumulative'),
        ledger: Type.String({ description: 'The ledger (ruleset 1.0.0).' }),
        key: Type.String({ description: 'The key within the ledger (ruleset 1.0.0: the project id).' }),
        amount: Amount,
        cap: Amount,
      },
      { additionalProperties: false },
    ),
    Type.Object(
      {
        kind: Type.Literal('once'),
        ledger: Type.String({ description: 'The ledger (ruleset 1.0.0).' }),
        key: Type.String({
          description: 'The key within the ledger (ruleset 1.0.0, e.g. "<platform id>:national").',
        }),
        amount: Type.Union([Amount, Type.Null()]),
      },
      { additionalProperties: false },
    ),
  ],
  {
    description:
      'A limit the decision consumes if it is persisted: the database ledger records it and refuses it if someone else took it first.',
  },
)

/** What the ledger held for a decision's subjects when it was made (decisions from ruleset 1.1.0). */
export const LedgerHistory = Type.Object(
  {
    totals: Type.Optional(
      Type.Array(
        Type.Object(
          { ledger: LedgerName, key: Type.String(), total: Amount },
          { additionalProperties: false },
        ),
        { description: 'Running totals of cumulative subjects (non-zero ones).' },
      ),
    ),
    grants: Type.Optional(
      Type.Array(
        Type.Object(
          {
            ledger: LedgerName,
            key: Type.String({ description: "The subject's key." }),
            kind: Type.Enum(['once', 'days'] as const),
            item: Type.Union([Type.String(), Type.Null()]),
            period: Type.Union([
              Type.Object(
                { from: Type.String({ format: 'date' }), to: Type.String({ format: 'date' }) },
                { additionalProperties: false },
              ),
              Type.Null(),
            ]),
            amount: Type.Union([Amount, Type.Null()]),
            decisionId: Type.Union([Type.String(), Type.Null()], {
              description: 'The decision that holds the grant.',
            }),
            creditCode: Type.Union([Type.String(), Type.Null()], {
              description: 'The enterprise it was made for.',
            }),
          },
          { additionalProperties: false },
        ),
        { description: 'Grants already recorded under the subjects the decision read.' },
      ),
    ),
    budgets: Type.Optional(
      Type.Array(
        Type.Object(
          {
            key: Type.String({ description: "The budget subject's key." }),
            year: Type.Integer({ description: 'The budget year.' }),
            measure: MeasureId,
            prefecture: Type.Union([Type.String(), Type.Null()], {
              description: 'The prefecture; null for the province-wide budget.',
            }),
            amount: Type.String({ description: 'The amount set, yuan with two decimals.' }),
            drawn: Type.String({ description: 'What was drawn before this decision, yuan.' }),
            queued: Type.Integer({
              minimum: 0,
              description: 'Unfunded outcomes submitted earlier, waiting in the queue.',
            }),
          },
          { additionalProperties: false },
        ),
        {
          description:
            'The budget pools that applied, as the decision saw them under their locks (POLICY.md §3): a replay reproduces `unfunded` from them.',
        },
      ),
    ),
  },
  {
    $id: 'LedgerHistory',
    additionalProperties: false,
    description: 'What the ledger held for the subjects a decision read.',
  },
)

export const OUTCOME_STATUSES = ['eligible', 'ineligible', 'capped', 'needs-review', 'unfunded'] as const

export const OutcomeStatus = Type.Enum(OUTCOME_STATUSES, {
  description:
    'eligible: amount > 0 or a non-cash benefit granted; ineligible: see reasons; capped: eligible but a cap left 0.00; needs-review: the source fixes no amount; unfunded (stored applications only): eligible, but the budget pool that pays the measure is spent or has earlier outcomes waiting — `amount` is the amount due, nothing is paid (POLICY.md §3).',
})

export const Outcome = Type.Object(
  {
    measure: MeasureId,
    clause: Type.String({ description: 'Clause of the measure, e.g. "§18".' }),
    status: OutcomeStatus,
    amount: Type.Union(
      [Type.String({ description: 'Yuan with two decimals, e.g. "7200000.00".' }), Type.Null()],
      {
        description:
          'Yuan with two decimals; null for non-cash measures, ineligible and needs-review outcomes.',
      },
    ),
    details: Type.Record(Type.String(), Type.Unknown(), {
      description:
        'Measure-specific figures: e.g. rate, uncapped amount and cap (interest subsidy), ceiling per mu and saving (land price ceiling), per-item results (grants).',
    }),
    reasons: Type.Array(Reason, { description: 'Why the measure is not (fully) granted; may be empty.' }),
    trace: Trace,
    ledger: Type.Array(LedgerClaim, {
      description: 'The limits an eligible outcome consumes if persisted; empty otherwise.',
    }),
  },
  { $id: 'Outcome', additionalProperties: false, description: 'The outcome of one measure.' },
)

export const GateResult = Type.Object(
  {
    gate: Type.Enum(['negative-list', 'capacity-control'] as const, {
      description: 'negative-list (§17) or capacity-control (§6).',
    }),
    clause: Type.String({ description: 'Clause of the gate.' }),
    passed: Type.Boolean({ description: 'A project that fails a gate is ineligible for every measure.' }),
    reasons: Type.Array(Reason, { description: 'Why the gate failed; empty when it passed.' }),
    consequences: Type.Array(
      Type.Unsafe<string>(
        Type.Enum(
          NEGATIVE_LIST_CONSEQUENCES.map((c) => c.id),
          {
            description: NEGATIVE_LIST_CONSEQUENCES.map((c) => `${c.id}: ${c.text.zh} / ${c.text.en}`).join(
              '; ',
            ),
            'x-messages': Object.fromEntries(NEGATIVE_LIST_CONSEQUENCES.map((c) => [c.id, c.text])),
          },
        ),
      ),
      {
        description:
          '§17 consequences of the negative list (对列入清单的项目实行立项禁批、用地禁供、环保禁评、金融禁贷措施): ' +
          'no-project-approval 立项禁批, no-land-supply 用地禁供, no-environmental-review 环保禁评, no-loans 金融禁贷.',
      },
    ),
    consequenceTexts: Type.Array(
      Type.Object(
        {
          id: Type.String({ description: 'The consequence id, as in `consequences`.' }),
          zh: Type.String({ description: 'The consequence in Chinese, e.g. 立项禁批.' }),
          en: Type.String({ description: 'The consequence in English, e.g. no project approval.' }),
        },
        { additionalProperties: false },
      ),
      {
        description:
          'The consequences in words, in both languages side by side (as reasons carry their messages), ' +
          'in the order of `consequences`; empty when the gate passed.',
      },
    ),
    trace: Trace,
  },
  {
    $id: 'GateResult',
    additionalProperties: false,
    description: 'A gate tested before the measures (§6, §17).',
  },
)

export const Evaluation = Type.Object(
  {
    ruleset: Type.Object(
      {
        id: Type.String({ description: 'Id of the ruleset.' }),
        version: Type.String({
          description: 'Version of the ruleset; bumped whenever a rule or default changes.',
        }),
      },
      { additionalProperties: false, description: 'The rules that made the decision.' },
    ),
    asOf: CalendarDate('The date the rules were read at.'),
    gates: Type.Array(GateResult, {
      description:
        'Gates tested, in order; empty when the application has no project or is outside the window.',
    }),
    outcomes: Type.Array(Outcome, { description: 'One outcome per measure evaluated.' }),
    totalAmount: Type.String({
      description:
        'Sum of the cash amounts paid, yuan with two decimals (an unfunded outcome’s amount is due, not paid: not included).',
    }),
    parametersUsed: Type.Array(ParameterRead, { description: 'Every parameter value read, once each.' }),
    overriddenParameters: Type.Array(Type.String(), {
      description: 'Names of the parameters the request overrode.',
    }),
  },
  {
    $id: 'Evaluation',
    additionalProperties: false,
    description: 'Every measure decided, with amounts and a clause-by-clause explanation.',
  },
)
