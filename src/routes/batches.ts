// Batches (issue #11 "Batches", finance role): upload a file of applications (CSV or JSON Lines,
// streamed), follow its progress, read its results (JSON Lines, CSV, XLSX). The work itself runs on
// the batch queue (src/batches/queue.ts); the upload only stores the rows and queues the batch.

import { randomUUID } from 'node:crypto'
import { PassThrough, Readable } from 'node:stream'
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { stringify } from 'csv-stringify'
import type { FastifyRequest } from 'fastify'
import { Type } from 'typebox'
import interestSubsidyExample from '../../examples/interest-subsidy.json' with { type: 'json' }
import { hashCanonical } from '../audit/canonical-json.ts'
import { COLUMNS, type Column, type ColumnKind } from '../batches/columns.ts'
import { identityOf } from '../batches/identity.ts'
import { BatchFileError, type ParsedRow, type RowError, readBatch } from '../batches/parse.ts'
import { writeResultsWorkbook } from '../batches/results-workbook.ts'
import { type RowOutcome, rowKeyOf } from '../batches/run.ts'
import {
  type BatchRow,
  batchErrors,
  cancelBatch,
  createBatch,
  deleteBatch,
  existingRowKeys,
  findBatch,
  insertInputs,
  listBatches,
  type ResultRow,
  resultsPage,
  retryBatch,
  sealBatch,
  touchUpload,
} from '../db/batches-repository.ts'
import type { Executor } from '../db/executor.ts'
import { measureTitle } from '../engine/measures/index.ts'
import type { OutcomeStatus } from '../engine/types.ts'
import type { Language, Text } from '../i18n/language.ts'
import { OUTCOME_STATUS_LABELS } from '../i18n/statuses.ts'
import { callerOf } from '../plugins/auth.ts'
import { HttpProblem } from '../plugins/problems.ts'
import { loadExcelJS } from '../reports/exceljs.ts'
import {
  Batch,
  BatchListQuery,
  BatchPage,
  BatchParams,
  BatchResultLine,
  BatchResultsQuery,
  BatchUploadQuery,
  TemplateQuery,
} from '../schemas/batches.ts'
import { HEADER_VALUE_PATTERN } from '../schemas/common.ts'
import { problemResponses } from '../schemas/problem.ts'
import { notFound } from './applications.ts'
import { formatFromAccept, notAcceptable } from './negotiate.ts'

/** How much one upload may be (BATCH_MAX_ROWS, BATCH_MAX_BYTES). */
export interface BatchLimits {
  maxRows: number
  maxBytes: number
}

export const DEFAULT_BATCH_LIMITS: BatchLimits = { maxRows: 100_000, maxBytes: 100 * 1024 * 1024 }

/** Errors shown with the batch; all of them are in the results. */
export const ERRORS_SHOWN = 100
/** Rows stored per statement while the upload streams in. */
const UPLOAD_SLICE = 1000
const RESULTS_PAGE = 1000

const CSV_TYPE = 'text/csv'
const JSONL_TYPES = ['application/jsonl', 'application/x-ndjson']
const XLSX_TYPE = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet'

const uploads = new WeakMap<FastifyRequest, NodeJS.ReadableStream>()

const iso = (d: Date | null) => (d ? d.toISOString() : null)

/** Row errors as shown: the message in the request's language (Chinese when it was kept; rows stored
 * before it was have English only). */
const shownErrors = (errors: unknown, language: Language) =>
  ((errors ?? []) as RowError[]).map(({ messageZh, ...e }) => ({
    ...e,
    message: language === 'zh-CN' && messageZh !== undefined ? messageZh : e.message,
  }))

export const presentBatch = (b: BatchRow, errors: unknown[], language: Language) => {
  const done = b.rowsDecided + b.rowsFailed
  const elapsed = b.startedAt ? ((b.finishedAt ?? b.updatedAt).getTime() - b.startedAt.getTime()) / 1000 : 0
  const rate = b.startedAt && elapsed > 0 ? Math.round((done / elapsed) * 10) / 10 : null
  return {
    id: b.id,
    mode: b.mode,
    format: b.format,
    status: b.status,
    contentHash: b.contentHash,
    rows: { total: b.totalRows, done, decided: b.rowsDecided, failed: b.rowsFailed },
    rowsPerSecond: rate,
    // Nothing is left to run in a batch done; none will run in one failed or cancelled until retried.
    etaSeconds:
      b.status === 'done'
        ? 0
        : b.status === 'failed' || b.status === 'cancelled'
          ? null
          : rate && rate > 0
            ? Math.ceil((b.totalRows - done) / rate)
            : null,
    counts: b.outcomeCounts,
    errors: shownErrors(errors, language),
    error: b.error,
    createdAt: b.createdAt.toISOString(),
    startedAt: iso(b.startedAt),
    finishedAt: iso(b.finishedAt),
    results: `/v1/batches/${b.id}/results`,
  }
}

