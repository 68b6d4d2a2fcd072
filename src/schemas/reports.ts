// The grant report (issue #11): totals per prefecture, measure and year of the current decisions.

import { Type } from 'typebox'
import { IsoDate } from './common.ts'

/** A total in yuan with two decimals (a correction's difference may be negative). */
export const SIGNED_MONEY_PATTERN = '^-?[0-9]+\\.[0-9]{2}$'

const Money = (description: string) =>
  Type.String({ pattern: SIGNED_MONEY_PATTERN, description: `${description} Yuan with two decimals.` })

export const REPORT_STATUSES = ['eligible', 'ineligible', 'capped', 'needs-review', 'unfunded'] as const
const STATUS = `(${REPORT_STATUSES.join('|')})`
const GROUP = '(prefecture|measure|year)'
/** groupBy: up to three of prefecture, measure, year, comma-separated, or empty (totals only). */
export const GROUP_BY_PATTERN = `^(${GROUP}(,${GROUP}){0,2})?$`
/** status: outcome statuses, comma-separated. */
export const STATUS_LIST_PATTERN = `^${STATUS}(,${STATUS}){0,4}$`

export const REPORT_FORMATS = ['json', 'csv', 'xlsx'] as const

export const GrantReportQuery = Type.Object(
  {
    groupBy: Type.Optional(
      Type.String({
        pattern: GROUP_BY_PATTERN,
        description:
          'Comma-separated, each at most once: prefecture, measure, year (of the application date). ' +
          'Default "prefecture,measure,year"; empty ("groupBy=") gives the totals only.',
      }),
    ),
    from: Type.Optional(IsoDate('Application date on or after.')),
    to: Type.Optional(IsoDate('Application date on or before.')),
    status: Type.Optional(
      Type.String({
        pattern: STATUS_LIST_PATTERN,
        description: `Outcome statuses counted, comma-separated (${REPORT_STATUSES.join(', ')}); all when absent.`,
      }),
    ),
    format: Type.Optional(
      Type.Enum(REPORT_FORMATS, {
        description:
          'json, csv (text/csv, UTF-8 with BOM) or xlsx. Overrides the Accept header; without either, JSON.',
      }),
    ),
  },
  { additionalProperties: false },
)

const Figures = {
  count: Type.Integer({ minimum: 0, description: 'Outcomes counted (one per decision and measure).' }),
  amountDue: Money('Due: the amounts of eligible and unfunded outcomes.'),
  amountPaid: Money('Paid: the amounts of eligible outcomes.'),
  amountUnfunded: Money('Unfunded: due but not paid, the budget pool being spent (POLICY.md §0).'),
}

export const GrantGroup = Type.Object(
  {
    prefecture: Type.Optional(
      Type.Union([Type.String(), Type.Null()], {
        description: 'Prefecture id (pinyin) of the project; null for applications without a project.',
      }),
    ),
    measure: Type.Optional(Type.String({ description: 'Measure id.' })),
    year: Type.Optional(Type.Integer({ description: 'Year of the application date.' })),
    ...Figures,
  },
  { additionalProperties: false, description: 'One group: only the grouped columns are present.' },
)

export const GrantReport = Type.Object(
  {
    snapshotAt: Type.String({
      format: 'date-time',
      description: 'The time of the snapshot every figure was read in (one REPEATABLE READ transaction).',
    }),
    groupBy: Type.Array(Type.Enum(['prefecture', 'measure', 'year'] as const)),
    filters: Type.Object(
      {
        from: Type.Union([Type.String({ format: 'date' }), Type.Null()]),
        to: Type.Union([Type.String({ format: 'date' }), Type.Null()]),
        status: Type.Union([Type.Array(Type.String()), Type.Null()]),
      },
      { additionalProperties: false },
    ),
    groups: Type.Array(GrantGroup, { description: 'Ordered by the grouped columns (null prefecture last).' }),
    totals: Type.Object(
      {
        ...Figures,
        decisions: Type.Integer({ minimum: 0, description: 'Current decisions covered.' }),
        applications: Type.Integer({ minimum: 0, description: 'Applications covered.' }),
      },
      { additionalProperties: false, description: 'Over every group: the sums of the groups, exactly.' },
    ),
  },
  {
    additionalProperties: false,
    description:
      'Totals of the current decisions (a superseded decision is replaced by its correction, never counted twice).',
  },
)
