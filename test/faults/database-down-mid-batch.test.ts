// PostgreSQL stopped while a batch job runs in the API process (throwaway cluster). pg-boss 10.4
// records a job's end (complete/fail) without awaiting it; with the database gone that rejection was
// unhandled, and the API shut itself down ("uncaught error", exit 1). Now (src/batches/queue.ts) the
// instance stays up, answers 503 while the database is down, and when it is back the batch resumes
// where it stopped: every row decided once.
import t from 'tap'
import { creditCodeCheckCharacter } from '../../src/engine/validate.ts'
import { apiOnCluster, QUICK_BATCH_RETRY } from './helpers/api-on-cluster.ts'

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
    const setup = await apiOnCluster(t, { env: QUICK_BATCH_RETRY })
    if (!setup) return
    const { db, cluster } = setup
    const api = await setup.start('api')
    const finance = await setup.financeKey(api)
    const post = (path: string, key: string, body: string, type = 'application/json') =>
      fetch(`${api.base}${path}`, {
        method: 'POST',
        headers: { authorization: `Bearer ${key}`, 'content-type': type },
        body,
      })
    const upload = await post('/v1/batches?mode=submit', finance, csv(ROWS), 'text/csv')
    t.equal(upload.status, 202, 'batch accepted')
    const { id } = (await upload.json()) as { id: string }

    // Stop PostgreSQL once the job has committed its first chunk and is deciding the next ones.
    let started = false
    for (let i = 0; i < 300 && !started; i++) {
      const r = await db.query<{ next_row: string }>('select next_row from batches where id = $1', [id])
      started = Number(r.rows[0]?.next_row) > 1
      if (!started) await sleep(50)
    }
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
        headers: { authorization: `Bearer ${finance}` },
      })
      if (r.status === 200) {
        batch = (await r.json()) as { status: string }
        if (batch?.status === 'done' || batch?.status === 'failed') break
      }
      await sleep(500)
    }
    t.equal(batch?.status, 'done', 'the batch resumed and finished')
    t.ok(api.running(), 'and the API process is still the same one')
    const counts = await db.query<{ applications: string; decisions: string; projects: string }>(
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