/** One line per row and measure (an error row is one line). */
export const resultLines = (r: ResultRow, language: Language) => {
  const base = {
    row: r.row,
    rowStatus: r.status,
    applicationId: r.applicationId,
    decisionId: r.decisionId,
    supersededBy: r.supersededBy ?? null,
  }
  if (r.status === 'error')
    return [
      {
        ...base,
        measure: null,
        status: null,
        amount: null,
        reasonCodes: [],
        reasonZh: '',
        errors: shownErrors(r.errors, language),
      },
    ]
  return ((r.outcomes ?? []) as RowOutcome[]).map((o) => ({
    ...base,
    measure: o.measure,
    status: o.status,
    amount: o.amount,
    reasonCodes: o.reasons.map((x) => x.code),
    // Chinese reasons come with the engine's reasons (Reason.message.zh), the same text a decision shows.
    reasonZh: o.reasons.map((x) => x.zh).join('；'),
    errors: [],
  }))
}

async function* allResults(db: Executor, id: string, language: Language) {
  let after = 0
  for (;;) {
    const page = await resultsPage(db, id, after, RESULTS_PAGE)
    if (page.length === 0) return
    for (const r of page) yield* resultLines(r, language)
    after = page[page.length - 1]!.row
  }
}

/** The forms of a batch's results, by media type (Accept), JSON Lines first. */
const RESULT_TYPES = [
  ['application/jsonl', 'jsonl'],
  // the same lines, under the older name a client may ask for: answered under it
  ['application/x-ndjson', 'ndjson'],
  [CSV_TYPE, 'csv'],
  [XLSX_TYPE, 'xlsx'],
] as const

/** A column's kind in the template's columns sheet, in both languages. */
const KIND_LABELS: Readonly<Record<ColumnKind, string>> = {
  string: '文本 string',
  integer: '整数 integer',
  boolean: '是/否 boolean',
  json: 'JSON 数组 json',
}

/** Result columns: key, English header (CSV), Chinese header (XLSX). */
const RESULT_COLUMNS = [
  ['row', 'row', '行号'],
  ['rowStatus', 'rowStatus', '行状态'],
  ['measure', 'measure', '措施'],
  ['status', 'status', '结果'],
  ['amount', 'amount', '金额(元)'],
  ['reasonCodes', 'reasonCodes', '原因代码'],
  ['reasonZh', 'reasonZh', '原因'],
  ['applicationId', 'applicationId', '申请编号'],
  ['decisionId', 'decisionId', '决定编号'],
  ['errors', 'errors', '错误'],
  ['supersededBy', 'supersededBy', '现行决定编号（已更正或已拨付）'],
] as const

/**
 * The workbook's columns, for people: the result columns with Chinese headers, and beside the measure's
 * id its title, beside the status its words ("符合", "预算不足"). CSV and JSON Lines keep the ids only.
 */
const WORKBOOK_COLUMNS = RESULT_COLUMNS.flatMap(([key, , zh]) => [
  { key, header: zh, ...(key === 'amount' ? { numFmt: '#,##0.00' } : {}) },
  ...(key === 'measure' ? [{ key: 'measureTitle', header: '措施名称' }] : []),
  ...(key === 'status' ? [{ key: 'statusLabel', header: '结果说明' }] : []),
])

const flat = (line: ReturnType<typeof resultLines>[number]) => ({
  ...line,
  reasonCodes: line.reasonCodes.join(';'),
  errors: line.errors.map((e) => `${e.column ?? e.pointer}: ${e.message}`).join('; '),
})

const exampleRow = (c: Column): string => {
  let value: unknown = interestSubsidyExample.application
  for (const part of c.path.split('.')) value = (value as Record<string, unknown> | undefined)?.[part]
  if (value === undefined) return ''
  return c.kind === 'json' ? JSON.stringify(value) : String(value)
}

