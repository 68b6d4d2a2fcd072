// Budget pools (POLICY.md §3, our addition): setting a budget and reading budgets with their queues.

import { Type } from 'typebox'
import { BUDGETED_MEASURES } from '../engine/budgets.ts'
import { PREFECTURE_SPELLINGS } from '../engine/prefectures.ts'
import { PlainText, YEAR_PATTERN } from './common.ts'

/** An amount the bureau sets: yuan with exactly two decimals, never negative. */
export const BUDGET_AMOUNT_PATTERN = '^\\d{1,15}\\.\\d{2}$'

const Yuan = (description: string) => Type.String({ description: `${description}, yuan with two decimals.` })

export const BudgetYear = Type.String({
  pattern: YEAR_PATTERN,
  description:
    'The budget year, 1900 to 2999: an application draws the budget of its application date’s year.',
})

export const BudgetMeasure = Type.Enum(BUDGETED_MEASURES as readonly string[], {
  description: 'A measure that pays money (POLICY.md §2): only those draw a budget.',
})

export const BudgetParams = Type.Object(
  { year: BudgetYear, measure: BudgetMeasure },
  { additionalProperties: false },
)

export const PrefectureBudgetParams = Type.Object(
  {
    year: BudgetYear,
    measure: BudgetMeasure,
    prefecture: Type.Enum(PREFECTURE_SPELLINGS as readonly string[], {
      description:
        'A prefecture (GET /v1/prefectures): its id, GB/T 2260 code or Chinese name; its own budget pool for the measure.',
    }),
  },
  { additionalProperties: false },
)

export const BudgetBody = Type.Object(
  {
    amount: Type.String({
      pattern: BUDGET_AMOUNT_PATTERN,
      description:
        'The budget, yuan with exactly two decimals, e.g. "50000000.00"; not below what was already drawn (409).',
    }),
    note: Type.Optional(PlainText('Why the amount is set, e.g. the appropriation act.', { maxLength: 1000 })),
  },
  { additionalProperties: false },
)

export const Budget = Type.Object(
  {
    year: Type.Integer({ description: 'The budget year.' }),
    measure: Type.String({ description: 'The measure.' }),
    prefecture: Type.Union([Type.String(), Type.Null()], {
      description: 'The prefecture; null for the province-wide budget.',
    }),
    amount: Yuan('The amount set'),
    drawn: Yuan('What approvals drew'),
    remaining: Yuan('amount − drawn'),
    queue: Type.Object(
      {
        count: Type.Integer({ description: 'Unfunded outcomes waiting, in submission order.' }),
        amount: Yuan('Their amounts due'),
      },
      { additionalProperties: false },
    ),
    funding: Type.Object(
      {
        inProgress: Type.Boolean({
          description:
            'A top-up is still funding the queue: the PUT answered after its first chunk, and a job funds ' +
            'the rest, chunk after chunk, in submission order.',
        }),
        toFund: Type.Integer({
          description:
            'Queued outcomes the funding has still to fund: the head of the queue, in submission order, as ' +
            'far as the remaining amount covers it wholly. 0 when no funding is in progress.',
        }),
      },
      { additionalProperties: false, description: 'The funding of a top-up, while it runs.' },
    ),
    note: Type.Union([Type.String(), Type.Null()], { description: 'The note of the latest change.' }),
  },
  { additionalProperties: false, $id: 'Budget' },
)

export const BudgetSetResult = Type.Object(
  {
    budget: Budget,
    change: Type.Union(
      [
        Type.Object(
          {
            id: Type.String({ description: 'Audited as entity budget-change:<id>.' }),
            amount: Yuan('The amount set'),
            previousAmount: Type.Union([Type.String(), Type.Null()], {
              description: 'The amount before; null when the budget is new.',
            }),
            note: Type.Union([Type.String(), Type.Null()]),
          },
          { additionalProperties: false },
        ),
        Type.Null(),
      ],
      { description: 'The change recorded; null when amount and note were already these.' },
    ),
    funded: Type.Array(
      Type.Object(
        {
          supersededDecisionId: Type.String({ format: 'uuid' }),
          decisionId: Type.String({ format: 'uuid', description: 'The correction that funds it.' }),
          measure: Type.String(),
          amount: Yuan('The amount now paid'),
        },
        { additionalProperties: false },
      ),
      {
        description:
          'Queued (unfunded) outcomes this change funded in its first chunk, in submission order, each by a ' +
          'correction that supersedes its decision; the rest of the queue is funded by a job ' +
          '(`budget.funding`).',
      },
    ),
  },
  { additionalProperties: false },
)

export const BudgetsQuery = Type.Object({ year: Type.Optional(BudgetYear) }, { additionalProperties: false })

export const BudgetList = Type.Object({ budgets: Type.Array(Budget) }, { additionalProperties: false })
