// A budget's funding job with PostgreSQL crashed and restarted under it (POLICY.md §0 budget pools:
// a budget freed funds its queue in submission order). A correction frees part of a 2015 budget; the
// job that funds the queue's head holds half-way through its correction (helpers/held-inserts.ts);
// the throwaway cluster is stopped -m immediate and started again. While the server is down the job
// cannot tell pg-boss that it failed (that needs the server too), so pg-boss would try it again only
// once it expired — 60 s and a 10 s maintenance by default, 5 s and 1 s here, so that without the
// handler's own retry this test fails on the job's retry count, not on a timeout. The handler runs
// the slice again itself once the server is back (src/batches/queue.ts againWhileUnreachable).
// Checked: the same job completes on its first try; the head funded once, in order; nothing paid
// beyond the budget; the audit chain verifies. On a throwaway cluster, never the shared one.

import t from 'tap'
import { deepProcessing } from '../helpers/fixtures.ts'
import { apiOnCluster } from './helpers/api-on-cluster.ts'
import { currentInterestSubsidies } from './helpers/current-outcomes.ts'
import { heldInsertSleeping, holdInserts, retried, settled } from './helpers/held-inserts.ts'

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))

t.test('a funding job under a crash of PostgreSQL resumes by itself once the server is back', async (t) => {
  const setup = await apiOnCluster(t, {
    env: { BATCH_WORKERS: '1', BATCH_JOB_EXPIRE_SECONDS: '5', BATCH_QUEUE_MAINTENANCE_SECONDS: '1' },
  })
  if (!setup) return
  const { db, cluster, start } = setup
  const api = await start('A')
  const finance = await setup.financeKey(api)
  const call = async (method: string, path: string, body?: unknown, key?: string) =>
    retried(t, () =>
      fetch(`${api.base}${path}`, {
        method,
        headers: {
          authorization: `Bearer ${finance}`,
          'content-type': 'application/json',
          ...(key ? { 'idempotency-key': key } : {}),
        },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      }),
    )
  const current = async () => (await currentInterestSubsidies(db)).map((r) => [r.project, r.status, r.amount])

  // §18: 6 % of each investment is due. A budget of 180 000.00 pays fr-0 (120 000.00) and fr-1
  // (60 000.00); fr-2 and fr-3 wait in its queue, in submission order.
  t.equal((await call('PUT', '/v1/budgets/2015/interest-subsidy', { amount: '180000.00' })).status, 200)
  for (const [i, investment] of ['2000000.00', '1000000.00', '1000000.00', '1000000.00'].entries())
    t.equal(
      (await call('POST', '/v1/applications', deepProcessing(`fr-${i}`, investment), `fr-${i}`)).status,
      201,
    )

  // The funding job's corrections (reason "budget top-up…") hold; the correction of fr-0 does not.
  const held = await holdInserts(db, 'decisions', 'new.correction_reason')
  await held.hold('^budget')
  const fr0 = (await currentInterestSubsidies(db)).find((r) => r.project === 'fr-0')!.decision
  const corrected = await call(
    'POST',
    `/v1/decisions/${fr0}/corrections`,
    { reason: 'investment misread', facts: deepProcessing('fr-0', '1000000.00') },
    'fr-0-correction',
  )
  t.equal(corrected.status, 201, 'fr-0 corrected to 60 000.00: 60 000.00 freed for the queue')
  t.ok(await heldInsertSleeping(db), 'the funding job is half-way, its correction of fr-2 being inserted')
  const job = await db.query(`select id from pgboss.job where name = 'budget-funding' and state = 'active'`)
  t.equal(job.rows.length, 1, 'one funding job running')

  // The crash: every backend dies at once (the held one too), then crash recovery.
  await held.release()
  const crashedAt = Date.now()
  await cluster.stopImmediately()
  await cluster.start()
  t.ok(await settled(db), 'after recovery nothing is left open')
  t.ok(api.running(), 'the API survived the crash')

  for (let i = 0; i < 300; i++) {
    if ((await current()).find(([project]) => project === 'fr-2')?.[1] === 'eligible') break
    await sleep(100)
  }
  t.comment(`fr-2 funded ${Date.now() - crashedAt} ms after the crash`)
  t.same(
    (await db.query('select state, retry_count from pgboss.job where id = $1', [job.rows[0]?.id])).rows,
    [{ state: 'completed', retry_count: 0 }],
    'the same job completed on its first try: its handler ran the slice again once the server was back',
  )
  t.same(
    await current(),
    [
      ['fr-0', 'eligible', '60000.00'],
      ['fr-1', 'eligible', '60000.00'],
      ['fr-2', 'eligible', '60000.00'],
      ['fr-3', 'unfunded', '60000.00'],
    ],
    'the head of the queue funded from what the correction freed, once; fr-3 still waits',
  )
  const twice = await db.query(
    'select supersedes from decisions where supersedes is not null group by supersedes having count(*) > 1',
  )
  t.equal(twice.rows.length, 0, 'no decision superseded twice')
  const verify = await call('GET', '/v1/audit/verify')
  t.match(await verify.json(), { valid: true }, 'the audit chain verifies')
})