/**
 * An amount as an XLSX number (formatted to the fen) when a double holds it exactly as written
 * (at most 15 significant digits); otherwise the exact decimal text.
 */
const asCellNumber = (amount: string | null): number | string | null =>
  amount === null ? null : amount.replace(/^0+|\./g, '').length <= 15 ? Number(amount) : amount

/** Problem responses of a route whose 200 is not JSON (so the document does not borrow its media type). */
const fileRouteProblems = (...statuses: number[]) =>
  Object.fromEntries(
    statuses.map((s) => [
      s,
      {
        description: 'Problem details (RFC 9457).',
        content: { 'application/problem+json': { schema: Type.Ref('Problem') } },
      },
    ]),
  )

const problem = (status: number, type: string, detail: Text, pointer?: string) =>
  new HttpProblem({
    type,
    // RFC 9457 §4.2.1: with type about:blank the title is the status's phrase
    title:
      status === 413
        ? 'Payload Too Large'
        : status === 415
          ? 'Unsupported Media Type'
          : 'Unprocessable Content',
    status,
    detail,
    ...(pointer ? { errors: [{ detail, pointer }] } : {}),
  })

const batches: FastifyPluginAsyncTypebox<{ limits?: Partial<BatchLimits> }> = async (app, options) => {
  const limits = { ...DEFAULT_BATCH_LIMITS, ...options.limits }
  // The upload is read as a stream by the handler, never buffered: the parser only hands it on.
  const passThrough = (
    request: FastifyRequest,
    payload: NodeJS.ReadableStream,
    done: (e: Error | null, body?: unknown) => void,
  ) => {
    uploads.set(request, payload)
    done(null, '')
  }
  app.addContentTypeParser(CSV_TYPE, passThrough)
  app.addContentTypeParser(XLSX_TYPE, passThrough)
  for (const type of JSONL_TYPES) app.addContentTypeParser(type, passThrough)

  app.post(
    '/v1/batches',
    {
      preValidation: app.requireRole('finance'),
      schema: {
        tags: ['batches'],
        summary: 'Upload a batch of applications (CSV, XLSX or JSON Lines), dry-run or submit',
        description:
          `The body is CSV (\`text/csv\`, UTF-8, a header row naming columns as in GET /v1/batches/template.csv, ` +
          'English dotted paths such as `project.investment` or their Chinese names such as `投资额`; list-valued ' +
          'facts — tax records, R&D platforms, research events, standards, talents — are one column holding the ' +
          'list as JSON; an empty cell omits the fact; booleans true/false or 是/否), an XLSX workbook ' +
          `(\`${XLSX_TYPE}\`: GET /v1/batches/template.xlsx filled in; its first worksheet is read as that sheet ` +
          'saved as CSV would be — cells as text, numbers as the decimal Excel shows (15 significant digits), ' +
          'cells formatted as dates as YYYY-MM-DD) or JSON Lines ' +
          '(`application/jsonl`, one application per line, as the body of POST /v1/applications). ' +
          `Up to ${DEFAULT_BATCH_LIMITS.maxRows} rows and ${DEFAULT_BATCH_LIMITS.maxBytes} bytes by default ` +
          '(BATCH_MAX_ROWS, BATCH_MAX_BYTES): more bytes is 413, more rows 422. The upload is streamed and ' +
          'stored row by row; rows the schema refuses are kept as row errors (row number, column, JSON pointer, ' +
          'message) and the other rows go on. The batch then runs on the job queue: 202 with the batch. A ' +
          '`submit` file whose bytes (SHA-256) were submitted before is the same batch: 200 with that batch — or, ' +
          'when that batch failed, 202 with it queued again, as POST /v1/batches/{id}/retry does. ' +
          'Whatever the bytes, a row is granted once: each submitted row’s idempotency key is the SHA-256 of its ' +
          'application’s canonical JSON (RFC 8785) and its occurrence in the file (two identical rows of one ' +
          'file are two applications), so a row that an earlier batch submitted (a file re-saved or re-encoded, ' +
          'a bad row corrected, rows added) answers the decision stored then and is counted as `duplicate`.',
        security: [{ apiKey: [] }],
        querystring: BatchUploadQuery,
        body: {
          content: Object.fromEntries([
            ...[CSV_TYPE, ...JSONL_TYPES].map((type) => [
              type,
              { schema: { type: 'string', description: 'The file: CSV or JSON Lines (see above).' } },
            ]),
            [
              XLSX_TYPE,
              { schema: { type: 'string', format: 'binary', description: 'The workbook (see above).' } },
            ],
          ]),
        } as never,
        response: { 200: Batch, 202: Batch, ...problemResponses(400, 401, 403, 413, 415, 422, 503) },
      },
    },
    async (request, reply) => {
      const caller = callerOf(request)
      const body = uploads.get(request)
      if (!body)
        throw problem(415, 'about:blank', {
          zh: `请以 text/csv、${XLSX_TYPE}（XLSX 工作簿）或 application/jsonl 发送文件。`,
          en: `Send the file as text/csv, ${XLSX_TYPE} (an XLSX workbook) or application/jsonl.`,
        })
      // media types are case-insensitive (RFC 9110 §8.3.1): Text/CSV is CSV
      const type = (request.headers['content-type'] ?? '').toLowerCase()
      const format = type.startsWith(CSV_TYPE) ? 'csv' : type.startsWith(XLSX_TYPE) ? 'xlsx' : 'jsonl'
      const db = app.database.db
      const id = randomUUID()
      await createBatch(db, {
        id,
        mode: request.query.mode,
        format,
        submittedBy: caller.keyId,
        submittedRole: caller.role,
      })
      // submit: each row's idempotency key (rowKeyOf), counting each application's rows in the file.
      const occurrences = new Map<string, number>()
      const occurrence = (hash: string): number => {
        const n = (occurrences.get(hash) ?? 0) + 1
        occurrences.set(hash, n)
        return n
      }
      // Keys of the slice's rows: over their identity (numbers written one way, src/batches/identity.ts);
      // a row whose numbers were written otherwise may have been submitted before that (2026-12-06)
      // under the hash of its facts as written — then it keeps that key, and answers that decision.
      const rowKeys = async (rows: readonly ParsedRow[]): Promise<(string | null)[]> => {
        if (request.query.mode !== 'submit') return rows.map(() => null)
        const keys = rows.map((r) => {
          if (r.facts === null) return null
          const facts = identityOf(r.facts)
          const identity = hashCanonical(facts)
          const key = rowKeyOf(identity, occurrence(`identity:${identity}`))
          // numbers already written one way: the key is the one it always had
          const asWritten = facts === r.facts ? identity : hashCanonical(r.facts)
          const legacy = rowKeyOf(asWritten, occurrence(`written:${asWritten}`))
          return { key, legacy: legacy === key ? null : legacy }
        })
        const earlier = await existingRowKeys(
          db,
          keys.flatMap((k) => (k?.legacy ? [k.legacy] : [])),
        )
        return keys.map((k) => (k === null ? null : k.legacy && earlier.has(k.legacy) ? k.legacy : k.key))
      }
      let read: Awaited<ReturnType<typeof readBatch>>
      try {
        read = await readBatch(body, {
          format,
          maxBytes: limits.maxBytes,
          maxRows: limits.maxRows,
          sliceRows: UPLOAD_SLICE,
          onSlice: async (rows: ParsedRow[]) => {
            const keys = await rowKeys(rows)
            await insertInputs(
              db,
              id,
              rows.map((r, i) => ({ row: r.row, facts: r.facts, errors: r.errors, rowKey: keys[i]! })),
            )
            // Still arriving: the sweep fails only uploads silent for longer than its grace.
            await touchUpload(db, id)
          },
        })
      } catch (error) {
        // Nothing of a refused upload is kept.
        await deleteBatch(db, id)
        if (error instanceof BatchFileError) {
          // The rest of a refused body is not read: the connection closes after the answer.
          reply.header('connection', 'close')
          throw problem(error.status, error.type, error.text, error.pointer)
        }
        throw error
      }
      const sealed = await sealBatch(db, id, read.rows, read.contentHash, read.columnNames)
      const batchId = sealed.duplicateOf ?? id
      // The same file after its batch failed: a new attempt of that batch (issue #11), which resumes
      // where it stopped; its rows already decided answer their decisions.
      const started = !sealed.duplicateOf || (await retryBatch(db, batchId))?.retried === true
      if (started) await app.batchQueue.enqueue(batchId)
      const batch = (await findBatch(db, batchId))!
      reply.header('location', `/v1/batches/${batchId}`)
      reply.code(started ? 202 : 200)
      return presentBatch(batch, await batchErrors(db, batchId, ERRORS_SHOWN), request.language)
    },
  )

  app.get(
    '/v1/batches/template.csv',
    {
      preValidation: app.requireRole('finance'),
      schema: {
        tags: ['batches'],
        summary: 'The CSV template: every column, with an example row (POLICY.md §5 example 1)',
        security: [{ apiKey: [] }],
        querystring: TemplateQuery,
        produces: [CSV_TYPE],
        response: {
          200: { type: 'string', description: 'CSV' } as never,
          ...(fileRouteProblems(400, 401, 403) as Record<number, never>),
        },
      },
    },
    async (request, reply) => {
      const zh = request.query.headers === 'zh'
      const rows = [COLUMNS.map((c) => (zh ? c.zh : c.path)), COLUMNS.map(exampleRow)]
      reply
        .type('text/csv; charset=utf-8')
        .header('content-disposition', 'attachment; filename="batch-template.csv"')
      return reply.send(Readable.from(rows).pipe(stringify({ bom: zh })))
    },
  )

  app.get(
    '/v1/batches/template.xlsx',
    {
      preValidation: app.requireRole('finance'),
      schema: {
        tags: ['batches'],
        summary: 'The template as XLSX: Chinese headers, an example row, and a sheet describing every column',
        security: [{ apiKey: [] }],
        response: {
          200: {
            description: 'The template',
            content: { [XLSX_TYPE]: { schema: { type: 'string', format: 'binary' } } },
          } as never,
          ...(fileRouteProblems(401, 403) as Record<number, never>),
        },
      },
    },
    async (_request, reply) => {
      const ExcelJS = await loadExcelJS()
      const workbook = new ExcelJS.Workbook()
      const sheet = workbook.addWorksheet('申请 applications')
      // Every column is text ('@'), the cells typed into it too: otherwise Excel turns 2015-06-01
      // into a date it saves as 2015/6/1, and 120000000.00 into a number it saves as 120000000 or
      // 1.2E+08, which the upload then refuses. Cells hold exactly what was typed.
      sheet.columns = COLUMNS.map((c) => ({
        key: c.path,
        width: Math.max(12, c.zh.length * 2 + 4),
        style: { numFmt: '@' },
      }))
      sheet.addRow(COLUMNS.map((c) => c.zh))
      sheet.addRow(COLUMNS.map(exampleRow))
      sheet.getRow(1).font = { bold: true }
      const about = workbook.addWorksheet('列说明 columns')
      about.addRow(['中文列名', '列 column', '类型 kind', '必填 required', '说明', 'description'])
      for (const c of COLUMNS)
        about.addRow([
          c.zh,
          c.path,
          KIND_LABELS[c.kind],
          c.required ? '是 yes' : '否 no',
          c.descriptionZh,
          c.description,
        ])
      reply.type(XLSX_TYPE).header('content-disposition', 'attachment; filename="batch-template.xlsx"')
      return reply.send(Buffer.from(await workbook.xlsx.writeBuffer()))
    },
  )

  app.get(
    '/v1/batches',
    {
      preValidation: app.requireRole('finance', 'auditor'),
      schema: {
        tags: ['batches'],
        summary: 'List batches, newest first (cursor pagination): progress and counts of each',
        description:
          'Every batch uploaded, of one `mode` or `status` when asked, newest first: the way back to a batch ' +
          'whose id was lost. Each item is the batch as GET /v1/batches/{id} shows it, without its row errors.',
        security: [{ apiKey: [] }],
        querystring: BatchListQuery,
        response: { 200: BatchPage, ...problemResponses(400, 401, 403) },
      },
    },
    async (request) => {
      const q = request.query
      const limit = Number(q.limit ?? '20')
      const rows = await listBatches(app.database.db, {
        ...(q.mode ? { mode: q.mode } : {}),
        ...(q.status ? { status: q.status } : {}),
        ...(q.cursor ? { beforeSeq: q.cursor } : {}),
        limit: limit + 1,
      })
      const page = rows.slice(0, limit)
      return {
        items: page.map((r) => presentBatch(r.batch, [], request.language)),
        nextCursor: rows.length > limit ? page.at(-1)!.seq : null,
      }
    },
  )

  app.get(
    '/v1/batches/:id',
    {
      preValidation: app.requireRole('finance', 'auditor'),
      schema: {
        tags: ['batches'],
        summary: 'A batch: rows done / total, rows per second, ETA, counts by status, row errors',
        security: [{ apiKey: [] }],
        params: BatchParams,
        response: { 200: Batch, ...problemResponses(400, 401, 403, 404) },
      },
    },
    async (request) => {
      const batch = await findBatch(app.database.db, request.params.id)
      if (!batch) throw notFound('batch')
      return presentBatch(batch, await batchErrors(app.database.db, batch.id, ERRORS_SHOWN), request.language)
    },
  )

  app.post(
    '/v1/batches/:id/retry',
    {
      preValidation: app.requireRole('finance'),
      schema: {
        tags: ['batches'],
        summary: 'Retry a failed or cancelled batch: it resumes where it stopped',
        description:
          'A `failed` batch (its `error` says why and at which row it stopped) or a `cancelled` one is queued ' +
          'again: 202 with the ' +
          'batch. It resumes at the first row its last attempt did not finish; the rows decided before keep ' +
          'their results, and a submitted row answers the decision stored for it, so no row is decided or ' +
          'granted twice. Uploading the same file again does the same. A batch queued or running is answered ' +
          'as it is (200: nothing to retry); a batch done is 409, and so is a batch whose upload did not ' +
          'complete (upload the file again).',
        security: [{ apiKey: [] }],
        params: BatchParams,
        response: { 200: Batch, 202: Batch, ...problemResponses(400, 401, 403, 404, 409, 503) },
      },
    },
    async (request, reply) => {
      const db = app.database.db
      const retry = await retryBatch(db, request.params.id)
      if (retry === null) throw notFound('batch')
      if (!retry.retried && !retry.uploaded && (retry.status === 'failed' || retry.status === 'cancelled'))
        throw new HttpProblem({
          type: '/problems/batch-upload-incomplete',
          title: 'Conflict',
          status: 409,
          detail: {
            zh: '该批次的上传未完成，没有可继续处理的内容：请重新上传文件。',
            en: 'The upload of this batch did not complete: there is nothing to resume. Upload the file again.',
          },
        })
      if (retry.status === 'done')
        throw new HttpProblem({
          type: '/problems/batch-not-failed',
          title: 'Conflict',
          status: 409,
          detail: {
            zh: '该批次已处理完毕，无需重试。',
            en: 'The batch is done: there is nothing to retry.',
          },
        })
      if (retry.retried) await app.batchQueue.enqueue(request.params.id)
      const batch = (await findBatch(db, request.params.id))!
      reply.header('location', `/v1/batches/${batch.id}`)
      // 202 when this request queued it again; 200 when it was already queued or running.
      reply.code(retry.retried ? 202 : 200)
      return presentBatch(batch, await batchErrors(db, batch.id, ERRORS_SHOWN), request.language)
    },
  )

  app.post(
    '/v1/batches/:id/cancel',
    {
      preValidation: app.requireRole('finance'),
      schema: {
        tags: ['batches'],
        summary: 'Cancel a batch: the rows decided stay, the rest are not decided',
        description:
          'A batch `queued`, `running` or `failed` is `cancelled`: 200 with the batch. A running chunk finishes ' +
          'first (the cancel waits for it): the rows decided before stay decided — they are stored ' +
          'decisions, with their results and counts — and no further row is decided. A cancelled batch is ' +
          'retried like a failed one (POST /v1/batches/{id}/retry, or the same file uploaded again): it ' +
          'resumes at the first row not decided, and no row is decided twice. A batch already cancelled is ' +
          'answered as it is (200); a batch done, or still receiving its upload, is 409.',
        security: [{ apiKey: [] }],
        params: BatchParams,
        response: { 200: Batch, ...problemResponses(400, 401, 403, 404, 409, 503) },
      },
    },
    async (request, reply) => {
      const db = app.database.db
      const cancel = await cancelBatch(db, request.params.id)
      if (cancel === null) throw notFound('batch')
      if (cancel.status === 'done' || cancel.status === 'receiving')
        throw new HttpProblem({
          type: '/problems/batch-not-cancellable',
          title: 'Conflict',
          status: 409,
          detail:
            cancel.status === 'done'
              ? {
                  zh: '该批次已处理完毕，无法取消：每一行均已有决定。',
                  en: 'The batch is done: every row has its decision, there is nothing to cancel.',
                }
              : {
                  zh: '该批次仍在上传中，上传完成后才能取消。',
                  en: 'The batch is still receiving its upload: it can be cancelled once the upload completes.',
                },
        })
      const batch = (await findBatch(db, request.params.id))!
      reply.header('location', `/v1/batches/${batch.id}`)
      return presentBatch(batch, await batchErrors(db, batch.id, ERRORS_SHOWN), request.language)
    },
  )

  app.get(
    '/v1/batches/:id/results',
    {
      preValidation: app.requireRole('finance', 'auditor'),
      schema: {
        tags: ['batches'],
        summary: 'A batch’s results: one line per row and measure, as JSON Lines, CSV or XLSX',
        description:
          'Each line: row, row status, measure, outcome status, amount, reason codes, the reasons in Chinese, ' +
          'the application and decision stored (submit), and the row’s errors. `?format=` or the Accept header ' +
          '(application/jsonl — the default —, text/csv, or XLSX) chooses the form. Results so far while the ' +
          'batch runs; all of them once it is done.',
        security: [{ apiKey: [] }],
        params: BatchParams,
        querystring: BatchResultsQuery,
        headers: Type.Object({
          accept: Type.Optional(
            Type.String({
              pattern: HEADER_VALUE_PATTERN,
              maxLength: 1000,
              description:
                'application/jsonl (or application/x-ndjson), text/csv or the XLSX media type; ignored when ' +
                '`format` is given. None of them acceptable: 406.',
            }),
          ),
        }),
        response: {
          200: {
            description: 'One line per row and measure (BatchResultLine), in the form asked for',
            headers: {
              'content-disposition': Type.String({
                description: 'CSV and XLSX only: attachment; filename="batch-<id>-results.csv|xlsx".',
              }),
              vary: Type.String({ description: 'Accept: the form depends on it.' }),
            },
            content: {
              'application/jsonl': { schema: BatchResultLine },
              'application/x-ndjson': { schema: BatchResultLine },
              [CSV_TYPE]: { schema: { type: 'string' } },
              [XLSX_TYPE]: { schema: { type: 'string', format: 'binary' } },
            },
          } as never,
          ...(fileRouteProblems(400, 401, 403, 404, 406) as Record<number, never>),
        },
      },
    },
    async (request, reply) => {
      const db = app.database.db
      const batch = await findBatch(db, request.params.id)
      if (!batch) throw notFound('batch')
      const format = request.query.format ?? formatFromAccept(request.headers.accept, RESULT_TYPES, 'jsonl')
      reply.header('vary', 'Accept')
      if (format === null) throw notAcceptable(RESULT_TYPES.map(([media]) => media))
      const name = `batch-${batch.id}-results`
      if (format === 'jsonl' || format === 'ndjson') {
        reply.type(`application/${format === 'jsonl' ? 'jsonl' : 'x-ndjson'}; charset=utf-8`)
        return reply.send(
          Readable.from(
            (async function* () {
              for await (const line of allResults(db, batch.id, request.language))
                yield `${JSON.stringify(line)}\n`
            })(),
          ),
        )
      }
      if (format === 'csv') {
        reply
          .type('text/csv; charset=utf-8')
          .header('content-disposition', `attachment; filename="${name}.csv"`)
        return reply.send(
          Readable.from(
            (async function* () {
              for await (const line of allResults(db, batch.id, request.language)) yield flat(line)
            })(),
          ).pipe(
            // With a BOM, as the grant report's CSV: Excel then reads the Chinese reasons as UTF-8.
            stringify({
              bom: true,
              header: true,
              columns: RESULT_COLUMNS.map(([key, en, zh]) => ({
                key,
                header: request.query.headers === 'zh' ? zh : en,
              })),
            }),
          ),
        )
      }
      // XLSX, streamed, on as many sheets as Excel's rows per sheet need (src/batches/results-workbook.ts).
      const out = new PassThrough()
      const rows = (async function* () {
        for await (const line of allResults(db, batch.id, request.language)) {
          const row = flat(line)
          // Amounts as numbers formatted to the fen: exact, since they have two decimals.
          yield {
            ...row,
            amount: asCellNumber(row.amount),
            measureTitle: row.measure === null ? null : measureTitle(row.measure).zh,
            statusLabel: row.status === null ? null : OUTCOME_STATUS_LABELS[row.status as OutcomeStatus].zh,
          }
        }
      })()
      writeResultsWorkbook(out, WORKBOOK_COLUMNS, rows).catch((error: Error) => out.destroy(error))
      reply.type(XLSX_TYPE).header('content-disposition', `attachment; filename="${name}.xlsx"`)
      return reply.send(out)
    },
  )
}

export default batches
