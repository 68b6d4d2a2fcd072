// A top-up funds its queue in chunks, each its own transaction (issue #11: a 10 000-outcome queue
// must not hold the budget's lock for minutes). A failure between chunks — here a trigger refusing
// the third correction, as a dropped connection would — keeps the chunks committed before it (the
// new amount with them), loses nothing, and the same top-up again resumes the queue where it
// stopped: each queued outcome funded once, in submission order, never overspending.
// On PGlite and PostgreSQL.

import { sql } from 'kysely'
import t from 'tap'
import type { Caller } from '../../src/auth/api-keys.ts'
import { setBudget } from '../../src/decisions/budgets.ts'
import { testApp } from '../helpers/app.ts'
import { testDatabase } from '../helpers/database.ts'
import { bearer, deepProcessing, keysFor } from '../helpers/fixtures.ts'

const subject = { ledger: 'budget', year: 2015, measure: 'interest-subsidy', prefecture: null } as const

t.test('a top-up in chunks: a failure between chunks keeps what was funded; again, it resumes', async (t) => {
  const database = await testDatabase(t)
  const app = await testApp(t, database)
  const keys = await keysFor(database)
  const finance = bearer(keys.finance)
  const caller = (await app.inject({ url: '/v1/keys/current', headers: finance }).then((r) => r.json())) as {
    id: string
  }
  const who: Caller = { keyId: caller.id, role: 'finance', enterprise: null }

  // 6% of 1 000 000.00: each application is due 60 000.00; a budget of 60 000.00 pays the first.
  await setBudget(database.db, who, subject, '60000.00', null)
  for (let i = 0; i < 6; i++) {
    const r = await app.inject({
      method: 'POST',
      url: '/v1/applications',
      headers: { ...finance, 'idempotency-key': `chunk-${i}` },
      payload: deepProcessing(`chunk-${i}`, '1000000.00'),
    })
    t.equal(r.statusCode, 201, r.body)
  }
  const queue = async () =>
    (
      await sql<{ id: string; status: string }>`
        select d.id, o.status from applications a
        join decisions d on d.application_id = a.id
          and not exists (select 1 from decisions n where n.supersedes = d.id)
        join decision_outcomes o on o.decision_id = d.id and o.measure = 'interest-subsidy'
        order by a.seq`.execute(database.db)
    ).rows
  const before = await queue()
  t.same(
    before.map((r) => r.status),
    ['eligible', ...Array(5).fill('unfunded')],
    'one paid, five waiting',
  )

  // The third correction fails (its chunk rolls back): chunks of two, so one chunk is committed.
  await sql`create table fail_corrections (n integer not null)`.execute(database.db)
  await sql`insert into fail_corrections values (3)`.execute(database.db)
  await sql`
    create function fail_corrections() returns trigger language plpgsql as $$
    begin
      if new.supersedes is not null and exists (select 1 from fail_corrections)
         and (select count(*) from decisions where supersedes is not null)
             >= (select n from fail_corrections limit 1) - 1 then
        raise exception 'connection lost (test)';
      end if;
      return new;
    end $$`.execute(database.db)
  await sql`create trigger fail_corrections before insert on decisions
            for each row execute function fail_corrections()`.execute(database.db)

  await t.rejects(
    setBudget(database.db, who, subject, '360000.00', 'whole queue', { chunkOutcomes: 2 }),
    /connection lost/,
    'the top-up fails in its second chunk',
  )
  const budget = async () =>
    (
      await sql<{ cap: string; total: string }>`
        select cap::text, total::text from ledger_subjects where ledger = 'budget'`.execute(database.db)
    ).rows[0]!
  t.same(await budget(), { cap: '360000.00', total: '180000.00' }, 'the new amount and the first chunk kept')
  t.same(
    (await queue()).map((r) => r.status),
    ['eligible', 'eligible', 'eligible', 'unfunded', 'unfunded', 'unfunded'],
    'the first chunk funded the head of the queue, in order',
  )

  await sql`delete from fail_corrections`.execute(database.db)
  const again = await setBudget(database.db, who, subject, '360000.00', 'whole queue', { chunkOutcomes: 2 })
  t.equal(again.change, null, 'the same amount: no new change')
  t.same(
    again.funded.map((f) => f.supersededDecisionId),
    before.slice(3).map((r) => r.id),
    'the same top-up again funds the rest, in submission order',
  )
  t.same(await budget(), { cap: '360000.00', total: '360000.00' }, 'drawn = amount, not more')
  const twice = await sql`
    select supersedes from decisions where supersedes is not null group by supersedes having count(*) > 1`.execute(
    database.db,
  )
  t.equal(twice.rows.length, 0, 'no outcome funded twice')
  const third = await setBudget(database.db, who, subject, '360000.00', 'whole queue', { chunkOutcomes: 2 })
  t.equal(third.funded.length, 0, 'and a third time, nothing')
  const verify = (await app.inject({ url: '/v1/audit/verify', headers: finance })).json()
  t.equal(verify.valid, true, 'the audit chain verifies')
})
