// The finance bureau's totals (issue #11), read from the report columns of decision_outcomes
// (migration 2026-12-03T1620-grant-report) — never by parsing jsonb per request — over current
// (not superseded) decisions only, so a correction is never counted twice. From migration
// 2026-12-04T1810-lean-outcomes the plain ineligible outcomes are one decision_ineligible row per
// decision: the report reads the view decision_outcomes_all, which unfolds them (both tables have a
// partial index on `current` ordered by application date that holds every column read here).

import { type Kysely, sql } from 'kysely'
import type { Database } from './schema.ts'

export const GRANT_GROUP_COLUMNS = ['prefecture', 'measure', 'year'] as const
export type GrantGroupColumn = (typeof GRANT_GROUP_COLUMNS)[number]

export interface GrantReportFilter {
  groupBy: readonly GrantGroupColumn[]
  /** application date on or after */
  from?: string
  /** application date on or before */
  to?: string
  /** outcome statuses; all when absent */
  statuses?: readonly string[]
}

export interface GrantFigures {
  /** outcomes counted */
  count: number
  /** yuan, two decimals */
  amountDue: string
  amountPaid: string
  amountUnfunded: string
}

export interface GrantGroup extends GrantFigures {
  prefecture?: string | null
  measure?: string
  year?: number
}

export interface GrantReport {
  /** the snapshot's time (start of the REPEATABLE READ transaction) */
  snapshotAt: string
  groups: GrantGroup[]
  totals: GrantFigures & { decisions: number; applications: number }
}

interface FigureRow {
  count: number | string
  amount_due: string
  amount_paid: string
  amount_unfunded: string
}

const figures = (r: FigureRow): GrantFigures => ({
  count: Number(r.count),
  amountDue: r.amount_due,
  amountPaid: r.amount_paid,
  amountUnfunded: r.amount_unfunded,
})

/**
 * Groups and totals, read in ONE REPEATABLE READ (read-only) snapshot: decisions stored or
 * corrected meanwhile are in both or in neither, so the totals always equal the sum of the groups
 * and of the decisions covered.
 */
export const grantReport = async (db: Kysely<Database>, f: GrantReportFilter): Promise<GrantReport> =>
  db
    .transaction()
    .setIsolationLevel('repeatable read')
    .setAccessMode('read only')
    .execute(async (trx) => {
      const base = trx
        .selectFrom('decision_outcomes_all')
        // A literal predicate, so the planner matches the partial indexes (… where current).
        .where(sql<boolean>`current`)
        .$if(f.from !== undefined, (q) => q.where('application_date', '>=', f.from as never))
        .$if(f.to !== undefined, (q) => q.where('application_date', '<=', f.to as never))
        .$if(f.statuses !== undefined && f.statuses.length > 0, (q) =>
          q.where('status', 'in', [...f.statuses!]),
        )
      // sum() keeps the columns' scale (2); coalesce with 0.00 keeps it on an empty set.
      const amounts = [
        sql<string>`coalesce(sum(amount_due), 0.00)::text`.as('amount_due'),
        sql<string>`coalesce(sum(amount_paid), 0.00)::text`.as('amount_paid'),
        sql<string>`coalesce(sum(amount_unfunded), 0.00)::text`.as('amount_unfunded'),
      ]
      const now = await sql<{ at: Date }>`select now() as at`.execute(trx)
      const columns = [...f.groupBy]
      const groups =
        columns.length === 0
          ? []
          : await base
              .select(columns)
              .select(sql<number>`count(*)::int`.as('count'))
              .select(amounts)
              .groupBy(columns)
              .$call((q) => columns.reduce((o, c) => o.orderBy(sql`${sql.ref(c)} nulls last`), q))
              .execute()
      const totals = await base
        .select(sql<number>`count(*)::int`.as('count'))
        .select(sql<number>`count(distinct decision_id)::int`.as('decisions'))
        .select(sql<number>`count(distinct application_id)::int`.as('applications'))
        .select(amounts)
        .executeTakeFirstOrThrow()
      return {
        snapshotAt: new Date(now.rows[0]!.at).toISOString(),
        groups: groups.map((g) => {
          const row = g as unknown as FigureRow & {
            prefecture?: string | null
            measure?: string
            year?: number
          }
          const group: GrantGroup = figures(row)
          if (columns.includes('prefecture')) group.prefecture = row.prefecture ?? null
          if (columns.includes('measure')) group.measure = row.measure!
          if (columns.includes('year')) group.year = Number(row.year)
          return group
        }),
        totals: {
          ...figures(totals),
          decisions: Number(totals.decisions),
          applications: Number(totals.applications),
        },
      }
    })

export interface PaidGroupRow {
  emergingIndustry: boolean
  keyTransformationLibrary: boolean
  majorTransformationProject: boolean
  emergingIndustryRank: number | null
  count: number
  amount: string
}

/**
 * What current decisions paid for applications of `year` (amount_paid > 0), summed per combination
 * of the designations §18's concentration check reads (src/engine/finance/stored-disbursements.ts):
 * a handful of rows whatever the number of decisions. The designations are read from the facts of
 * the paid outcomes' applications only.
 */
export const paidGroupsOfYear = async (db: Kysely<Database>, year: number): Promise<PaidGroupRow[]> => {
  const rows = await sql<{
    emerging_industry: boolean
    key_transformation_library: boolean
    major_transformation_project: boolean
    rank: number | null
    count: number
    amount: string
  }>`
    select coalesce(jsonb_typeof(a.facts #> '{project,emergingIndustry}') = 'string', false) as emerging_industry,
           coalesce(a.facts #> '{project,keyTransformationLibrary}' = 'true'::jsonb, false) as key_transformation_library,
           coalesce(a.facts #> '{project,majorTransformationProject}' = 'true'::jsonb, false) as major_transformation_project,
           (a.facts #>> '{enterprise,emergingIndustryRanking,rank}')::int as rank,
           count(*)::int as count,
           sum(o.amount_paid)::text as amount
    from decision_outcomes o join applications a on a.id = o.application_id
    where o.current and o.application_date between ${`${year}-01-01`} and ${`${year}-12-31`}
      and o.amount_paid > 0
    group by 1, 2, 3, 4
    order by 1, 2, 3, 4 nulls first`.execute(db)
  return rows.rows.map((r) => ({
    emergingIndustry: r.emerging_industry,
    keyTransformationLibrary: r.key_transformation_library,
    majorTransformationProject: r.major_transformation_project,
    emergingIndustryRank: r.rank === null ? null : Number(r.rank),
    count: Number(r.count),
    amount: r.amount,
  }))
}
