// Several checked stores in one statement and one transaction (issue #10, "POST /v1/applications
// ≥ 0.25 × the same stack's single-row INSERT route"): store_decisions_checked(group), where group is
// {budgets, subjects, members}: members are [p, c] pairs, the arguments of store_decision_checked
// (2026-12-04T1800), and the answer is the array of their answers, in order.
//
// Why. On a 2-core machine the write path is CPU-bound, and PostgreSQL spent more on each stored
// application under load than alone (3.1–3.7 ms of backend CPU at 50 connections against 1.9–2.2 ms
// one at a time): ten transactions that each take the audit chain's lock and each commit, on two
// cores, queue behind whichever holder was descheduled (the disk is not it: an fsync takes 0.17 ms
// there). src/db/store-groups.ts sends the applications waiting to be stored as one group while the
// lanes are busy: one statement, one commit and one hold of the audit lock for all of them. Measured
// in process (bench/write-path.ts, 10 in flight, a prototype before 2026-12-05T1920): 3.30 → 1.96
// ms of backend CPU and 1.41 → 0.89 ms of API CPU per application.
//
// What each member gets is exactly what store_decision_checked gives it alone: it locks its budgets
// and subjects, re-reads the state under them with a new snapshot — which sees what the members
// before it in the group wrote — and stores only if that is the state it was decided on; otherwise it
// answers {stale, fingerprint} with nothing of its own written (its subtransaction rolled back), and
// the caller decides it again. An error of any member (an Idempotency-Key taken, a cap refused, a
// deadlock) rolls the whole group back; the caller then stores each member alone, so each gets its
// own answer or error, as without groups. (A group whose connection is lost may have committed:
// then every member gets that error, and none is sent again; src/db/lanes.ts.)
//
// The locks. Members lock in their own (ledger, key) order one after the other, so a group would
// take its rows in no global order and could deadlock with a transaction that takes them in key
// order (the locked path, a correction, a batch chunk, a funding). So the group first locks every
// existing row of every member's budgets and subjects in the locked path's order (the budgets by key
// as lockBudgets sorts them in SQL, then `subjects`, the union of the members' subjects that the
// caller sorts as subjectsOf does), one lookup by primary key each; the members' own locks are then
// already held. Rows that do not exist yet are created by the member's upsert as before. Runs unchanged on PGlite and PostgreSQL 15. Frozen once landed.

import { type Kysely, sql } from 'kysely'

const APP_ROLE = 'incentives_app'

// biome-ignore lint/suspicious/noExplicitAny: migrations are frozen in time and see no app types
export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    create function store_decisions_checked(p_group jsonb) returns jsonb language plpgsql as $$
    declare
      v_row record;
      v_answers jsonb := '[]'::jsonb;
    begin
      -- Every existing row the members will lock, in the locked path's order: the budgets by key as
      -- lockBudgets sorts them, then the subjects in the order given (the caller's (ledger, key)
      -- order, as lockSubjects takes them).
      perform 1 from ledger_subjects
      where ledger = 'budget' and cap is not null
        and key in (select jsonb_array_elements_text(p_group -> 'budgets'))
      order by key
      for update;
      for v_row in
        select s ->> 'ledger' as ledger, s ->> 'key' as key
        from jsonb_array_elements(p_group -> 'subjects') with ordinality as t(s, n)
        order by t.n
      loop
        perform 1 from ledger_subjects where ledger = v_row.ledger and key = v_row.key for update;
      end loop;
      for v_row in
        select t.m from jsonb_array_elements(p_group -> 'members') with ordinality as t(m, n) order by t.n
      loop
        v_answers := v_answers || jsonb_build_array(store_decision_checked(v_row.m -> 0, v_row.m -> 1));
      end loop;
      return v_answers;
    end $$`.execute(db)
  await sql
    .raw(
      `do $$ begin
         if exists (select 1 from pg_roles where rolname = '${APP_ROLE}') then
           grant execute on function store_decisions_checked(jsonb) to ${APP_ROLE};
         end if;
       end $$`,
    )
    .execute(db)
}

// biome-ignore lint/suspicious/noExplicitAny: migrations are frozen in time and see no app types
export async function down(db: Kysely<any>): Promise<void> {
  await sql`drop function if exists store_decisions_checked(jsonb)`.execute(db)
}
