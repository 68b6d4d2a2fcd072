// Totals for the finance bureau (issue #11) read from indexed columns, never by parsing jsonb per
// request: each outcome row carries what the report groups and filters on — its application, the
// prefecture (facts /project/prefecture; null without a project), the application date and its year,
// the enterprise, the decision's time, the amounts due, paid and unfunded, and whether its decision
// is current (not superseded, so a correction is never counted twice).
//
// Amounts, the status contract (POLICY.md §0 "Outcome per measure"): `eligible` is due and paid its
// amount; `unfunded` (budget pool exhausted) is due its amount, pays nothing, and that amount is
// unfunded; every other status (ineligible, capped at 0.00, needs-review) is due and pays nothing.
// Non-cash outcomes (amount null) count 0.00.
//
// decision_outcomes stays append-only but for one change: `current` may go from true to false, and
// nothing else may change with it. A trigger on decisions makes that change when a correction is
// inserted, so whatever replaces store_decision later, superseding keeps the flag right.
//
// store_decision (migration 2026-12-03T1545) already inserts every column of the payload's outcomes
// (`select * from jsonb_populate_recordset`): the new columns flow through without replacing it.
//
// Existing rows are backfilled from their decisions and applications (tested on the frozen 1.0.0 dump,
// test/db/grant-report-migration.test.ts). Frozen once landed. Runs unchanged on PGlite and PostgreSQL 15.

import { type Kysely, sql } from 'kysely'

// biome-ignore lint/suspicious/noExplicitAny: migrations are frozen in time and see no app types
export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    alter table decision_outcomes
      add column application_id uuid references applications (id),
      add column prefecture text,
      add column year int,
      add column application_date date,
      add column enterprise_credit_code text,
      add column amount_due numeric(18, 2),
      add column amount_paid numeric(18, 2),
      add column amount_unfunded numeric(18, 2),
      add column decided_at timestamptz,
      add column current boolean`.execute(db)

  // The backfill is the one UPDATE this table ever sees beyond `current`: the trigger is off for it.
  await sql`alter table decision_outcomes disable trigger decision_outcomes_append_only`.execute(db)
  await sql`
    update decision_outcomes o
    set application_id = d.application_id,
        prefecture = a.facts #>> '{project,prefecture}',
        year = extract(year from a.application_date)::int,
        application_date = a.application_date,
        enterprise_credit_code = a.enterprise_credit_code,
        amount_due = case when o.status in ('eligible', 'unfunded') then coalesce(o.amount, 0) else 0 end,
        amount_paid = case when o.status = 'eligible' then coalesce(o.amount, 0) else 0 end,
        amount_unfunded = case when o.status = 'unfunded' then coalesce(o.amount, 0) else 0 end,
        decided_at = d.created_at,
        current = not exists (select 1 from decisions s where s.supersedes = d.id)
    from decisions d join applications a on a.id = d.application_id
    where d.id = o.decision_id`.execute(db)
  await sql`alter table decision_outcomes enable trigger decision_outcomes_append_only`.execute(db)

  await sql`
    alter table decision_outcomes
      alter column application_id set not null,
      alter column year set not null,
      alter column application_date set not null,
      alter column enterprise_credit_code set not null,
      alter column amount_due set not null,
      alter column amount_paid set not null,
      alter column amount_unfunded set not null,
      alter column decided_at set not null,
      alter column current set not null,
      add constraint decision_outcomes_amounts check (
        amount_due >= 0 and amount_paid >= 0 and amount_unfunded >= 0
        and amount_paid + amount_unfunded <= amount_due)`.execute(db)

  // The report's groupings and filters, over current outcomes only; the amounts are included so
  // the totals are read from the index (an index-only scan once the visibility map is set).
  await sql`
    create index decision_outcomes_report on decision_outcomes (year, prefecture, measure, status)
      include (amount_due, amount_paid, amount_unfunded) where current`.execute(db)
  await sql`
    create index decision_outcomes_report_date on decision_outcomes (application_date, measure, status)
      include (prefecture, amount_due, amount_paid, amount_unfunded) where current`.execute(db)
  await sql`create index decision_outcomes_application on decision_outcomes (application_id) where current`.execute(
    db,
  )
  // GET /v1/applications?prefecture= (keyset on seq): the prefecture as the application states it.
  await sql`create index applications_prefecture on applications ((facts #>> '{project,prefecture}'), seq)`.execute(
    db,
  )
  await sql`create index applications_date on applications (application_date, seq)`.execute(db)

  // Append-only, but a correction may clear `current` on the outcomes it supersedes — only that.
  await sql`
    create function decision_outcomes_refuse_change() returns trigger language plpgsql as $$
    begin
      if tg_op = 'UPDATE' and old.current and not new.current
         and (to_jsonb(new) - 'current') = (to_jsonb(old) - 'current') then
        return new;
      end if;
      raise exception '% on % is not allowed: the table is append-only (only current may be cleared)',
        tg_op, tg_table_name using errcode = 'insufficient_privilege';
    end $$`.execute(db)
  await sql`drop trigger decision_outcomes_append_only on decision_outcomes`.execute(db)
  await sql`
    create trigger decision_outcomes_append_only before update or delete on decision_outcomes
      for each row execute function decision_outcomes_refuse_change()`.execute(db)

  // Security definer: the service role has no UPDATE privilege on decision_outcomes, and gets none.
  await sql`
    create function decision_outcomes_supersede() returns trigger language plpgsql
      security definer set search_path = public as $$
    begin
      update decision_outcomes set current = false where decision_id = new.supersedes and current;
      return null;
    end $$`.execute(db)
  await sql`revoke all on function decision_outcomes_supersede() from public`.execute(db)
  await sql`
    create trigger decisions_supersede_outcomes after insert on decisions
      for each row when (new.supersedes is not null) execute function decision_outcomes_supersede()`.execute(
    db,
  )
}

// biome-ignore lint/suspicious/noExplicitAny: migrations are frozen in time and see no app types
export async function down(db: Kysely<any>): Promise<void> {
  // store_decision keeps its `select *` insert: it works on the narrower table as well.
  await sql`drop trigger decisions_supersede_outcomes on decisions`.execute(db)
  await sql`drop function decision_outcomes_supersede()`.execute(db)
  await sql`drop trigger decision_outcomes_append_only on decision_outcomes`.execute(db)
  await sql`drop function decision_outcomes_refuse_change()`.execute(db)
  await sql`
    create trigger decision_outcomes_append_only before update or delete on decision_outcomes
      for each row execute function refuse_change()`.execute(db)
  await sql`drop index applications_prefecture`.execute(db)
  await sql`drop index applications_date`.execute(db)
  await sql`
    alter table decision_outcomes
      drop constraint decision_outcomes_amounts,
      drop column application_id, drop column prefecture, drop column year, drop column application_date,
      drop column enterprise_credit_code, drop column amount_due, drop column amount_paid,
      drop column amount_unfunded, drop column decided_at, drop column current`.execute(db)
}
