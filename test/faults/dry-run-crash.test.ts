// PostgreSQL crashed (stopped immediately, throwaway cluster) while a dry run's job runs in the API
// process. A dry run's chunks commit without waiting for the disk (src/db/batches-repository.ts
// commitWithoutWaiting), so the crash may take the last ones with it — their results, their
// would-be claims and the batch's next_row together, one transaction each. The WAL writer is made
// lazy here (wal_writer_delay 10 s) so that it usually does. The API's worker still holds the
// claims of the chunks it saw commit (src/batches/dry-claims-memory.ts): it must not use them for a
// next_row the crash moved back. Once PostgreSQL is back the batch resumes and finishes: every row
// previewed once, each project at its §18 cap, nothing granted, no claim left.
import t from 'tap'
import { creditCodeCheckCharacter } from '../../src/engine/validate.ts'
import { apiOnCluster, QUICK_BATCH_RETRY } from './helpers/api-on-cluster.ts'

const ROWS = 6_000
const PROJECTS = 300
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))

/** §18 deep-processing rows: 20 a project, a project's rows spread over the whole file. */
const csv = (): string => {
  const lines = [
    'applicationDate,enterprise.creditCode,enterprise.name,project.id,project.name,project.buildType,project.industryCode,project.policyClass,project.meetsAccessConditions,project.prefecture,project.inCentralYunnanZone,project.deepProcessing,project.investment',
  ]
  for (let i = 0; i < ROWS; i++) {
    const project = i % PROJECTS
    const body = `9153030${String(Math.floor(project / 3)).padStart(10, '0')}`
    lines.push(
      `2015-06-01,${body}${creditCodeCheckCharacter(body)},E,p${project},P,expansion,C32,encouraged,true,qujing,false,true,10000000.00`,
    )
  }
  return `${lines.join('\n')}\n`
}

t.test('PostgreSQL crashed mid-dry-run: chunks lost with it are previewed again, once', async (t) => {
  const setup = await apiOnCluster(t, { settings: { wal_writer_delay: '10000ms' }, env: QUICK_BATCH_RETRY })
  if (!setup) return
  const { db, cluster } = setup
  const api = await setup.start('api')
  const finance = await setup.financeKey(api)
  const upload = await fetch(`${api.base}/v1/batches?mode=dry-run`, {
    method: 'POST',
    headers: { authorization: `Bearer ${finance}`, 'content-type': 'text/csv' },
    body: csv(),
  })
  t.equal(upload.status, 202, 'dry run accepted')
  const { id } = (await upload.json()) as { id: string }

  // Crash once the job has committed a few chunks and is deciding more.
  let seen = 0
  for (let i = 0; i < 600 && seen <= 1_500; i++) {
    const r = await db.query<{ next_row: string }>('select next_row from batches where id = $1', [id])
    seen = Number(r.rows[0]?.next_row)
    if (seen <= 1_500) await sleep(20)
  }
  t.ok(seen > 1_500 && seen <= ROWS, `the dry run was under way (next row ${seen})`)
  await cluster.stopImmediately()
  await sleep(1_000)
  await cluster.start()
  const after = await db.query<{ next_row: string }>('select next_row from batches where id = $1', [id])
  // Informative: how far the crash moved the batch back (0 when the WAL had reached the disk).
  t.comment(`next row seen before the crash ${seen}, after it ${after.rows[0]?.next_row}`)

  let status = ''
  for (let i = 0; i < 240 && status !== 'done' && status !== 'failed'; i++) {
    const r = await fetch(`${api.base}/v1/batches/${id}`, { headers: { authorization: `Bearer ${finance}` } })
    if (r.status === 200) status = ((await r.json()) as { status: string }).status
    if (status !== 'done' && status !== 'failed') await sleep(500)
  }
  t.equal(status, 'done', 'the dry run resumed and finished')
  t.ok(api.running(), 'in the same API process')

  const rows = await db.query<{ n: string; distinct: string }>(
    'select count(*) as n, count(distinct row_no) as distinct from batch_results where batch_id = $1',
    [id],
  )
  t.same(rows.rows[0], { n: String(ROWS), distinct: String(ROWS) }, 'every row previewed once')
  // 6 % of 10 000 000.00 is 600 000.00 a row: sixteen rows, 400 000.00 on the seventeenth, then
  // capped — late in the file, after the crash: a chunk's claims counted twice would leave a project
  // short of its cap.
  const previewed = await db.query<{ project: string; rows: number; granted: string }>(
    `select i.facts #>> '{project,id}' as project, count(*)::int as rows,
            sum((o ->> 2)::bigint)::text as granted
     from batch_results r
     join batch_inputs i on i.batch_id = r.batch_id and i.row_no = r.row_no
     cross join lateral json_array_elements(r.outcome_codes::json) o
     where r.batch_id = $1 and o ->> 0 = '0'
     group by 1 order by 1`,
    [id],
  )
  const wrong = previewed.rows.filter((r) => r.rows !== ROWS / PROJECTS || r.granted !== '1000000000')
  t.equal(previewed.rows.length, PROJECTS, 'every project previewed')
  t.same(wrong, [], 'each at its §18 cap of 10 000 000.00 (in fen), none beyond, none short')
  const counts = await db.query<{ applications: string; entries: string; claims: string }>(
    `select (select count(*) from applications) as applications,
            (select count(*) from ledger_entries) as entries,
            (select count(*) from batch_dry_chunks where batch_id = $1) as claims`,
    [id],
  )
  t.same(
    counts.rows[0],
    { applications: '0', entries: '0', claims: '0' },
    'nothing stored or granted, no claim left',
  )
})
