// Corrections after a crash: a correction (POST /v1/decisions/{id}/corrections, a new decision that
// supersedes the old one, its grants given back first) and the budget funding it sends to its pg-boss
// job (POLICY.md §3 budget pools: money a correction gives back funds the queue in submission order)
// interrupted half-way, with the correction's row being inserted (a trigger holds it in pg_sleep):
//   A. the API process killed with SIGKILL;
//   B. every connection of the API dropped (pg_terminate_backend) under the correction route;
//   C. every connection dropped under the funding job's correction;
//   D. every connection dropped under a top-up's (PUT /v1/budgets) first correction.
// After each: nothing half-written (same rows in every table the correction writes), the instance
// alive (B, C), the retry with the same Idempotency-Key made exactly once and replayed byte for byte,
// the job's funding made exactly once, in order, the budget never overspent, and the audit chain
// verifies. On a throwaway PostgreSQL cluster (helpers/cluster.ts), never the shared one.

import t from 'tap'
import { deepProcessing } from '../helpers/fixtures.ts'
import { apiOnCluster } from './helpers/api-on-cluster.ts'
import { currentInterestSubsidies } from './helpers/current-outcomes.ts'
import {
  dropOtherConnections,
  heldInsertSleeping,
  holdInserts,
  retried as retriedBy,
  rowCounts,
  settled,
} from './helpers/held-inserts.ts'

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))
const TABLES = [
  'applications',
  'decisions',
  'decision_outcomes',
  'ledger_entries',
  'ledger_once',
  'ledger_subjects',
  'audit_log',
  'idempotency_keys',
  'budget_fundings',
]

