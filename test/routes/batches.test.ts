// Batches through the API (issue #11 "Batches"): template → dry run → submit → progress → results,
// row errors, limits, the same file submitted twice, and rows sharing a ledger subject decided in
// row order exactly as if posted alone one after the other.

import ExcelJS from 'exceljs'
import type { FastifyInstance } from 'fastify'
import { sql } from 'kysely'
import t from 'tap'
import { columnOf } from '../../src/batches/columns.ts'
import type { InProcessQueue } from '../../src/batches/queue.ts'
import type { DatabaseHandle } from '../../src/db/database.ts'
import { testApp } from '../helpers/app.ts'
import { testDatabase } from '../helpers/database.ts'
import { bearer, beyondTheLedger, deepProcessing, keysFor } from '../helpers/fixtures.ts'
import { operations, responseProblem } from '../helpers/openapi.ts'
import { applicationOf } from '../helpers/requests.ts'

const count = async (database: DatabaseHandle, table: string): Promise<number> =>
  Number(
    (await sql<{ n: string }>`select count(*)::text as n from ${sql.table(table)}`.execute(database.db))
      .rows[0]!.n,
  )

const upload = (app: FastifyInstance, key: string, mode: string, payload: string, type = 'text/csv') =>
  app.inject({
    method: 'POST',
    url: `/v1/batches?mode=${mode}`,
    headers: { ...bearer(key), 'content-type': type },
    payload,
  })

/** Uploads and waits until the in-process runner has finished the batch. */
const run = async (app: FastifyInstance, key: string, mode: string, payload: string, type = 'text/csv') => {
  const response = await upload(app, key, mode, payload, type)
  await (app.batchQueue as InProcessQueue).idle()
  const batch = await app.inject({ url: response.headers.location as string, headers: bearer(key) })
  return { response, batch: batch.json() }
}

const resultsOf = async (app: FastifyInstance, key: string, id: string) =>
  (await app.inject({ url: `/v1/batches/${id}/results`, headers: bearer(key) })).body
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l))

const jsonl = (rows: unknown[]) => rows.map((r) => JSON.stringify(r)).join('\n')

