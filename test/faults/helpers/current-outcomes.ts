// What each project is paid now, for the fault tests of budgets: the interest-subsidy outcome (§18,
// POLICY.md §0 budget pools) of each application's current decision — the one no correction or
// funding superseded — by project id.

import type pg from 'pg'

export interface CurrentOutcome {
  project: string
  decision: string
  status: string
  amount: string
}

export const currentInterestSubsidies = async (db: pg.Pool): Promise<CurrentOutcome[]> =>
  (
    await db.query<CurrentOutcome>(`
      select a.project_id as project, d.id as decision, o.status, o.amount::text as amount
      from applications a join decisions d on d.application_id = a.id
        and not exists (select 1 from decisions n where n.supersedes = d.id)
      join decision_outcomes o on o.decision_id = d.id and o.measure = 'interest-subsidy'
      order by a.project_id`)
  ).rows