t.test('a correction interrupted mid-write leaves nothing and is made once on retry', async (t) => {
  // A job whose process was killed is retried once it expires (60 s and a 10 s maintenance by
  // default: about 80 s here); 5 s and 1 s keep this short. One whose connections were all dropped
  // runs its slice again itself, 3 s later (src/batches/queue.ts againWhileUnreachable): C.
  // A backend notices its client is gone while a statement runs (here: the trigger's pg_sleep).
  const setup = await apiOnCluster(t, {
    env: { BATCH_WORKERS: '1', BATCH_JOB_EXPIRE_SECONDS: '5', BATCH_QUEUE_MAINTENANCE_SECONDS: '1' },
    settings: { client_connection_check_interval: '100ms' },
  })
  if (!setup) return
  const { db, start } = setup
  let api = await start('A')
  const finance = await setup.financeKey(api)
  const headers = { authorization: `Bearer ${finance}`, 'content-type': 'application/json' }
  const call = (method: string, path: string, body?: unknown, extra: Record<string, string> = {}) =>
    fetch(`${api.base}${path}`, {
      method,
      headers: { ...headers, ...extra },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    })
  const budget = async () =>
    (
      (await (await call('GET', '/v1/budgets?year=2015')).json()) as {
        budgets: { drawn: string; remaining: string; queue: { count: number }; funding: unknown }[]
      }
    ).budgets[0]!
  const counts = () => rowCounts(db, TABLES)
  const queue = () => currentInterestSubsidies(db)
  const retried = (send: () => Promise<Response>) => retriedBy(t, send)
  const verify = async () =>
    ((await (await call('GET', '/v1/audit/verify')).json()) as { valid: boolean }).valid

  // The fault: the insert of a correction whose reason matches a held pattern sleeps in a trigger
  // (only corrections have a reason).
  const slowCorrections = await holdInserts(db, 'decisions', 'new.correction_reason')
  const sleeping = () => heldInsertSleeping(db)
  const noOpenTransaction = () => settled(db)
  /** Every connection the API holds (its pool and pg-boss's) dropped, as a network fault would. */
  const dropConnections = async () => {
    await slowCorrections.release()
    return dropOtherConnections(db)
  }

  // §3: a 2015 interest-subsidy budget of 180 000.00; §18 6 % of each investment is due:
  // p0 120 000.00 and p1 60 000.00 are paid, p2, p3, p4 (60 000.00 each) wait in its queue.
  t.equal((await call('PUT', '/v1/budgets/2015/interest-subsidy', { amount: '180000.00' })).status, 200)
  const investments = ['2000000.00', '1000000.00', '1000000.00', '1000000.00', '1000000.00']
  for (const [i, investment] of investments.entries()) {
    const r = await call('POST', '/v1/applications', deepProcessing(`cc-p${i}`, investment), {
      'idempotency-key': `submit-${i}`,
    })
    t.equal(r.status, 201)
  }
  const initial = await queue()
  t.same(
    initial.map((r) => [r.status, r.amount]),
    [
      ['eligible', '120000.00'],
      ['eligible', '60000.00'],
      ['unfunded', '60000.00'],
      ['unfunded', '60000.00'],
      ['unfunded', '60000.00'],
    ],
  )
  // A correction with facts is a new application (README): each project has one current decision.
  const currentOf = async (project: string) => (await queue()).find((r) => r.project === project)!.decision
  const correctionOf = async (investment: string, project: string, key: string) => ({
    path: `/v1/decisions/${await currentOf(project)}/corrections`,
    body: { reason: 'investment misread', facts: deepProcessing(project, investment) },
    key,
  })

  // A. SIGKILL while the correction of p0 (to 1 500 000.00: 90 000.00 due) is being written.
  {
    const c = await correctionOf('1500000.00', 'cc-p0', 'correct-a')
    await slowCorrections.hold('investment')
    const before = await counts()
    const pending = call('POST', c.path, c.body, { 'idempotency-key': c.key }).then(
      (r) => r.status,
      () => 'no answer',
    )
    t.ok(await sleeping(), 'A: the correction is half-way, its decision being inserted')
    api.process.kill('SIGKILL')
    await api.exited
    t.equal(await pending, 'no answer', 'A: the killed correction never answered')
    t.ok(await noOpenTransaction(), 'A: its transaction rolled back once the server saw the client gone')
    await slowCorrections.release()
    t.same(await counts(), before, 'A: nothing of it was written, the idempotency key included')
    t.same(await queue(), initial, 'A: the decision still current, the queue whole')

    api = await start('A2')
    t.equal(await verify(), true, 'A: the audit chain verifies after the crash')
    const retry = await call('POST', c.path, c.body, { 'idempotency-key': c.key })
    t.equal(retry.status, 201, 'A: the retry with the same key is made')
    const body = await retry.text()
    const again = await call('POST', c.path, c.body, { 'idempotency-key': c.key })
    t.equal(again.status, 201)
    t.equal(await again.text(), body, 'A: and replayed byte for byte the next time')
    const other = await call('POST', c.path, c.body, { 'idempotency-key': 'correct-a-other' })
    t.equal(other.status, 409, 'A: the superseded decision cannot be corrected twice')
  }
  t.same(
    (await queue()).map((r) => r.amount),
    ['90000.00', '60000.00', '60000.00', '60000.00', '60000.00'],
    'A: p0 now draws 90 000.00',
  )
  // 30 000.00 came back: not enough for p2's 60 000.00, so nothing is funded (§3: whole or unfunded)
  t.match(await budget(), { drawn: '150000.00', remaining: '30000.00', queue: { count: 3 } })

  // B. Every connection dropped while the correction of p1 (to 500 000.00: 30 000.00) is written.
  {
    const c = await correctionOf('500000.00', 'cc-p1', 'correct-b')
    await slowCorrections.hold('investment')
    const before = await counts()
    const pending = call('POST', c.path, c.body, { 'idempotency-key': c.key })
    t.ok(await sleeping(), 'B: the correction is half-way')
    t.ok((await dropConnections()) > 0, 'B: connections dropped')
    const answer = await pending
    t.not(answer.status, 500, `B: an unavailable database is not a 500 (${answer.status})`)
    t.not(answer.status, 201, 'B: and not a success')
    t.ok(await noOpenTransaction())
    t.same(await counts(), before, 'B: nothing of it was written')
    t.ok(api.running(), 'B: the instance survived its connections dropped')
    const retry = await retried(() => call('POST', c.path, c.body, { 'idempotency-key': c.key }))
    t.equal(retry.status, 201, 'B: the retry with the same key is made')
    const body = await retry.text()
    const again = await call('POST', c.path, c.body, { 'idempotency-key': c.key })
    t.equal(await again.text(), body, 'B: and replayed byte for byte')
  }
  // 60 000.00 free: the job funds p2, the queue's head, and only it.
  for (let i = 0; i < 400 && (await budget()).queue.count !== 2; i++) await sleep(50)
  const afterB = await queue()
  t.same(
    afterB.map((r) => [r.project, r.status, r.amount]),
    [
      ['cc-p0', 'eligible', '90000.00'],
      ['cc-p1', 'eligible', '30000.00'],
      ['cc-p2', 'eligible', '60000.00'],
      ['cc-p3', 'unfunded', '60000.00'],
      ['cc-p4', 'unfunded', '60000.00'],
    ],
    'B: the queue head funded from what the correction gave back',
  )

  // C. Every connection dropped while the funding job writes its correction: the correction of p0
  // (to 500 000.00: 30 000.00) frees 60 000.00 for p3; the job's correction sleeps.
  {
    const c = await correctionOf('500000.00', 'cc-p0', 'correct-c')
    await slowCorrections.hold('budget')
    const r = await call('POST', c.path, c.body, { 'idempotency-key': c.key })
    t.equal(r.status, 201, 'C: the correction itself is made')
    t.ok(await sleeping(), 'C: the funding job is half-way, its correction being inserted')
    const job = await db.query(`select id from pgboss.job where name = 'budget-funding' and state = 'active'`)
    t.equal(job.rows.length, 1, 'C: one funding job running')
    const before = await counts()
    t.ok((await dropConnections()) > 0, 'C: connections dropped')
    t.ok(await noOpenTransaction())
    t.ok(api.running(), 'C: the instance survived its connections dropped')
    t.same((await queue()).slice(3), afterB.slice(3), 'C: p3 not funded by the dropped job')
    t.same(await counts(), before, 'C: nothing of the dropped funding written')
    // The job's handler runs the slice again (3 s later): p3 funded, once, by the same job on its
    // first try — not by pg-boss's retry once it expired, nor by a job the sweep queued again.
    const since = Date.now()
    for (let i = 0; i < 1200 && (await budget()).queue.count !== 1; i++) await sleep(100)
    t.comment(`C: the dropped funding was made ${Date.now() - since} ms after the drop`)
    t.same(
      (await db.query('select state, retry_count from pgboss.job where id = $1', [job.rows[0]?.id])).rows,
      [{ state: 'completed', retry_count: 0 }],
      'C: the job completed its first try, its slice run again by its handler',
    )
  }
  const final = await queue()
  t.same(
    final.map((r) => [r.project, r.status, r.amount]),
    [
      ['cc-p0', 'eligible', '30000.00'],
      ['cc-p1', 'eligible', '30000.00'],
      ['cc-p2', 'eligible', '60000.00'],
      ['cc-p3', 'eligible', '60000.00'],
      ['cc-p4', 'unfunded', '60000.00'],
    ],
    'C: the retried job funded p3, in order; p4 still waits',
  )
  t.match(await budget(), { drawn: '180000.00', remaining: '0.00', queue: { count: 1 } })

  // D. Every connection dropped while the top-up (PUT, + 60 000.00 for p4) writes its first chunk's
  // correction: the new amount commits with that chunk, so nothing of it may remain.
  {
    await slowCorrections.hold('budget')
    const before = await counts()
    const pending = call('PUT', '/v1/budgets/2015/interest-subsidy', { amount: '240000.00' })
    t.ok(await sleeping(), 'D: the top-up is half-way, its first correction being inserted')
    t.ok((await dropConnections()) > 0, 'D: connections dropped')
    const answer = await pending
    t.not(answer.status, 500, `D: an unavailable database is not a 500 (${answer.status})`)
    t.not(answer.status, 200, 'D: and not a success')
    t.ok(await noOpenTransaction())
    t.ok(api.running(), 'D: the instance survived its connections dropped')
    t.same(await counts(), before, 'D: nothing of it was written')
    t.match(
      await budget(),
      { drawn: '180000.00', remaining: '0.00', queue: { count: 1 } },
      'D: the old amount',
    )
    const retry = await retried(() =>
      call('PUT', '/v1/budgets/2015/interest-subsidy', { amount: '240000.00' }),
    )
    t.equal(retry.status, 200, 'D: the top-up sent again is made')
    t.same(
      ((await retry.json()) as { funded: { supersededDecisionId: string }[] }).funded.map(
        (f) => f.supersededDecisionId,
      ),
      [final[4]!.decision],
      'D: it funds p4, once',
    )
    const again = await call('PUT', '/v1/budgets/2015/interest-subsidy', { amount: '240000.00' })
    t.equal(((await again.json()) as { funded: unknown[] }).funded.length, 0, 'D: and again funds nothing')
  }
  t.match(await budget(), { drawn: '240000.00', remaining: '0.00', queue: { count: 0 } })
  const twice = await db.query(
    'select supersedes from decisions where supersedes is not null group by supersedes having count(*) > 1',
  )
  t.equal(twice.rows.length, 0, 'no decision superseded twice')
  const corrections = await db.query<{ n: number }>(
    'select count(*)::int as n from decisions where supersedes is not null',
  )
  t.equal(corrections.rows[0]!.n, 6, 'three corrections and three fundings, each once')
  const paid = await db.query<{ sum: string }>(`
    select coalesce(sum(o.amount) filter (where o.status = 'eligible'), 0)::numeric(18, 2)::text as sum
    from decision_outcomes o join decisions d on d.id = o.decision_id
    where o.measure = 'interest-subsidy' and not exists (select 1 from decisions n where n.supersedes = d.id)`)
  t.equal(paid.rows[0]!.sum, '240000.00', 'what current decisions pay equals the budget drawn')
  t.equal(await verify(), true, 'the audit chain verifies')
})