t.test('batches', async (t) => {
  const database = await testDatabase(t)
  const app = await testApp(t, database, { batchLimits: { maxRows: 50, maxBytes: 200_000 } })
  const keys = await keysFor(database)

  t.test('the template, uploaded as it is, is a dry run that grants nothing', async (t) => {
    const template = await app.inject({ url: '/v1/batches/template.csv', headers: bearer(keys.finance) })
    t.equal(template.statusCode, 200)
    t.match(template.headers['content-type'], /^text\/csv/)
    const [header] = template.body.split('\n')
    t.match(header, /^applicationDate,enterprise\.creditCode,/)
    const { response, batch } = await run(app, keys.finance, 'dry-run', template.body)
    t.equal(response.statusCode, 202, response.body)
    t.match(batch, {
      mode: 'dry-run',
      status: 'done',
      rows: { total: 1, done: 1, decided: 1, failed: 0 },
      etaSeconds: 0,
    })
    t.equal(batch.counts.eligible, 1, 'the example is eligible for the interest subsidy')
    const results = await resultsOf(app, keys.finance, batch.id)
    t.same(
      results.filter((r) => r.status === 'eligible').map((r) => [r.measure, r.amount]),
      [['interest-subsidy', '7200000.00']],
      'POLICY.md §5 example 1',
    )
    t.ok(results.every((r) => r.applicationId === null && r.decisionId === null))
    t.equal(await count(database, 'applications'), 0, 'no application stored')
    t.equal(await count(database, 'ledger_entries'), 0, 'nothing granted')
    // Media types are case-insensitive (RFC 9110 §8.3.1): the same file as Text/CSV is CSV.
    const upper = await run(app, keys.finance, 'dry-run', template.body, 'Text/CSV; charset=UTF-8')
    t.match(upper.batch, { format: 'csv', rows: { decided: 1, failed: 0 } }, 'read as CSV')
  })

  t.test('Chinese headers read the same facts; results in CSV and XLSX', async (t) => {
    const template = await app.inject({
      url: '/v1/batches/template.csv?headers=zh',
      headers: bearer(keys.finance),
    })
    t.match(template.body, /申请日期,统一社会信用代码/)
    const { batch } = await run(app, keys.finance, 'dry-run', template.body)
    t.match(batch, { status: 'done', rows: { decided: 1 } })
    // A clerk writes the vocabulary's Chinese words too (src/engine/labels.ts): the same facts.
    t.match(template.body, /,expansion,C32,,encouraged,/)
    const inWords = template.body.replace(',expansion,C32,,encouraged,', ',扩建,C32,,鼓励类,')
    const worded = await run(app, keys.finance, 'dry-run', inWords)
    t.match(worded.batch, { status: 'done', rows: { decided: 1, failed: 0 } }, '扩建, 鼓励类 read as ids')
    const wordedResults = await app.inject({
      url: `/v1/batches/${worded.batch.id}/results?format=csv`,
      headers: bearer(keys.finance),
    })
    t.match(wordedResults.body, /1,decided,interest-subsidy,eligible,7200000\.00,/, 'decided as the ids are')
    const csv = await app.inject({
      url: `/v1/batches/${batch.id}/results?format=csv`,
      headers: bearer(keys.finance),
    })
    t.match(csv.headers['content-type'], /^text\/csv/)
    t.match(
      csv.body,
      /^\uFEFFrow,rowStatus,measure,status,amount,reasonCodes,reasonZh,applicationId,decisionId,errors,supersededBy\n/,
    )
    t.match(csv.body, /1,decided,interest-subsidy,eligible,7200000\.00,/)
    const zhCsv = await app.inject({
      url: `/v1/batches/${batch.id}/results?format=csv&headers=zh`,
      headers: bearer(keys.finance),
    })
    t.match(
      zhCsv.body,
      /^\uFEFF行号,行状态,措施,结果,金额\(元\),原因代码,原因,申请编号,决定编号,错误,现行决定编号（已更正或已拨付）\n1,decided,/,
      'Chinese headers, as the XLSX',
    )
    const xlsx = await app.inject({
      url: `/v1/batches/${batch.id}/results`,
      headers: {
        ...bearer(keys.finance),
        accept: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
      },
    })
    t.equal(xlsx.statusCode, 200)
    // Accept as RFC 9110 reads it: q-values, q=0 refusing a type, 406 when nothing offered fits.
    const results = (accept: string) =>
      app.inject({ url: `/v1/batches/${batch.id}/results`, headers: { ...bearer(keys.finance), accept } })
    const refused = await results('text/csv;q=0, application/jsonl;q=0.5')
    t.match(refused.headers['content-type'], /^application\/jsonl/, 'text/csv;q=0 is not CSV')
    t.match(refused.headers.vary, /Accept/i)
    t.match((await results('application/jsonl;q=0.2, text/csv;q=0.9')).headers['content-type'], /^text\/csv/)
    const ndjson = await results('application/x-ndjson')
    t.match(ndjson.headers['content-type'], /^application\/x-ndjson/, 'answered under the name asked for')
    t.equal(ndjson.body, (await results('application/jsonl')).body, 'the same lines')
    t.match((await results('*/*')).headers['content-type'], /^application\/jsonl/, 'JSON Lines by default')
    const none = await results('image/png')
    t.equal(none.statusCode, 406)
    t.match(none.json(), { type: 'about:blank', status: 406 })
    const op = operations.find((o) => o.operationId === 'getBatchResults')!
    for (const r of [none, ndjson, refused])
      t.equal(
        responseProblem(op, r.statusCode, r.headers['content-type'] as string, r.body),
        null,
        'as documented',
      )
    const workbook = new ExcelJS.Workbook()
    await workbook.xlsx.load(xlsx.rawPayload as never)
    const sheet = workbook.worksheets[0]!
    t.same(
      (sheet.getRow(1).values as unknown[]).slice(1, 8),
      ['行号', '行状态', '措施', '措施名称', '结果', '结果说明', '金额(元)'],
      'Chinese headers; the measure titled and the status in words beside their ids',
    )
    const interest = (sheet.getColumn(3).values as unknown[]).indexOf('interest-subsidy')
    t.same((sheet.getRow(interest).values as unknown[]).slice(3, 7), [
      'interest-subsidy',
      '精深加工、延长产业链项目贴息补助',
      'eligible',
      '符合',
    ])
    const amounts = sheet.getColumn(7).values.filter((v) => typeof v === 'number')
    t.same(amounts, [7200000], 'the amount as a number')
    t.equal(sheet.getColumn(7).numFmt, '#,##0.00', 'formatted to the fen')
  })

  t.test(
    'submit: every row stored as if posted alone; the same file again grants nothing twice',
    async (t) => {
      const rows = [
        applicationOf(),
        { ...applicationOf(), project: { ...deepProcessing('p-2', '50000000.00').project } },
      ]
      const file = jsonl(rows)
      const first = await run(app, keys.finance, 'submit', file, 'application/jsonl')
      t.equal(first.response.statusCode, 202)
      t.match(first.batch, { status: 'done', format: 'jsonl', rows: { total: 2, decided: 2 } })
      const results = await resultsOf(app, keys.finance, first.batch.id)
      const stored = results.filter((r) => r.decisionId !== null)
      t.ok(stored.length >= 2, 'each row has its decision')
      const appId = stored[0].applicationId
      const application = await app.inject({
        url: `/v1/applications/${appId}`,
        headers: bearer(keys.finance),
      })
      t.equal(application.statusCode, 200, 'the row is an application like any other')
      t.equal(application.json().decisions[0].id, stored[0].decisionId)
      const audit = await sql<{
        n: string
      }>`select count(*)::text as n from audit_log where entity_id = ${appId}`.execute(database.db)
      t.equal(audit.rows[0]!.n, '1', 'its audit entry')
      const applications = await count(database, 'applications')
      const ledger = await count(database, 'ledger_entries')

      const again = await upload(app, keys.finance, 'submit', file, 'application/jsonl')
      t.equal(again.statusCode, 200, 'recognised by its bytes')
      t.equal(again.json().id, first.batch.id, 'the first batch answers')
      await (app.batchQueue as InProcessQueue).idle()
      t.equal(await count(database, 'applications'), applications, 'no application stored twice')
      t.equal(await count(database, 'ledger_entries'), ledger, 'nothing granted twice')
      const dry = await upload(app, keys.finance, 'dry-run', file, 'application/jsonl')
      t.equal(dry.statusCode, 202, 'a dry run of the same file is a new preview')
    },
  )

  t.test('row errors name the row, the column and the pointer; the other rows go on', async (t) => {
    const csv = [
      'applicationDate,enterprise.creditCode,enterprise.name,project.id,project.name,project.buildType,project.industryCode,project.policyClass,project.meetsAccessConditions,project.prefecture,project.inCentralYunnanZone,project.deepProcessing,project.investment,enterprise.taxRecords',
      '2015-06-01,91530300MA6K5A1B2G,A,e-1,Line,expansion,C32,encouraged,true,qujing,false,true,12a,',
      '2015-06-01,91530300MA6K5A1B2G,A,e-2,Line,expansion,C32,encouraged,true,qujing,false,true,100.00,[not json',
      '2015-06-01,91530300MA6K5A1B2G,A,e-3,Line,expansion,C32,encouraged,maybe,qujing,false,true,100.00,',
      '2015-06-01,91530300MA6K5A1B2G,A,e-4,Line,expansion,C32,encouraged,是,qujing,否,true,100.00,',
    ].join('\n')
    const { response, batch } = await run(app, keys.finance, 'dry-run', csv)
    t.match(batch, { status: 'done', rows: { total: 4, decided: 1, failed: 3 } })
    // zh-CN by default (Accept-Language): the messages in Chinese, the money pattern in words.
    t.match(batch.errors, [
      {
        row: 1,
        column: 'project.investment',
        pointer: '/project/investment',
        message: /^必须是以元为单位的金额/,
      },
      { row: 2, column: 'enterprise.taxRecords', pointer: '/enterprise/taxRecords', message: /JSON 数组/ },
      {
        row: 3,
        column: 'project.meetsAccessConditions',
        pointer: '/project/meetsAccessConditions',
        message: '必须是布尔值',
      },
    ])
    const english = await app.inject({
      url: response.headers.location as string,
      headers: { ...bearer(keys.finance), 'accept-language': 'en' },
    })
    t.equal(english.headers['content-language'], 'en')
    t.match(english.json().errors, [
      { row: 1, message: /^must be an amount in yuan: a decimal string/ },
      { row: 2, message: /JSON/ },
      { row: 3, message: /boolean/ },
    ])
    const csvResults = await app.inject({
      url: `/v1/batches/${batch.id}/results?format=csv`,
      headers: { ...bearer(keys.finance), 'accept-language': 'en' },
    })
    t.match(
      csvResults.body,
      /project\.meetsAccessConditions: must be boolean/,
      'the results file in English too',
    )
    const jl = await run(
      app,
      keys.finance,
      'dry-run',
      '{"applicationDate":"2015-06-01"}\nnot json\n',
      'application/jsonl',
    )
    t.match(jl.batch.errors, [
      { row: 1, column: null, pointer: '/enterprise', message: '必填' },
      { row: 2, column: null, pointer: '', message: '不是 JSON 值' },
    ])

    // A row the engine refuses (a credit code whose GB 32100 check character is wrong): its message in
    // both languages too.
    const refused = deepProcessing('e-check', '100.00')
    refused.enterprise.creditCode = '91530300MA6K5A1B2X'
    const engine = await run(app, keys.finance, 'dry-run', JSON.stringify(refused), 'application/jsonl')
    t.match(engine.batch.errors, [
      {
        row: 1,
        column: 'enterprise.creditCode',
        pointer: '/enterprise/creditCode',
        message: /统一社会信用代码的校验码为"X"，按 GB 32100 应为"G"/,
      },
    ])
    const engineEn = await app.inject({
      url: engine.response.headers.location as string,
      headers: { ...bearer(keys.finance), 'accept-language': 'en' },
    })
    t.match(engineEn.json().errors, [
      { row: 1, message: /the check character .* is "X"; GB 32100 gives "G"/ },
    ])

    // The same row in a CSV file: an error the engine finds names the column as the file's header
    // wrote it (migration 2026-12-07T0300), in Chinese or English, as the errors found at upload do.
    const p = refused.project!
    const cells = [
      ['申请日期', 'applicationDate', refused.applicationDate],
      ['统一社会信用代码', 'enterprise.creditCode', refused.enterprise.creditCode],
      ['企业名称', 'enterprise.name', refused.enterprise.name],
      ['项目编号', 'project.id', p.id],
      ['项目名称', 'project.name', p.name],
      ['建设性质', 'project.buildType', p.buildType],
      ['行业代码', 'project.industryCode', p.industryCode],
      ['产业政策类别', 'project.policyClass', p.policyClass],
      ['符合准入条件', 'project.meetsAccessConditions', String(p.meetsAccessConditions)],
      ['州市', 'project.prefecture', p.prefecture],
      ['滇中产业新区', 'project.inCentralYunnanZone', String(p.inCentralYunnanZone)],
      ['精深加工', 'project.deepProcessing', String(p.deepProcessing)],
      ['投资额', 'project.investment', p.investment!],
    ] as const
    for (const [zh, en, _] of cells)
      t.ok(columnOf(zh)?.path === en && columnOf(en)?.path === en, `${zh} and ${en} name one column`)
    const row = cells.map(([, , v]) => v).join(',')
    for (const [language, header, column] of [
      ['zh', 0, '统一社会信用代码'],
      ['en', 1, 'enterprise.creditCode'],
    ] as const) {
      const file = `${cells.map((c) => c[header]).join(',')}\n${row}\n`
      const csv = await run(app, keys.finance, 'dry-run', file)
      t.match(
        csv.batch.errors,
        [{ row: 1, column, pointer: '/enterprise/creditCode', message: /统一社会信用代码的校验码为"X"/ }],
        `${language} headers: the engine's error names the file's column`,
      )
      const results = await app.inject({
        url: `/v1/batches/${csv.batch.id}/results?format=csv`,
        headers: bearer(keys.finance),
      })
      t.ok(results.body.includes(`${column}: `), `${language} headers: and so does the results file`)
    }
  })

  t.test('limits and refused files: 413 / 422 problems, nothing kept', async (t) => {
    const before = await count(database, 'batches')
    const big = await upload(
      app,
      keys.finance,
      'dry-run',
      `applicationDate\n${'2015-06-01\n'.repeat(30_000)}`,
    )
    t.equal(big.statusCode, 413)
    t.match(big.json(), { status: 413, detail: /BATCH_MAX_BYTES/ })
    const many = await upload(app, keys.finance, 'dry-run', `applicationDate\n${'2015-06-01\n'.repeat(51)}`)
    t.equal(many.statusCode, 422)
    t.match(
      many.json(),
      { type: '/problems/batch-too-many-rows', detail: /超过 50 行/ },
      'in Chinese by default',
    )
    const unknown = await upload(app, keys.finance, 'dry-run', 'applicationDate,colour\n2015-06-01,red\n')
    t.equal(unknown.statusCode, 422)
    t.match(unknown.json().detail, /表头第 2 列 "colour"/)
    const english = await app.inject({
      method: 'POST',
      url: '/v1/batches?mode=dry-run',
      headers: { ...bearer(keys.finance), 'content-type': 'text/csv', 'accept-language': 'en' },
      payload: 'applicationDate,colour\n2015-06-01,red\n',
    })
    t.match(english.json().detail, /Column 2 .*"colour"/, 'in English when asked')
    const empty = await upload(app, keys.finance, 'dry-run', '')
    t.equal(empty.statusCode, 422)
    const mode = await upload(app, keys.finance, 'grant-all', 'applicationDate\n')
    t.equal(mode.statusCode, 400)
    const text = await upload(app, keys.finance, 'dry-run', 'x', 'text/plain')
    t.equal(text.statusCode, 415)
    t.match(
      text.json(),
      { type: 'about:blank', title: '不支持的媒体类型', status: 415 },
      'its own title (Chinese by default)',
    )
    t.match(text.json().detail, /请以下列类型之一发送：text\/csv, application\/jsonl/, 'and what it takes')
    const quote = await upload(app, keys.finance, 'dry-run', 'a"b,c\n')
    t.equal(quote.statusCode, 422, 'a stray quote: not CSV, never a 500')
    t.match(quote.json(), { type: '/problems/batch-not-csv' })
    const twice = await upload(app, keys.finance, 'dry-run', 'project.investment,投资额\n1.00,2.00\n')
    t.match(twice.json(), { status: 422, type: '/problems/batch-duplicate-column' })
    t.equal(await count(database, 'batches'), before, 'no batch kept')
    t.equal((await count(database, 'batch_inputs')) >= 0, true)
  })

  t.test('finance only uploads; auditors read; enterprises neither', async (t) => {
    t.equal((await upload(app, keys.enterpriseA, 'dry-run', 'applicationDate\n')).statusCode, 403)
    t.equal((await upload(app, keys.auditor, 'dry-run', 'applicationDate\n')).statusCode, 403)
    const missing = await app.inject({
      url: `/v1/batches/${crypto.randomUUID()}`,
      headers: bearer(keys.auditor),
    })
    t.equal(missing.statusCode, 404)
    const enterprise = await app.inject({
      url: `/v1/batches/${crypto.randomUUID()}`,
      headers: bearer(keys.enterpriseA),
    })
    t.equal(enterprise.statusCode, 403)
  })
})

