// Batches (issue #11 "Batches"): the upload's query, the batch with its progress, and the results.

import { Type } from 'typebox'
import { CURSOR_PATTERN, LIST_LIMIT_PATTERN } from './common.ts'

export const BatchMode = Type.Enum(['dry-run', 'submit'] as const, {
  description:
    '`dry-run`: every row is evaluated against the ledgers as they stand (rows sharing a subject see the ' +
    'rows before them), only the batch result is stored, nothing is granted. `submit`: every row becomes an ' +
    'application with its decision, ledger grants and audit entries, exactly as if posted alone.',
})

export const BatchUploadQuery = Type.Object({ mode: BatchMode }, { additionalProperties: false })

export const BatchParams = Type.Object({ id: Type.String({ format: 'uuid' }) })

export const BatchRowError = Type.Object(
  {
    row: Type.Integer({
      description: 'Row number in the file: 1 is the first data row (the line after the header).',
    }),
    column: Type.Union([Type.String(), Type.Null()], {
      description: 'The CSV column (as the file named it), or null for JSON Lines.',
    }),
    pointer: Type.String({ description: 'JSON pointer (RFC 6901) of the fact in the application.' }),
    message: Type.String({
      description:
        'What is wrong, in plain words, in the language Accept-Language picks (zh-CN by default, or en).',
    }),
  },
  { additionalProperties: false },
)

export const Batch = Type.Object(
  {
    id: Type.String({ format: 'uuid' }),
    mode: BatchMode,
    format: Type.Enum(['csv', 'jsonl', 'xlsx'] as const, {
      description: 'How the file was uploaded: CSV, JSON Lines, or an XLSX workbook (its first worksheet).',
    }),
    status: Type.Enum(['receiving', 'queued', 'running', 'done', 'failed', 'cancelled'] as const, {
      description:
        '`receiving` (the upload is streaming in), `queued`, `running`, `done`; `failed` (`error` says why and ' +
        'at which row; an upload that did not complete fails too); `cancelled` by the bureau (POST ' +
        '/v1/batches/{id}/cancel: the rows decided before stay decided, the rest are not). A failed or ' +
        'cancelled batch can be retried (POST /v1/batches/{id}/retry).',
    }),
    contentHash: Type.Union([Type.String(), Type.Null()], {
      description:
        'SHA-256 of the uploaded bytes: a submitted file is recognised by it when uploaded again. (Rows are ' +
        'recognised by their application’s canonical hash, whatever file brings them: see POST /v1/batches.)',
    }),
    rows: Type.Object(
      {
        total: Type.Integer(),
        done: Type.Integer({ description: 'rows decided or refused so far' }),
        decided: Type.Integer(),
        failed: Type.Integer({ description: 'rows with errors (see `errors`)' }),
      },
      { additionalProperties: false },
    ),
    rowsPerSecond: Type.Union([Type.Number(), Type.Null()], {
      description: 'rows done per second since the start',
    }),
    etaSeconds: Type.Union([Type.Number(), Type.Null()], { description: 'seconds left at that rate' }),
    counts: Type.Record(Type.String(), Type.Integer(), {
      description:
        'outcomes of the decided rows by status (eligible, ineligible, capped, needs-review, unfunded), and ' +
        '`duplicate`: rows an earlier batch had submitted (the same application, the same occurrence in its file), answered by that decision',
    }),
    errors: Type.Array(BatchRowError, { description: `the first ${100} row errors, in row order` }),
    error: Type.Union([Type.String(), Type.Null()], { description: 'why the batch failed, if it did' }),
    createdAt: Type.String({ format: 'date-time' }),
    startedAt: Type.Union([Type.String({ format: 'date-time' }), Type.Null()]),
    finishedAt: Type.Union([Type.String({ format: 'date-time' }), Type.Null()]),
    results: Type.String({ description: 'where the results are (JSON Lines, CSV or XLSX)' }),
  },
  { $id: 'Batch', additionalProperties: false },
)

export const BatchListQuery = Type.Object(
  {
    mode: Type.Optional(BatchMode),
    status: Type.Optional(
      Type.Enum(['receiving', 'queued', 'running', 'done', 'failed', 'cancelled'] as const),
    ),
    cursor: Type.Optional(Type.String({ pattern: CURSOR_PATTERN, description: 'From the previous page.' })),
    limit: Type.Optional(
      Type.String({ pattern: LIST_LIMIT_PATTERN, description: 'Page size, 1 to 100 (default 20).' }),
    ),
  },
  { additionalProperties: false },
)

export const BatchPage = Type.Object(
  {
    items: Type.Array(Batch, {
      description:
        'Newest first; each as GET /v1/batches/{id} shows it, without its row errors (`errors` is empty: read the batch for them).',
    }),
    nextCursor: Type.Union([Type.String(), Type.Null()], {
      description: 'Pass as `cursor` for the next page; null on the last page.',
    }),
  },
  { additionalProperties: false },
)

export const BatchResultsQuery = Type.Object(
  {
    format: Type.Optional(
      Type.Enum(['jsonl', 'csv', 'xlsx'] as const, {
        description: 'Overrides the Accept header (application/jsonl, text/csv, or the XLSX media type).',
      }),
    ),
    headers: Type.Optional(
      Type.Enum(['en', 'zh'] as const, {
        description:
          'CSV only: the header row in English keys (default: row, rowStatus, measure…) or in Chinese (行号, 行状态, ' +
          '措施…, as the XLSX has them).',
      }),
    ),
  },
  { additionalProperties: false },
)

export const TemplateQuery = Type.Object(
  {
    headers: Type.Optional(
      Type.Enum(['en', 'zh'] as const, { description: 'Header row in English paths (default) or Chinese.' }),
    ),
  },
  { additionalProperties: false },
)

export const BatchResultLine = Type.Object(
  {
    row: Type.Integer(),
    rowStatus: Type.Enum(['decided', 'error'] as const),
    measure: Type.Union([Type.String(), Type.Null()]),
    status: Type.Union([Type.String(), Type.Null()], {
      description: 'the outcome status, or null for an error row',
    }),
    amount: Type.Union([Type.String(), Type.Null()], { description: 'yuan, two decimals' }),
    reasonCodes: Type.Array(Type.String()),
    reasonZh: Type.String({ description: 'the reasons in Chinese, joined by "；"' }),
    applicationId: Type.Union([Type.String(), Type.Null()]),
    decisionId: Type.Union([Type.String(), Type.Null()]),
    errors: Type.Array(BatchRowError),
    supersededBy: Type.Union([Type.String(), Type.Null()], {
      description:
        "The row's current decision when its decision was superseded since the batch ran (a budget top-up funded an unfunded outcome, a correction): its status and amount are that decision's to read (GET /v1/decisions/{id}). Null while the row's decision is current, and for error rows and dry runs.",
    }),
  },
  {
    $id: 'BatchResultLine',
    additionalProperties: false,
    description: 'One line per row and measure (an error row: one line, measure null).',
  },
)
