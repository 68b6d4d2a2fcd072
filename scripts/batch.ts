// `npm run batch -- file.csv --mode dry-run`: uploads a batch (CSV; an XLSX workbook for .xlsx; JSON
// Lines for .jsonl/.ndjson),
// shows a progress bar until it is done, and prints the summary. The API and key come from flags or
// the environment: --url (INCENTIVES_URL, default http://127.0.0.1:3000), --key (INCENTIVES_API_KEY,
// a finance key). --results out.csv|out.jsonl|out.xlsx also saves the results. Exit code 0 when the
// batch is done, 1 when it failed, was cancelled or could not be sent or followed.

import { createReadStream, createWriteStream } from 'node:fs'
import { stat } from 'node:fs/promises'
import { Readable } from 'node:stream'
import { pipeline } from 'node:stream/promises'
import { parseArgs } from 'node:util'

const USAGE =
  'usage: npm run batch -- file.csv|file.xlsx|file.jsonl [--mode dry-run|submit] [--url URL] [--key KEY] [--results out.csv|out.jsonl|out.xlsx]\n' +
  '  --url   the API (INCENTIVES_URL; default http://127.0.0.1:3000)\n' +
  '  --key   a finance API key (INCENTIVES_API_KEY)'

const fail = (message: string): never => {
  process.stderr.write(`${message}\n`)
  process.exit(1)
}

const args = (() => {
  try {
    return parseArgs({
      allowPositionals: true,
      options: {
        mode: { type: 'string', default: 'dry-run' },
        url: { type: 'string' },
        key: { type: 'string' },
        results: { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
    })
  } catch (error) {
    // an unknown or incomplete option: say which, and how to call, not a stack trace
    return fail(`${(error as Error).message}\n${USAGE}`)
  }
})()
const { values, positionals } = args
if (values.help) {
  process.stdout.write(`${USAGE}\n`)
  process.exit(0)
}

const file = positionals[0] ?? fail(USAGE)
const mode = values.mode!
if (mode !== 'dry-run' && mode !== 'submit') fail('--mode must be dry-run or submit')
const base = (values.url ?? process.env['INCENTIVES_URL'] ?? 'http://127.0.0.1:3000').replace(/\/$/, '')
const key =
  values.key ??
  process.env['INCENTIVES_API_KEY'] ??
  fail('a finance API key is needed: --key or INCENTIVES_API_KEY')
const auth = { authorization: `Bearer ${key}` }
const type = /\.(jsonl|ndjson)$/i.test(file)
  ? 'application/jsonl'
  : /\.xlsx$/i.test(file)
    ? 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet'
    : 'text/csv'

const size = (await stat(file).catch(() => fail(`cannot read ${file}`))).size
process.stderr.write(`uploading ${file} (${size} bytes, ${mode})…\n`)
// Streamed: the file is never read whole into memory here either.
const upload = await fetch(`${base}/v1/batches?mode=${mode}`, {
  method: 'POST',
  headers: { ...auth, 'content-type': type, 'content-length': String(size) },
  body: Readable.toWeb(createReadStream(file)) as never,
  duplex: 'half',
} as RequestInit).catch((e: Error) => fail(`cannot reach ${base}: ${e.message}`))
const first = (await upload.json()) as Record<string, unknown>
if (upload.status !== 202 && upload.status !== 200)
  fail(`${upload.status}: ${JSON.stringify(first, null, 2)}`)
if (upload.status === 200) process.stderr.write('this file was submitted before: showing that batch\n')
const id = first['id'] as string

interface BatchView {
  status: string
  rows: { total: number; done: number; decided: number; failed: number }
  rowsPerSecond: number | null
  etaSeconds: number | null
  counts: Record<string, number>
  errors: { row: number; column: string | null; pointer: string; message: string }[]
  error: string | null
}

const tty = process.stderr.isTTY === true
const bar = (b: BatchView): string => {
  const width = 30
  const ratio = b.rows.total === 0 ? 1 : b.rows.done / b.rows.total
  const filled = Math.round(ratio * width)
  const eta = b.etaSeconds === null ? '–' : `${b.etaSeconds}s`
  return `[${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${b.rows.done}/${b.rows.total} rows  ${b.rowsPerSecond ?? '–'} rows/s  ETA ${eta}`
}

/** The states a batch stays in until someone acts: done, failed, or cancelled (retry resumes the last two). */
const FINAL = new Set(['done', 'failed', 'cancelled'])

let batch: BatchView
for (;;) {
  const response = await fetch(`${base}/v1/batches/${id}`, { headers: auth }).catch((e: Error) =>
    fail(`cannot reach ${base}: ${e.message}`),
  )
  const body = (await response.json().catch(() => null)) as BatchView | null
  if (!response.ok || body === null) fail(`${response.status}: ${JSON.stringify(body, null, 2)}`)
  batch = body!
  process.stderr.write(tty ? `\r${bar(batch)}` : `${bar(batch)}\n`)
  if (FINAL.has(batch.status)) break
  await new Promise((r) => setTimeout(r, 500))
}
if (tty) process.stderr.write('\n')
if (batch.status !== 'done')
  process.stderr.write(
    `the batch is ${batch.status}: POST ${base}/v1/batches/${id}/retry resumes it where it stopped\n`,
  )

const summary = {
  batch: id,
  status: batch.status,
  rows: batch.rows,
  rowsPerSecond: batch.rowsPerSecond,
  counts: batch.counts,
  errors: batch.errors.slice(0, 20),
  ...(batch.error ? { error: batch.error } : {}),
  results: `${base}/v1/batches/${id}/results`,
}
process.stdout.write(`${JSON.stringify(summary, null, 2)}\n`)

if (values.results) {
  const format = values.results.endsWith('.xlsx') ? 'xlsx' : values.results.endsWith('.csv') ? 'csv' : 'jsonl'
  const response = await fetch(`${base}/v1/batches/${id}/results?format=${format}`, { headers: auth })
  if (!response.ok || !response.body) fail(`results: ${response.status}`)
  await pipeline(Readable.fromWeb(response.body as never), createWriteStream(values.results))
  process.stderr.write(`results saved to ${values.results}\n`)
}
process.exit(batch.status === 'done' ? 0 : 1)