t.test(
  'rows sharing a cap or a one-time subject in one chunk: as if posted alone, in row order',
  async (t) => {
    // The same rows: once as a batch (one chunk), once posted one by one on a fresh database.
    const sameProject = (investment: string) => deepProcessing('shared-line', investment)
    const platform = (enterprise: string) => ({
      applicationDate: '2015-09-01',
      enterprise: { creditCode: enterprise, name: 'R&D' },
      claims: {
        rdPlatforms: [
          {
            id: 'nerc-rare-metals',
            kind: 'national-engineering-research-center',
            recognisedOn: '2015-05-01',
          },
        ],
      },
    })
    const rows = [
      sameProject('120000000.00'),
      platform('91530300MA6R4J6E84'),
      sameProject('120000000.00'),
      platform('91530100MA6N2X3P4X'),
      sameProject('120000000.00'),
    ]
    const summary = (
      outcomes: { measure: string; status: string; amount: string | null; reasons: { code: string }[] }[],
    ) => outcomes.map((o) => `${o.measure}:${o.status}:${o.amount}:${o.reasons.map((r) => r.code).join('+')}`)

    const batchDb = await testDatabase(t)
    const batchApp = await testApp(t, batchDb)
    const batchKeys = await keysFor(batchDb)
    const { batch } = await run(batchApp, batchKeys.finance, 'submit', jsonl(rows), 'application/jsonl')
    t.match(batch, { status: 'done', rows: { decided: 5 } })
    const lines = await resultsOf(batchApp, batchKeys.finance, batch.id)
    const decisions = [...new Set(lines.map((l) => l.decisionId))]
    const batchOutcomes = []
    for (const id of decisions) {
      const d = await batchApp.inject({ url: `/v1/decisions/${id}`, headers: bearer(batchKeys.finance) })
      batchOutcomes.push(summary(d.json().evaluation.outcomes))
    }

    const aloneDb = await testDatabase(t)
    const aloneApp = await testApp(t, aloneDb)
    const aloneKeys = await keysFor(aloneDb)
    const aloneOutcomes = []
    for (const facts of rows) {
      const r = await aloneApp.inject({
        method: 'POST',
        url: '/v1/applications',
        headers: { ...bearer(aloneKeys.finance), 'idempotency-key': crypto.randomUUID() },
        payload: facts,
      })
      aloneOutcomes.push(summary(r.json().decisions[0].evaluation.outcomes))
    }
    t.same(batchOutcomes, aloneOutcomes, 'every row decided as it was when posted alone')
    const interest = aloneOutcomes.map((o) => o.find((x) => x.startsWith('interest-subsidy:')) ?? '')
    t.match(interest[0], /eligible:7200000\.00/, 'the first row: example 1')
    t.match(interest[2], /:2800000\.00:/, 'the second: what is left under the §18 cap')
    t.match(interest[4], /:0\.00|ineligible|capped/, 'the third: nothing left')
    t.match(
      aloneOutcomes[3]!.find((x) => x.startsWith('rd-platform-grant')),
      /ALREADY_GRANTED/,
      'a platform once',
    )
    const totals = await sql<{
      total: string
    }>`select total from ledger_subjects where ledger = 'interest-subsidy'`.execute(batchDb.db)
    t.same(
      totals.rows.map((r) => r.total),
      ['10000000.00'],
      'the ledger holds the cap, not more',
    )
  },
)

