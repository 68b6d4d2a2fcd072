// What the audit verification reads besides the chain (src/audit/derived.ts): the tables the
// service keeps beside the audited rows to decide and to report fast — running totals, one-time
// grants and rewarded days, the outcome rows the grant report sums — each set against the audited
// rows it is derived from (the journal, the decisions' records), which the chain vouches for.

import { sql } from 'kysely'
import { KEYS_AS_WRITTEN } from '../engine/ruleset.ts'
import type { Executor } from './executor.ts'

/** A subject whose running total is not what the journal of the current decisions sums to. */
export interface TotalMismatch {
  ledger: string
  key: string
  /** null: the journal holds grants for a subject with no row */
  total: string | null
  journal: string
}

/**
 * Running totals (ledger_subjects.total) against the cumulative grants journaled by current (not
 * superseded) decisions: a correction gives its predecessor's grants back, so the total is exactly
 * what the current decisions were granted. Journal rows written before 2026-12-03 name an
 * interest-subsidy subject by its project id alone; they are keyed as the migration of that day
 * re-keyed the totals (credit code and project id of the decision's application, as a JSON array).
 * Every key is folded as the rows are stored (ledger_key_fold, migration 2026-12-06T2100): the
 * journal keeps the ids' letter case as written before ruleset 1.5.0.
 */
export const totalMismatches = async (db: Executor, limit: number) => {
  const rows = await sql<TotalMismatch>`
    with journal as (
      select e.ledger,
             ledger_key_fold(e.ledger,
               case when e.ledger = 'interest-subsidy' and e.key not like '[%'
                    then '[' || to_json(a.enterprise_credit_code)::text || ',' || to_json(a.project_id)::text || ']'
                    else e.key end) as key,
             sum(e.amount) as total
      from ledger_entries e
      join decisions d on d.id = e.decision_id
      join applications a on a.id = d.application_id
      where e.kind = 'cumulative' and not exists (select 1 from decisions s where s.supersedes = d.id)
      group by 1, 2
    )
    select coalesce(s.ledger, j.ledger) as ledger, coalesce(s.key, j.key) as key,
           s.total::text as total, coalesce(j.total, 0)::text as journal
    from ledger_subjects s full join journal j on j.ledger = s.ledger and j.key = s.key
    where s.total is distinct from coalesce(j.total, 0)
    order by 1, 2
    limit ${limit}`.execute(db)
  const counted = await sql<{ n: string }>`select count(*)::text as n from ledger_subjects`.execute(db)
  return { mismatches: rows.rows, subjects: Number(counted.rows[0]!.n) }
}

/** A grant the journal holds for a current decision that the ledger it guards no longer holds. */
export interface MissingGrant {
  table: 'ledger_once' | 'ledger_periods'
  decisionId: string
  ledger: string
  key: string
  /** the tier, year or '' (ledger_once); the period from…to (ledger_periods) */
  item: string
}

/**
 * One-time grants and rewarded days journaled by current decisions (from 2026-12-03 on: rows with an
 * item or a period) that are missing from ledger_once / ledger_periods, whose rows are what refuses
 * a second grant: a row removed there would let the same platform, or the same tax day, be paid again.
 * Keys are compared folded (ledger_key_fold). One exception, for grants made before ruleset 1.5.0
 * under two spellings of one id (say "Case-Lab", then "case-lab"), which the 2026-12-06T2100
 * migration merged into one row: a later decision's grant counts as held by the row of an earlier
 * decision of those rulesets that was granted the same under another spelling (for days: a period
 * of any such decision with the same first day, at least as long). Nothing a decision of 1.5.0 or
 * later made is excused so, nor held by one.
 */
