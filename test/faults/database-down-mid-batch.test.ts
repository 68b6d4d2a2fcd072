// PostgreSQL stopped while a batch job runs in the API process (throwaway cluster). pg-boss 10.4
// records a job's end (complete/fail) without awaiting it; with the database gone that rejection was
// unhandled, and the API shut itself down ("uncaught error", exit 1). Now (src/batches/queue.ts) the
// instance stays up, answers 503 while the database is down, and when it is back the batch resumes
// where it stopped: every row decided once.
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import pg from 'pg'
import t from 'tap'
import { creditCodeCheckCharacter } from '../../src/engine/validate.ts'
import { createCluster, freePort, postgresBinFor } from './helpers/cluster.ts'
import { adminKeyOf, startInstance, waitReady } from './helpers/instance.ts'

const ROWS = 8_000
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))

/** Submit rows of §18 deep-processing projects, three projects per enterprise. */
const csv = (rows: number): string => {
  const lines = [
    'applicationDate,enterprise.creditCode,enterprise.name,project.id,project.name,project.buildType,project.industryCode,project.policyClass,project.meetsAccessConditions,project.prefecture,project.inCentralYunnanZone,project.deepProcessing,project.investment',
  ]
  for (let i = 0; i < rows; i++) {
    const body = `9153030${String(Math.floor(i / 3)).padStart(10, '0')}`
    lines.push(
      `2016-06-01,${body}${creditCodeCheckCharacter(body)},E,p${i},P,expansion,C32,encouraged,true,qujing,false,true,1000000.00`,
    )
  }
  return `${lines.join('\n')}\n`
}

t.test(
  'PostgreSQL stopped mid-batch: the API stays up, answers 503, and the batch resumes once',
  async (t) => {
    const bin = await postgresBinFor(t)
    if (!bin) return
    const cluster = await createCluster(bin)
    t.teardown(() => cluster.destroy())
    await cluster.start()
    const admin = new pg.Client({ connectionString: cluster.url() })
    await admin.connect()
    await admin.query('create database incentives')
    await admin.end()
    const url = cluster.url('incentives')
    const keyDir = mkdtempSync(join(tmpdir(), 'faults-key-'))
    t.teardown(() => rmSync(keyDir, { recursive: true, force: true }))
    const api = startInstance('api', await freePort(), {
      DATABASE_URL: url,
      ADMIN_KEY_FILE: join(keyDir, 'admin-key.txt'),
      BATCH_WORKERS: '1',
      // the job left active by the outage is retried soon after the database is back
      BATCH_JOB_EXPIRE_SECONDS: '10',
      BATCH_QUEUE_MAINTENANCE_SECONDS: '2',
    })
    t.teardown(() => {
      if (api.running()) api.process.kill('SIGKILL')
    })
    await waitReady(api)
    const post = (path: string, key: string, body: string, type = 'application/json') =>
      fetch(`${api.base}${path}`, {
        method: 'POST',
        headers: { authorization: `Bearer ${key}`, 'content-type': type },
        body,
      })
    const finance = (await (
      await post('/v1/keys', adminKeyOf(api)!, JSON.stringify({ role: 'finance', label: 'faults' }))
    ).json()) as { key: string }
    const upload = await post('/v1/batches?mode=submit', finance.key, csv(ROWS), 'text/csv')
    t.equal(upload.status, 202, 'batch accepted')
    const { id } = (await upload.json()) as { id: string }

    // Stop PostgreSQL once the job has committed its first chunk and is deciding the next ones.
    const db = new pg.Client({ connectionString: url })
    await db.connect()
    let started = false
    for (let i = 0; i < 300 && !started; i++) {
      const r = await db.query<{ next_row: string }>('select next_row from batches where id = $1', [id])
      started = Number(r.rows[0]?.next_row) > 1
      if (!started) await sleep(50)
    }
    await db.end().catch(() => {})
    t.ok(started, 'the batch was running')
    await cluster.stopImmediately()
    await sleep(5_000)
    const fatal = () =>
      api
        .output()
        .split('\n')
        .filter((l) => l.includes('"level":60'))
        .join('\n')
    t.ok(api.running(), `the API process is still running ${fatal()}`)
    const ready = await fetch(`${api.base}/health/ready`).catch(() => null)
    t.equal(ready?.status, 503, 'readiness says the database is down')

    await cluster.start()
    let batch: { status: string } | null = null
    for (let i = 0; i < 240; i++) {
      const r = await fetch(`${api.base}/v1/batches/${id}`, {
        headers: { authorization: `Bearer ${finance.key}` },
      })
      if (r.status === 200) {
        batch = (await r.json()) as { status: string }
        if (batch?.status === 'done' || batch?.status === 'failed') break
      }
      await sleep(500)
    }
    t.equal(batch?.status, 'done', 'the batch resumed and finished')
    t.ok(api.running(), 'and the API process is still the same one')
    const check = new pg.Client({ connectionString: url })
    await check.connect()
    t.teardown(() => check.end().catch(() => {}))
    const counts = await check.query<{ applications: string; decisions: string; projects: string }>(
      `select count(*) as applications, count(distinct project_id) as projects,
            (select count(*) from decisions) as decisions from applications`,
    )
    t.same(
      counts.rows[0],
      { applications: String(ROWS), decisions: String(ROWS), projects: String(ROWS) },
      'every row decided once: one application and one decision each',
    )
  },
)
