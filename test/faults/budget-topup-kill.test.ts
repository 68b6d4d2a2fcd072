// A budget top-up (PUT /v1/budgets, POLICY.md §3 budget pools) that funds a long unfunded queue, with
// the API process killed by SIGKILL while the top-up's transaction is open (its writes under way, seen
// in pg_stat_activity). On a throwaway PostgreSQL cluster (helpers/cluster.ts), never the shared one.
// Then, after a restart:
//   - the killed top-up left nothing: the old amount, no correction, the queue whole and in order;
//   - the top-up sent again answers after its first chunk, its job funds the rest of the queue once,
//     in submission order, and the same top-up a third time funds nothing (each queued outcome
//     funded at most once);
//   - the budget is never overspent: drawn = the amount = what the current decisions pay = its journal;
//   - the audit chain verifies.

import t from 'tap'
import { deepProcessing } from '../helpers/fixtures.ts'
import { apiOnCluster } from './helpers/api-on-cluster.ts'

// 6% of 1 000 000.00: each application is due 60 000.00; the first budget pays 10 of them.
const APPLICATIONS = 250
const FIRST_AMOUNT = '600000.00'
const TOP_UP = '15000000.00' // 250 × 60 000.00: the whole queue
const QUEUED = APPLICATIONS - 10

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))

