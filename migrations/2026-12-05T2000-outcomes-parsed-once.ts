// store_outcomes reads its payload once (issue #10 "POST /v1/applications ≥ 0.25 × the same stack's
// single-row INSERT route", issue #11 "the write path must be set-based").
//
// As 2026-12-04T1810 defined it, store_outcomes turned its jsonb array into records three times
// (jsonb_populate_recordset: the check for two outcomes of one measure, the kept rows, the folded
// ineligible ones): a third of what store_decisions spent per stored batch row. pg_stat_statements
// (track = all) on a throwaway cluster, 6 chunks of 500 batch rows, two runs each way: store_outcomes
// 97–107 → 58–59 µs per row, store_decisions 275–326 → 233–243 µs per row.
//
// Now one statement reads the array once (a materialized CTE) and feeds both inserts and the check.
// Nothing else changes: the same rows in decision_outcomes and decision_ineligible; two outcomes of
// one measure in one decision are still refused with unique_violation (a kept pair by the primary key,
// a folded pair by the check, raised after the inserts: the statement fails and takes them with it).
// Runs unchanged on PGlite and PostgreSQL 15. Frozen once landed.

import { type Kysely, sql } from 'kysely'

// biome-ignore lint/suspicious/noExplicitAny: migrations are frozen in time and see no app types
export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    create or replace function store_outcomes(p_outcomes jsonb) returns void language plpgsql as $$
    declare
      v_twice boolean;
    begin
      with o as materialized (
        select * from jsonb_populate_recordset(null::decision_outcomes, p_outcomes)
      ),
      -- bit: the measure's bit in decision_ineligible for a plain ineligible outcome (status
      -- ineligible, no amount) of a measure the bit table knows; null for a row kept as it is.
      placed as (
        select o.*, m.bit
        from o left join outcome_measures m
          on m.measure = o.measure and o.status = 'ineligible' and o.amount is null
      ),
      kept as (
        insert into decision_outcomes (decision_id, measure, status, amount, application_id, prefecture, year,
                                       application_date, amount_due, amount_paid, amount_unfunded, current)
        select p.decision_id, p.measure, p.status, p.amount, p.application_id, p.prefecture, p.year,
               p.application_date, p.amount_due, p.amount_paid, p.amount_unfunded, p.current
        from placed p
        where p.bit is null
      ),
      -- One row per decision; a decision's outcomes disagreeing on its report columns would make two,
      -- which the primary key refuses.
      folded as (
        insert into decision_ineligible (decision_id, application_id, prefecture, year, application_date,
                                         measures, current)
        select p.decision_id, p.application_id, p.prefecture, p.year, p.application_date,
               bit_or(1::bigint << p.bit), p.current
        from placed p
        where p.bit is not null
        group by p.decision_id, p.application_id, p.prefecture, p.year, p.application_date, p.current
      )
      select exists (select 1 from o group by o.decision_id, o.measure having count(*) > 1) into v_twice;
      if v_twice then
        raise exception 'store_outcomes: two outcomes of one measure in one decision' using errcode = 'unique_violation';
      end if;
    end $$`.execute(db)
}

// biome-ignore lint/suspicious/noExplicitAny: migrations are frozen in time and see no app types
export async function down(db: Kysely<any>): Promise<void> {
  // store_outcomes as migration 2026-12-04T1810 defined it (copied: migrations import nothing).
  await sql`
    create or replace function store_outcomes(p_outcomes jsonb) returns void language plpgsql as $$
    begin
      if exists (select 1 from jsonb_populate_recordset(null::decision_outcomes, p_outcomes) o
                 group by o.decision_id, o.measure having count(*) > 1) then
        raise exception 'store_outcomes: two outcomes of one measure in one decision' using errcode = 'unique_violation';
      end if;
      insert into decision_outcomes (decision_id, measure, status, amount, application_id, prefecture, year,
                                     application_date, amount_due, amount_paid, amount_unfunded, current)
      select o.decision_id, o.measure, o.status, o.amount, o.application_id, o.prefecture, o.year,
             o.application_date, o.amount_due, o.amount_paid, o.amount_unfunded, o.current
      from jsonb_populate_recordset(null::decision_outcomes, p_outcomes) o
      where not (o.status = 'ineligible' and o.amount is null
                 and exists (select 1 from outcome_measures m where m.measure = o.measure));
      -- One row per decision; a decision's outcomes disagreeing on its report columns would make two,
      -- which the primary key refuses.
      insert into decision_ineligible (decision_id, application_id, prefecture, year, application_date, measures,
                                       current)
      select o.decision_id, o.application_id, o.prefecture, o.year, o.application_date,
             bit_or(1::bigint << m.bit), o.current
      from jsonb_populate_recordset(null::decision_outcomes, p_outcomes) o
      join outcome_measures m on m.measure = o.measure
      where o.status = 'ineligible' and o.amount is null
      group by o.decision_id, o.application_id, o.prefecture, o.year, o.application_date, o.current;
    end $$`.execute(db)
}
