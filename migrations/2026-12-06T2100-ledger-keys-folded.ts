// Ledger keys without letter case (ruleset 1.5.0, src/engine/ledgers.ts foldKey).
//
// A platform "NERC-1" and a platform "nerc-1" were two subjects, each granted the §18 award; a project
// "qj-copper-foil" had its own interest-subsidy cap beside "QJ-COPPER-FOIL". From ruleset 1.5.0 the
// service stores and looks up every ledger key with a–z upper-cased. This migration re-keys the rows
// stored before so, so that the first application after it finds what was granted under any spelling:
//
// - ledger_key_fold(ledger, key): the fold, in SQL, exactly as foldKey does it in TypeScript
//   (translate of a–z: upper() would follow the server's locale). The audit's derived-state check
//   keys the journal with it (src/db/derived-state-repository.ts).
// - ledger_subjects: the rows of one folded key become one, their totals summed. When spellings had
//   been granted side by side the sum may pass the cap; the cap is raised to the sum, so the row
//   records what was paid and nothing more can be granted under it (total ≥ cap).
// - ledger_once: of the grants of one (ledger, folded key, item), the earliest decision's is kept (the
//   later were paid again under another spelling: the journal keeps them, and the audit names them
//   no longer).
// - ledger_periods: every rewarded period kept under its folded key; of two that start on the same day
//   (one primary key) the longer.
// - batch_dry_claims: a running dry run's claims are keyed as its next chunks will key them.
// A correction of a decision holding a merged grant hands it to the earliest other decision that was
// granted it under another spelling (src/db/ledger-repository.ts releaseGrants), so it is never free.
// The journal (ledger_entries) is hashed and append-only: it keeps every key as written.
// Runs unchanged on PGlite and PostgreSQL 15. Frozen once landed.

import { type Kysely, sql } from 'kysely'

/** Stores a table's keys folded (once its rows that would collide are gone). */
const refold = (db: Kysely<unknown>, table: string) =>
  sql`update ${sql.table(table)} set key = ledger_key_fold(ledger, key)
      where key <> ledger_key_fold(ledger, key)`.execute(db)

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    create function ledger_key_fold(p_ledger text, p_key text) returns text
    language sql immutable parallel safe
    as $$ select case when p_ledger = 'budget' then p_key
                      else translate(p_key, 'abcdefghijklmnopqrstuvwxyz', 'ABCDEFGHIJKLMNOPQRSTUVWXYZ') end $$`.execute(
    db,
  )

  // Running totals: every group of spellings that holds a key not yet folded, merged into one row.
  await sql`
    create temporary table folded_subjects as
    select s.ledger, ledger_key_fold(s.ledger, s.key) as key,
           (array_agg(s.subject order by s.key))[1] as subject,
           sum(s.total) as total,
           case when max(s.cap) is null then null else greatest(max(s.cap), sum(s.total)) end as cap
    from ledger_subjects s
    join (select distinct ledger, ledger_key_fold(ledger, key) as key from ledger_subjects
          where key <> ledger_key_fold(ledger, key)) g
      on g.ledger = s.ledger and g.key = ledger_key_fold(s.ledger, s.key)
    group by 1, 2`.execute(db)
  await sql`
    delete from ledger_subjects s using folded_subjects f
    where s.ledger = f.ledger and ledger_key_fold(s.ledger, s.key) = f.key`.execute(db)
  await sql`
    insert into ledger_subjects (ledger, key, subject, total, cap)
    select ledger, key, subject, total, cap from folded_subjects`.execute(db)
  await sql`drop table folded_subjects`.execute(db)

  // One-time grants: the earliest decision's of each (ledger, folded key, item).
  await sql`
    delete from ledger_once o using (
      select o.ledger, o.key, o.item,
             row_number() over (partition by o.ledger, ledger_key_fold(o.ledger, o.key), o.item
                                order by d.seq, o.key) as n
      from ledger_once o join decisions d on d.id = o.decision_id) r
    where r.n > 1 and o.ledger = r.ledger and o.key = r.key and o.item = r.item`.execute(db)
  await refold(db, 'ledger_once')

  // Rewarded days: every row is kept under its folded key (the no-overlap trigger guards inserts
  // only), so days paid under either spelling stay rewarded. Only two rows that would share a primary
  // key (one folded key, one first day) cannot both stay: the longer period is kept, which covers the
  // other's days.
  await sql`
    delete from ledger_periods p using (
      select q.ledger, q.key, q.from_date,
             row_number() over (partition by q.ledger, ledger_key_fold(q.ledger, q.key), q.from_date
                                order by q.to_date desc, d.seq, q.key) as n
      from ledger_periods q join decisions d on d.id = q.decision_id) r
    where r.n > 1 and p.ledger = r.ledger and p.key = r.key and p.from_date = r.from_date`.execute(db)
  await refold(db, 'ledger_periods')

  await refold(db, 'batch_dry_claims')
}

export async function down(db: Kysely<unknown>): Promise<void> {
  // The spellings merged are not recoverable from the rows; the journal still holds them.
  await sql`drop function ledger_key_fold(text, text)`.execute(db)
}