t.test(
  'a top-up killed mid-transaction: after a restart, each queued outcome funded once, in order',
  async (t) => {
    const setup = await apiOnCluster(t, { env: { BATCH_WORKERS: '1' } })
    if (!setup) return
    const { db, start } = setup
    const first = await start('A')
    const finance = await setup.financeKey(first)
    const headers = { authorization: `Bearer ${finance}`, 'content-type': 'application/json' }
    const put = (base: string, amount: string) =>
      fetch(`${base}/v1/budgets/2015/interest-subsidy`, {
        method: 'PUT',
        headers,
        body: JSON.stringify({ amount }),
      })
    t.equal((await put(first.base, FIRST_AMOUNT)).status, 200, 'the first budget')

    // The applications, as one submitted batch (projects of their own: only the budget is shared).
    const rows = Array.from({ length: APPLICATIONS }, (_, i) =>
      JSON.stringify(deepProcessing(`kill-${i}`, '1000000.00')),
    )
    const upload = await fetch(`${first.base}/v1/batches?mode=submit`, {
      method: 'POST',
      headers: { ...headers, 'content-type': 'application/jsonl' },
      body: rows.join('\n'),
    })
    t.equal(upload.status, 202)
    const batchId = ((await upload.json()) as { id: string }).id
    for (let i = 0; i < 600; i++) {
      const b = (await (await fetch(`${first.base}/v1/batches/${batchId}`, { headers })).json()) as {
        status: string
      }
      if (b.status === 'done' || b.status === 'failed') break
      await sleep(200)
    }
    const queueOrder = async () =>
      (
        await db.query<{ id: string; status: string }>(`
        select d.id, o.status from applications a
        join decisions d on d.application_id = a.id
          and not exists (select 1 from decisions n where n.supersedes = d.id)
        join decision_outcomes o on o.decision_id = d.id and o.measure = 'interest-subsidy'
        order by a.seq`)
      ).rows
    const before = await queueOrder()
    t.same(
      before.map((r) => r.status),
      [...Array(10).fill('eligible'), ...Array(QUEUED).fill('unfunded')],
      '10 paid, 240 waiting in submission order',
    )
    const budgetRow = async () =>
      (
        await db.query<{ cap: string; total: string; journal: string; corrections: number }>(`
        select s.cap::text as cap, s.total::text as total,
               (select coalesce(sum(e.amount), 0)::numeric(18, 2)::text from ledger_entries e
                where e.ledger = 'budget' and e.key = s.key) as journal,
               (select count(*)::int from decisions where supersedes is not null) as corrections
        from ledger_subjects s where s.ledger = 'budget'`)
      ).rows[0]!

    // The top-up, and the kill while its transaction is open with writes done (a transaction id).
    const topUp = put(first.base, TOP_UP).then(
      (r) => r.status,
      () => 'no answer',
    )
    let open = false
    for (let i = 0; i < 2000 && !open; i++) {
      const active = await db.query(`
      select 1 from pg_stat_activity
      where datname = 'incentives' and pid <> pg_backend_pid() and backend_xid is not null
        and state in ('active', 'idle in transaction') and query not ilike '%pgboss%'`)
      open = active.rows.length > 0
      if (!open) await sleep(5)
    }
    t.ok(open, 'the top-up transaction was seen open, with writes')
    first.process.kill('SIGKILL')
    await first.exited
    t.equal(await topUp, 'no answer', 'the killed top-up never answered')
    // PostgreSQL rolls the dead connection's transaction back once it notices the socket closed.
    for (let i = 0; i < 200; i++) {
      const left = await db.query(`
      select 1 from pg_stat_activity
      where datname = 'incentives' and pid <> pg_backend_pid() and backend_xid is not null`)
      if (left.rows.length === 0) break
      await sleep(50)
    }
    t.same(
      await budgetRow(),
      { cap: FIRST_AMOUNT, total: FIRST_AMOUNT, journal: FIRST_AMOUNT, corrections: 0 },
      'nothing of the killed top-up is left: old amount, no correction',
    )
    t.same(await queueOrder(), before, 'the queue is whole and in order')

    // Restart; the top-up again, then once more.
    const second = await start('A2')
    // The top-up answers after its first chunk of corrections; the funding job (this instance's
    // BATCH_WORKERS) funds the rest.
    const startedAt = Date.now()
    const again = await put(second.base, TOP_UP)
    t.equal(again.status, 200, 'the top-up answers')
    t.comment(`the top-up over ${QUEUED} queued outcomes answered after ${Date.now() - startedAt} ms`)
    const answer = (await again.json()) as {
      funded: { supersededDecisionId: string }[]
      budget: { funding: { inProgress: boolean; toFund: number } }
    }
    t.same(
      answer.funded.map((f) => f.supersededDecisionId),
      before.slice(10, 10 + answer.funded.length).map((r) => r.id),
      `its first chunk funded the head of the queue, in submission order (${answer.funded.length})`,
    )
    t.ok(answer.funded.length < QUEUED, 'and answered before the whole queue was funded')
    t.match(answer.budget.funding, { inProgress: true }, 'the funding continues as a job')
    let funding = answer.budget.funding
    for (let i = 0; i < 1200 && funding.inProgress; i++) {
      await sleep(100)
      const list = (await (await fetch(`${second.base}/v1/budgets?year=2015`, { headers })).json()) as {
        budgets: { funding: typeof funding }[]
      }
      funding = list.budgets[0]!.funding
    }
    t.same(
      funding,
      { inProgress: false, toFund: 0 },
      `the job funded the rest (${Date.now() - startedAt} ms in all)`,
    )
    const corrections = await db.query<{ supersedes: string }>(
      'select supersedes from decisions where supersedes is not null order by seq',
    )
    t.same(
      corrections.rows.map((r) => r.supersedes),
      before.slice(10).map((r) => r.id),
      'the whole queue funded, in submission order',
    )
    const third = await put(second.base, TOP_UP)
    t.equal(
      ((await third.json()) as { funded: unknown[] }).funded.length,
      0,
      'the same top-up again funds nothing',
    )
    t.same(
      (await queueOrder()).map((r) => r.status),
      Array(APPLICATIONS).fill('eligible'),
      'every application paid once, as its current decision',
    )
    const twice = await db.query(
      'select supersedes from decisions where supersedes is not null group by supersedes having count(*) > 1',
    )
    t.equal(twice.rows.length, 0, 'no outcome funded twice')
    t.same(
      await budgetRow(),
      { cap: TOP_UP, total: TOP_UP, journal: TOP_UP, corrections: QUEUED },
      'drawn = amount = journal; one correction per queued outcome',
    )
    const verify = (await (await fetch(`${second.base}/v1/audit/verify`, { headers })).json()) as {
      valid: boolean
    }
    t.equal(verify.valid, true, 'the audit chain verifies')
  },
)
