// The XLSX batch template (GET /v1/batches/template.xlsx, issue #11 "a template at
// GET /v1/batches/template.csv and .xlsx"): Chinese headers, POLICY.md §5 example 1 as its row, a
// sheet describing every column — and, filled in, it uploads as it is or saved as CSV (as the bureau's
// spreadsheet would), the same rows either way. Runs on PGlite and on PostgreSQL.

import ExcelJS from 'exceljs'
import type { FastifyInstance } from 'fastify'
import t from 'tap'
import { COLUMNS } from '../../src/batches/columns.ts'
import type { InProcessQueue } from '../../src/batches/queue.ts'
import { testApp } from '../helpers/app.ts'
import { testDatabase } from '../helpers/database.ts'
import { bearer, keysFor } from '../helpers/fixtures.ts'

const XLSX = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet'

/** Uploads a file, waits until the in-process runner has finished it; the batch and its result lines. */
const runBatch = async (
  app: FastifyInstance,
  key: string,
  mode: string,
  type: string,
  payload: string | Buffer,
) => {
  const upload = await app.inject({
    method: 'POST',
    url: `/v1/batches?mode=${mode}`,
    headers: { ...bearer(key), 'content-type': type },
    payload,
  })
  await (app.batchQueue as InProcessQueue).idle()
  const id = upload.json().id as string
  const batch = (await app.inject({ url: `/v1/batches/${id}`, headers: bearer(key) })).json()
  const results = (await app.inject({ url: `/v1/batches/${id}/results`, headers: bearer(key) })).body
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l))
  return { upload, batch, results }
}

t.test(
  'template.xlsx: Chinese headers, the example row, the columns described; saved as CSV it uploads',
  async (t) => {
    const database = await testDatabase(t)
    const app = await testApp(t, database)
    const keys = await keysFor(database)

    const response = await app.inject({ url: '/v1/batches/template.xlsx', headers: bearer(keys.finance) })
    t.equal(response.statusCode, 200)
    t.equal(response.headers['content-type'], XLSX)
    t.match(response.headers['content-disposition'], /batch-template\.xlsx/)
    const workbook = new ExcelJS.Workbook()
    await workbook.xlsx.load(response.rawPayload as never)
    const [sheet, about] = workbook.worksheets
    const header = (sheet!.getRow(1).values as unknown[]).slice(1)
    t.same(
      header,
      COLUMNS.map((c) => c.zh),
      'the header row: every column, in Chinese',
    )
    t.equal(header[0], '申请日期')
    // every column of the sheet is text, so what the bureau types in Excel stays as typed
    t.same(
      COLUMNS.map((_, i) => sheet!.getColumn(i + 1).numFmt),
      COLUMNS.map(() => '@'),
      'every column formatted as text',
    )
    t.same(
      (sheet!.getRow(2).values as unknown[]).slice(1).map((v) => typeof v),
      COLUMNS.map(() => 'string'),
      'the example row holds text',
    )
    t.same((about!.getRow(1).values as unknown[]).slice(1), [
      '中文列名',
      '列 column',
      '类型 kind',
      '必填 required',
      '说明',
      'description',
    ])
    const row = (
      about!.getRow(COLUMNS.findIndex((c) => c.path === 'project.investment') + 2).values as unknown[]
    ).slice(1)
    t.same(
      row,
      [
        '投资额',
        'project.investment',
        '文本 string',
        '否 no',
        '本次申请的投资额，元，至多两位小数的小数字符串（§18）。',
        'Investment claimed in this application, yuan, decimal string with at most 2 decimals (§18).',
      ],
      'each column described in Chinese and in English',
    )
    const described = (about!.getColumn(2).values as unknown[]).slice(2)
    t.same(
      described,
      COLUMNS.map((c) => c.path),
      'the second sheet describes every column',
    )

    // Saved as CSV (UTF-8), as a spreadsheet would: the bureau's file for a dry run.
    const csv = Buffer.from(await workbook.csv.writeBuffer({ sheetName: sheet!.name })).toString('utf8')
    const { upload, results } = await runBatch(app, keys.finance, 'dry-run', 'text/csv', csv)
    t.equal(upload.statusCode, 202, upload.body)
    t.same(
      results.filter((r) => r.status === 'eligible').map((r) => [r.measure, r.amount]),
      [['interest-subsidy', '7200000.00']],
      'the example row decides as POLICY.md §5 example 1',
    )

    // The workbook as it was downloaded, uploaded as XLSX: the same decision.
    const asXlsx = await runBatch(app, keys.finance, 'dry-run', XLSX, response.rawPayload)
    t.equal(asXlsx.upload.statusCode, 202, asXlsx.upload.body)
    t.equal(asXlsx.batch.format, 'xlsx')
    const xlsxResults = asXlsx.results
    t.same(
      xlsxResults.map(({ batchId: _, ...r }) => r),
      results.map(({ batchId: _, ...r }) => r),
      'the template uploaded as XLSX: every result line as the CSV’s',
    )

    for (const role of ['auditor', 'enterpriseA'] as const) {
      const refused = await app.inject({ url: '/v1/batches/template.xlsx', headers: bearer(keys[role]) })
      t.equal(refused.statusCode, 403, `${role}: finance only`)
    }
  },
)

