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
import {
  clearCorrectionFault,
  failNthCorrection,
  interestSubsidyQueue,
  submitInterestSubsidies,
  supersededTwice,
} from '../helpers/budgets.ts'
import { testDatabase } from '../helpers/database.ts'
import { bearer, keysFor } from '../helpers/fixtures.ts'

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
  await submitInterestSubsidies(t, app, finance, 6, 'chunk')
  const queue = () => interestSubsidyQueue(database)
  const before = await queue()
  t.same(
    before.map((r) => r.status),
    ['eligible', ...Array(5).fill('unfunded')],
    'one paid, five waiting',
  )

  // The third correction fails (its chunk rolls back): chunks of two, so one chunk is committed.
  await failNthCorrection(database, 3)

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

  await clearCorrectionFault(database)
  const again = await setBudget(database.db, who, subject, '360000.00', 'whole queue', { chunkOutcomes: 2 })
  t.equal(again.change, null, 'the same amount: no new change')
  t.same(
    again.funded.map((f) => f.supersededDecisionId),
    before.slice(3).map((r) => r.id),
    'the same top-up again funds the rest, in submission order',
  )
  t.same(await budget(), { cap: '360000.00', total: '360000.00' }, 'drawn = amount, not more')
  t.same(await supersededTwice(database), [], 'no outcome funded twice')
  const third = await setBudget(database.db, who, subject, '360000.00', 'whole queue', { chunkOutcomes: 2 })
  t.equal(third.funded.length, 0, 'and a third time, nothing')
  const verify = (await app.inject({ url: '/v1/audit/verify', headers: finance })).json()
  t.equal(verify.valid, true, 'the audit chain verifies')
})
