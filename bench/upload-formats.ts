// `npx tsx bench/upload-formats.ts [rows]`: reading one batch's rows uploaded as CSV and as an XLSX
// workbook (src/batches/parse.ts readBatch, the upload's whole read: bytes metered and hashed, the
// workbook spooled to a file, every row validated), side by side in one process, alternating rounds.
// The rows are the template's example row (POLICY.md §5 example 1) with a project id and a 40-character
// Chinese enterprise name of their own; the workbook is written as Excel writes one (shared strings,
// the worksheet before them). Prints rows/s (best round) and the heap's peak above its level before
// each read, sampled every 20 ms.

import { createReadStream } from 'node:fs'
import { mkdtemp, rm, stat, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import ExcelJS from 'exceljs'
import { COLUMNS } from '../src/batches/columns.ts'
import { readBatch } from '../src/batches/parse.ts'
import type { BatchFormat } from '../src/db/batches-repository.ts'

const ROWS = Number(process.argv[2] ?? 20_000)
const ROUNDS = 3

const directory = await mkdtemp(join(tmpdir(), 'bench-upload-'))
const example: Record<string, string> = {
  applicationDate: '2015-06-01',
  'enterprise.creditCode': '91530300MA6K5A1B2G',
  'project.name': '年产5万吨铜箔项目',
  'project.buildType': 'new-build',
  'project.industryCode': 'C3261',
  'project.policyClass': 'encouraged',
  'project.meetsAccessConditions': 'true',
  'project.prefecture': 'qujing',
  'project.inCentralYunnanZone': 'true',
  'project.investment': '120000000.00',
  'project.deepProcessing': 'true',
}
const columns = COLUMNS.filter((c) => c.path in example || c.path === 'project.id' || c.path === 'enterprise.name')
const name = (i: number) =>
  Array.from({ length: 40 }, (_, k) => String.fromCharCode(0x4e00 + ((i * 31 + k * 7) % 20_000))).join('')
const cells = (i: number) =>
  columns.map((c) => (c.path === 'project.id' ? `p-${i}` : c.path === 'enterprise.name' ? name(i) : example[c.path]!))

const csvPath = join(directory, 'rows.csv')
const quote = (cell: string) => (/[",\n]/.test(cell) ? `"${cell.replaceAll('"', '""')}"` : cell)
const lines = [columns.map((c) => c.zh).join(',')]
for (let i = 0; i < ROWS; i++) lines.push(cells(i).map(quote).join(','))
await writeFile(csvPath, `${lines.join('\n')}\n`)

const xlsxPath = join(directory, 'rows.xlsx')
const writer = new ExcelJS.stream.xlsx.WorkbookWriter({ filename: xlsxPath, useSharedStrings: true })
const sheet = writer.addWorksheet('申请 applications')
sheet.addRow(columns.map((c) => c.zh)).commit()
for (let i = 0; i < ROWS; i++) sheet.addRow(cells(i)).commit()
sheet.commit()
await writer.commit()

const read = async (format: BatchFormat, path: string) => {
  let decided = 0
  const base = process.memoryUsage().heapUsed
  let peak = 0
  const sampler = setInterval(() => {
    peak = Math.max(peak, process.memoryUsage().heapUsed - base)
  }, 20)
  const start = process.hrtime.bigint()
  await readBatch(createReadStream(path), {
    format,
    maxBytes: 100 * 1024 * 1024,
    maxRows: ROWS,
    sliceRows: 1000,
    onSlice: async (slice) => {
      decided += slice.filter((r) => r.errors === null).length
    },
  })
  const seconds = Number(process.hrtime.bigint() - start) / 1e9
  clearInterval(sampler)
  if (decided !== ROWS) throw new Error(`${format}: ${decided} of ${ROWS} rows read without error`)
  return { rate: ROWS / seconds, peak }
}

const sizes = { csv: (await stat(csvPath)).size, xlsx: (await stat(xlsxPath)).size }
const best = { csv: { rate: 0, peak: 0 }, xlsx: { rate: 0, peak: 0 } }
for (let round = 0; round < ROUNDS; round++) {
  const order: BatchFormat[] = round % 2 === 0 ? ['csv', 'xlsx'] : ['xlsx', 'csv']
  for (const format of order) {
    global.gc?.()
    const { rate, peak } = await read(format, format === 'csv' ? csvPath : xlsxPath)
    const b = best[format as 'csv' | 'xlsx']
    b.rate = Math.max(b.rate, rate)
    b.peak = Math.max(b.peak, peak)
  }
}
const mb = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(1)} MB`
for (const format of ['csv', 'xlsx'] as const)
  console.log(
    `${format}: ${ROWS} rows, ${mb(sizes[format])}: ${Math.round(best[format].rate)} rows/s (best of ${ROUNDS}), heap peak +${mb(best[format].peak)}`,
  )
console.log(`xlsx / csv: ${(best.xlsx.rate / best.csv.rate).toFixed(2)}`)
await rm(directory, { recursive: true, force: true })