t.test(
  'a filled-in workbook submitted as XLSX, then the same rows as CSV: the same applications, granted once',
  async (t) => {
    const database = await testDatabase(t)
    const app = await testApp(t, database)
    const keys = await keysFor(database)
    const template = await app.inject({ url: '/v1/batches/template.xlsx', headers: bearer(keys.finance) })
    const workbook = new ExcelJS.Workbook()
    await workbook.xlsx.load(template.rawPayload as never)
    const sheet = workbook.worksheets[0]!
    const example = (sheet.getRow(2).values as unknown[]).slice(1) as string[]
    const id = COLUMNS.findIndex((c) => c.path === 'project.id')
    const investment = COLUMNS.findIndex((c) => c.path === 'project.investment')
    // two more projects, typed in as a clerk would (the sheet's cells are text)
    for (const [project, amount] of [
      ['qj-line-2', '80000000.00'],
      ['qj-line-3', '50000000.00'],
    ] as const) {
      const row = [...example]
      row[id] = project
      row[investment] = amount
      sheet.addRow(row)
    }
    const xlsx = Buffer.from(await workbook.xlsx.writeBuffer())
    const { upload: first, batch, results } = await runBatch(app, keys.finance, 'submit', XLSX, xlsx)
    t.equal(first.statusCode, 202, first.body)
    t.match(batch, { format: 'xlsx', status: 'done', rows: { total: 3, decided: 3, failed: 0 } })
    // §18: 6 % of the investment, under the 10 000 000.00 cap of each project
    t.same(
      results.filter((r) => r.status === 'eligible').map((r) => [r.row, r.measure, r.amount]),
      [
        [1, 'interest-subsidy', '7200000.00'],
        [2, 'interest-subsidy', '4800000.00'],
        [3, 'interest-subsidy', '3000000.00'],
      ],
    )
    const again = await app.inject({
      method: 'POST',
      url: '/v1/batches?mode=submit',
      headers: { ...bearer(keys.finance), 'content-type': XLSX },
      payload: xlsx,
    })
    t.equal(again.statusCode, 200, 'the same bytes: the same batch')
    t.equal(again.json().id, batch.id)

    // The same sheet saved as CSV: other bytes, the same rows — each answered by its decision.
    const csv = Buffer.from(await workbook.csv.writeBuffer({ sheetName: sheet.name })).toString('utf8')
    const asCsv = await runBatch(app, keys.finance, 'submit', 'text/csv', csv)
    t.equal(asCsv.upload.statusCode, 202, asCsv.upload.body)
    t.match(asCsv.batch, { format: 'csv', status: 'done', rows: { total: 3 }, counts: { duplicate: 3 } })
    const granted = await app.inject({
      url: '/v1/reports/grants?groupBy=measure',
      headers: bearer(keys.finance),
    })
    t.match(
      (granted.json().groups as { measure: string }[]).find((g) => g.measure === 'interest-subsidy'),
      { count: 3, amountDue: '15000000.00', amountPaid: '15000000.00' },
      'granted once: 7 200 000.00 + 4 800 000.00 + 3 000 000.00',
    )
  },
)
