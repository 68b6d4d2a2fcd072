// A batch's results workbook (src/batches/results-workbook.ts) continues on further sheets when one
// is full, each with the header row, so a batch of 100 000 rows (1 200 000 lines) stays within
// Excel's 1 048 576 rows a sheet. Checked with 3 lines a sheet; read back with exceljs.

import { PassThrough } from 'node:stream'
import ExcelJS from 'exceljs'
import t from 'tap'
import { writeResultsWorkbook, XLSX_MAX_ROWS } from '../../src/batches/results-workbook.ts'

t.test('lines beyond a sheet go on the next sheet, each with its header row', async (t) => {
  const out = new PassThrough()
  const chunks: Buffer[] = []
  out.on('data', (c: Buffer) => chunks.push(c))
  const ended = new Promise((resolve) => out.on('end', resolve))
  const lines = (async function* () {
    for (let row = 1; row <= 7; row++) yield { row, amount: row * 1.5 }
  })()
  await writeResultsWorkbook(
    out,
    [
      { key: 'row', header: '行号' },
      { key: 'amount', header: '金额(元)', numFmt: '#,##0.00' },
    ],
    lines,
    3,
  )
  await ended
  const workbook = new ExcelJS.Workbook()
  await workbook.xlsx.load(Buffer.concat(chunks) as never)
  t.same(
    workbook.worksheets.map((s) => s.name),
    ['结果 results', '结果 results (2)', '结果 results (3)'],
  )
  t.same(
    workbook.worksheets.map((s) =>
      s
        .getSheetValues()
        .slice(1)
        .map((r) => (r as unknown[]).slice(1)),
    ),
    [
      [
        ['行号', '金额(元)'],
        [1, 1.5],
        [2, 3],
        [3, 4.5],
      ],
      [
        ['行号', '金额(元)'],
        [4, 6],
        [5, 7.5],
        [6, 9],
      ],
      [
        ['行号', '金额(元)'],
        [7, 10.5],
      ],
    ],
    'seven lines: 3, 3 and 1, in order',
  )
  t.equal(workbook.worksheets[1]!.getCell('B2').numFmt, '#,##0.00', 'amounts formatted on every sheet')
  t.equal(XLSX_MAX_ROWS, 2 ** 20, "Excel's limit")
})