t.test(
  'budget pools in a batch (POLICY.md §3): drawn and queued in row order, as if posted alone',
  async (t) => {
    // Three projects of 7 200 000.00 each (example 1) against a 2015 interest-subsidy budget of
    // 10 000 000.00: the first is paid; the second finds 2 800 000.00 left (unfunded, exhausted); the
    // third waits behind it (unfunded, queue) — in one chunk, exactly as when posted one by one.
    const rows = ['line-a', 'line-b', 'line-c'].map((p) => deepProcessing(p, '120000000.00'))
    const statuses = (
      outcomes: { measure: string; status: string; amount: string | null; reasons: { code: string }[] }[],
    ) =>
      outcomes
        .filter((o) => o.measure === 'interest-subsidy')
        .map((o) => `${o.status}:${o.amount}:${o.reasons.map((r) => r.code).join('+')}`)
    const withBudget = async () => {
      const db = await testDatabase(t)
      const app = await testApp(t, db)
      const keys = await keysFor(db)
      const put = await app.inject({
        method: 'PUT',
        url: '/v1/budgets/2015/interest-subsidy',
        headers: bearer(keys.finance),
        payload: { amount: '10000000.00' },
      })
      t.equal(put.statusCode, 200, 'budget set')
      return { db, app, keys }
    }
    const drawnAndQueued = async (db: DatabaseHandle) => ({
      drawn: (
        await sql<{ total: string }>`select total from ledger_subjects where ledger = 'budget'`.execute(db.db)
      ).rows.map((r) => r.total),
      queued: await count(db, 'budget_queue'),
    })

    const batched = await withBudget()
    const dry = await run(batched.app, batched.keys.finance, 'dry-run', jsonl(rows), 'application/jsonl')
    const dryLines = await resultsOf(batched.app, batched.keys.finance, dry.batch.id)
    t.same(
      dryLines.filter((l) => l.measure === 'interest-subsidy').map((l) => l.status),
      ['eligible', 'unfunded', 'unfunded'],
      'a dry run previews the budget in row order',
    )
    t.same(await drawnAndQueued(batched.db), { drawn: ['0.00'], queued: 0 }, 'and draws nothing')

    const { batch } = await run(batched.app, batched.keys.finance, 'submit', jsonl(rows), 'application/jsonl')
    const lines = await resultsOf(batched.app, batched.keys.finance, batch.id)
    const batchOutcomes = []
    for (const id of [...new Set(lines.map((l) => l.decisionId))]) {
      const d = await batched.app.inject({
        url: `/v1/decisions/${id}`,
        headers: bearer(batched.keys.finance),
      })
      batchOutcomes.push(statuses(d.json().evaluation.outcomes))
    }

    const alone = await withBudget()
    const aloneOutcomes = []
    for (const facts of rows) {
      const r = await alone.app.inject({
        method: 'POST',
        url: '/v1/applications',
        headers: { ...bearer(alone.keys.finance), 'idempotency-key': crypto.randomUUID() },
        payload: facts,
      })
      aloneOutcomes.push(statuses(r.json().decisions[0].evaluation.outcomes))
    }
    t.same(batchOutcomes, aloneOutcomes, 'every row decided as it was when posted alone')
    t.same(aloneOutcomes, [
      ['eligible:7200000.00:'],
      ['unfunded:7200000.00:BUDGET_EXHAUSTED'],
      ['unfunded:7200000.00:BUDGET_QUEUE'],
    ])
    t.same(await drawnAndQueued(batched.db), await drawnAndQueued(alone.db), 'the same budget state')
    t.same(await drawnAndQueued(batched.db), { drawn: ['7200000.00'], queued: 2 })
  },
)

t.test(
  'a row whose amounts pass what can be recorded is a row error; the rows around it are submitted',
  async (t) => {
    const database = await testDatabase(t)
    const app = await testApp(t, database)
    const keys = await keysFor(database)
    const rows = [
      deepProcessing('before', '100000000.00'),
      beyondTheLedger(),
      deepProcessing('after', '100000000.00'),
    ]
    const { batch } = await run(app, keys.finance, 'submit', jsonl(rows), 'application/jsonl')
    t.match(batch, { status: 'done', rows: { total: 3, decided: 2, failed: 1 } })
    t.match(batch.errors, [{ row: 2, message: /超出可记录的范围/ }])
    t.equal(await count(database, 'applications'), 2, 'the two other rows are stored')
  },
)
