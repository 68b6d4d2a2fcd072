// The service behind a connection pooler in transaction mode (PgBouncer `pool_mode = transaction`,
// README "Behind a connection pooler"), on a throwaway cluster (helpers/cluster.ts). Such a pooler lends
// each transaction whichever server connection is free and keeps no custom setting of the session:
// up to 2026-12-07T0400 the instance's generation was one, and once PgBouncer had replaced its server
// connections (server_idle_timeout, server_lifetime; here RECONNECT, at once) every decision of an
// up-to-date instance was refused as "outdated" (503), and stayed refused. The generation now travels
// in application_name, which PgBouncer sets on each server connection it lends (migration T1200).
// Fewer server connections than the API has clients, so transactions move between them. Checked:
// applications, a budget, a batch on the pg-boss queue, each after the server connections were
// replaced; an instance older than the database still writes nothing; the audit chain verifies.

import t from 'tap'
import { APPLICATION_NAME } from '../../src/db/migrator.ts'
import { deepProcessing } from '../helpers/fixtures.ts'
import { apiOnCluster } from './helpers/api-on-cluster.ts'
import { type Pooler, pgbouncerFor } from './helpers/pgbouncer.ts'

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))

t.test(
  'behind PgBouncer in transaction mode, writes go on after its server connections are replaced',
  async (t) => {
    let pooler: Pooler | null = null
    const setup = await apiOnCluster(t, {
      env: { DATABASE_POOL_SIZE: '6', BATCH_WORKERS: '1' },
      through: async (port) => {
        pooler = await pgbouncerFor(t, port, {
          pool_mode: 'transaction',
          default_pool_size: 3,
          // The service sends its timeouts as startup parameters, which PgBouncer refuses unless told
          // to ignore them (README: set them on the role instead).
          ignore_startup_parameters: 'statement_timeout,lock_timeout',
        })
        return pooler?.url ?? null
      },
    })
    if (!setup || !pooler) return
    const { db } = setup
    const replaceServerConnections = () => (pooler as Pooler).reconnect('incentives')
    const api = await setup.start('A')
    const finance = await setup.financeKey(api)
    const headers = { authorization: `Bearer ${finance}`, 'content-type': 'application/json' }
    let n = 0
    const post = async (key = `pooled-${++n}`) => {
      const response = await fetch(`${api.base}/v1/applications`, {
        method: 'POST',
        headers: { ...headers, 'idempotency-key': key },
        body: JSON.stringify(deepProcessing(`pooled-${key}`, '1000000.00')),
      })
      return { status: response.status, body: await response.text() }
    }
    const postMany = async (count: number) => {
      const answers = await Promise.all(Array.from({ length: count }, () => post()))
      return answers.filter((a) => a.status !== 201).map((a) => `${a.status} ${a.body.slice(0, 200)}`)
    }
    const count = async (table: string) =>
      Number((await db.query(`select count(*)::int as n from ${table}`)).rows[0].n)

    t.same(await postMany(12), [], '12 applications at once: all stored')
    await replaceServerConnections()
    t.same(await postMany(12), [], 'after the pooler replaced its server connections: all 12 stored')
    const names = await db.query(
      `select distinct application_name from pg_stat_activity
      where datname = 'incentives' and backend_type = 'client backend' and pid <> pg_backend_pid()`,
    )
    t.ok(
      names.rows.some((r) => r.application_name === APPLICATION_NAME),
      `the pooler's server connections carry ${APPLICATION_NAME}`,
    )

    // A budget (POLICY.md §0 budget pools), set and drawn on new server connections: 2016's, which the
    // applications above (2015) do not draw on.
    await replaceServerConnections()
    const put = await fetch(`${api.base}/v1/budgets/2016/interest-subsidy`, {
      method: 'PUT',
      headers,
      body: JSON.stringify({ amount: '120000.00' }),
    })
    t.equal(put.status, 200, 'a budget set through the pooler')
    const statuses: string[] = []
    for (let i = 0; i < 3; i++) {
      const response = await fetch(`${api.base}/v1/applications`, {
        method: 'POST',
        headers: { ...headers, 'idempotency-key': `pooled-budget-${i}` },
        body: JSON.stringify(deepProcessing(`pooled-budget-${i}`, '1000000.00', '2016-03-01')),
      })
      const body = (await response.json()) as {
        decisions?: { evaluation: { outcomes: { measure: string; status: string }[] } }[]
      }
      const outcome = body.decisions?.[0]?.evaluation.outcomes.find((o) => o.measure === 'interest-subsidy')
      statuses.push(outcome?.status ?? `${response.status} ${JSON.stringify(body).slice(0, 200)}`)
    }
    t.same(
      statuses,
      ['eligible', 'eligible', 'unfunded'],
      'it pays two 60 000.00 subsidies and queues the third',
    )

    // The guard still holds through the pooler: an instance older than the database writes nothing.
    const future = '9999-12-31T0000-a-later-version'
    await db.query(`insert into kysely_migration (name, timestamp) values ($1, now()::text)`, [future])
    const decisionsBefore = await count('decisions')
    const refused = await post('pooled-outdated')
    t.equal(refused.status, 503, 'an outdated instance is refused through the pooler too')
    t.match(refused.body, /outdated-instance/)
    t.equal(await count('decisions'), decisionsBefore, 'nothing of it stored')
    await db.query('delete from kysely_migration where name = $1', [future])
    t.equal((await post('pooled-outdated')).status, 201, 'the same request, once the database is not newer')

    // A batch on the pg-boss queue, with the server connections replaced while it runs.
    const rows = Array.from({ length: 60 }, (_, i) =>
      JSON.stringify(deepProcessing(`pooled-batch-${i}`, '800000.00')),
    )
    const upload = await fetch(`${api.base}/v1/batches?mode=submit`, {
      method: 'POST',
      headers: { ...headers, 'content-type': 'application/jsonl' },
      body: rows.join('\n'),
    })
    t.equal(upload.status, 202, 'a 60-row batch accepted')
    const batchId = ((await upload.json()) as { id: string }).id
    await replaceServerConnections()
    let batch: { status: string; rows: { done: number; total: number } } | undefined
    for (let i = 0; i < 600; i++) {
      batch = (await (await fetch(`${api.base}/v1/batches/${batchId}`, { headers })).json()) as typeof batch
      if (batch?.status === 'done' || batch?.status === 'failed') break
      await sleep(100)
    }
    t.match(batch, { status: 'done', rows: { done: 60, total: 60 } }, 'the batch ran through the pooler')
    t.equal(
      Number(
        (await db.query(`select count(*)::int as n from applications where project_id like 'pooled-batch-%'`))
          .rows[0].n,
      ),
      60,
      'each row stored once',
    )

    const verify = await fetch(`${api.base}/v1/audit/verify`, { headers })
    t.match(await verify.json(), { valid: true }, 'the audit chain verifies')
  },
)