export const missingGrants = async (db: Executor, limit: number): Promise<MissingGrant[]> => {
  const asWritten = [...KEYS_AS_WRITTEN]
  /**
   * `e`'s decision and `holder` (a decision id) are of rulesets that wrote keys as written; for a
   * one-time grant the holder was decided first (the migration and releaseGrants keep the earliest).
   */
  const mergedFrom = (holder: string, earlier: boolean) => sql`
    de.ruleset_version = any(${asWritten}::text[])
    and exists (select 1 from decisions h
                where h.id = ${sql.raw(holder)} and h.ruleset_version = any(${asWritten}::text[])
                  ${earlier ? sql`and h.seq < de.seq` : sql``})`
  const rows = await sql<MissingGrant>`
    (select 'ledger_once' as "table", e.decision_id as "decisionId", e.ledger,
            ledger_key_fold(e.ledger, e.key) as key, e.item
     from ledger_entries e join decisions de on de.id = e.decision_id
     where e.kind = 'once' and e.item is not null
       and not exists (select 1 from decisions s where s.supersedes = e.decision_id)
       and not exists (select 1 from ledger_once o
                       where o.ledger = e.ledger and o.key = ledger_key_fold(e.ledger, e.key) and o.item = e.item
                         and (o.decision_id = e.decision_id
                              or (${mergedFrom('o.decision_id', true)} and exists (
                                    select 1 from ledger_entries f
                                    where f.decision_id = o.decision_id and f.kind = 'once' and f.ledger = e.ledger
                                      and f.item = e.item and f.key <> e.key
                                      and ledger_key_fold(f.ledger, f.key) = o.key))))
     order by e.id limit ${limit})
    union all
    (select 'ledger_periods', e.decision_id, e.ledger, ledger_key_fold(e.ledger, e.key),
            e.period_from || '…' || e.period_to
     from ledger_entries e join decisions de on de.id = e.decision_id
     where e.kind = 'days' and e.period_from is not null
       and not exists (select 1 from decisions s where s.supersedes = e.decision_id)
       and not exists (select 1 from ledger_periods p
                       where p.ledger = e.ledger and p.key = ledger_key_fold(e.ledger, e.key)
                         and p.from_date = e.period_from
                         and ((p.to_date = e.period_to and p.decision_id = e.decision_id)
                              or (p.to_date >= e.period_to and p.decision_id <> e.decision_id
                                  and ${mergedFrom('p.decision_id', false)} and exists (
                                    select 1 from ledger_entries f
                                    where f.decision_id = p.decision_id and f.kind = 'days'
                                      and f.ledger = e.ledger and f.key <> e.key and f.period_from = p.from_date
                                      and ledger_key_fold(f.ledger, f.key) = p.key))))
     order by e.id limit ${limit})`.execute(db)
  return rows.rows.slice(0, limit)
}

/** A decision with what its outcome rows must follow from, and the rows stored. */
export interface DecisionOutcomes {
  seq: string
  id: string
  evaluation: unknown
  parameters: unknown
  recordFormat: string
  applicationId: string
  prefecture: string | null
  applicationDate: string
  current: boolean
  rows: {
    measure: string
    status: string
    amount: string | null
    application_id: string
    prefecture: string | null
    year: number
    application_date: string
    amount_due: string
    amount_paid: string
    amount_unfunded: string
    current: boolean
  }[]
}

/** Every decision, in seq order, `size` at a time, each with its outcome rows and what they follow from. */
export async function* decisionOutcomes(db: Executor, size: number): AsyncGenerator<DecisionOutcomes[]> {
  let after = '0'
  for (;;) {
    const page = await sql<DecisionOutcomes>`
      select d.seq::text as seq, d.id, d.evaluation, d.parameters, d.record_format as "recordFormat",
             d.application_id as "applicationId", a.facts #>> '{project,prefecture}' as prefecture,
             to_char(a.application_date, 'YYYY-MM-DD') as "applicationDate",
             not exists (select 1 from decisions s where s.supersedes = d.id) as current,
             coalesce((select json_agg(json_build_object(
                        'measure', o.measure, 'status', o.status, 'amount', o.amount::text,
                        'application_id', o.application_id, 'prefecture', o.prefecture, 'year', o.year,
                        'application_date', to_char(o.application_date, 'YYYY-MM-DD'), 'amount_due', o.amount_due::text,
                        'amount_paid', o.amount_paid::text, 'amount_unfunded', o.amount_unfunded::text,
                        'current', o.current) order by o.measure)
                       from decision_outcomes_all o where o.decision_id = d.id), '[]'::json) as rows
      from decisions d join applications a on a.id = d.application_id
      where d.seq > ${after}::bigint
      order by d.seq
      limit ${size}`.execute(db)
    if (page.rows.length === 0) return
    yield page.rows
    after = page.rows.at(-1)!.seq
  }
}
