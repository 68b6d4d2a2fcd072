// Reading an upload (src/batches/parse.ts) as the network delivers it: in chunks that cut lines and
// UTF-8 characters anywhere. A row's facts do not depend on where the chunks fall (they make its
// idempotency key: a character decoded as two U+FFFD in one upload and whole in another made the same
// application two, granted twice); bytes that are not UTF-8, a CSV the parser refuses, and a header
// naming one fact twice are refused as files (422, nothing kept); a row cut short or too long, and a
// row of countless errors, are row errors of bounded size.

import { createHash } from 'node:crypto'
import { readdir } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { Readable } from 'node:stream'
import ExcelJS from 'exceljs'
import t from 'tap'
import {
  BatchFileError,
  MAX_ROW_CHARS,
  MAX_ROW_ERRORS,
  type ParsedRow,
  readBatch,
} from '../../src/batches/parse.ts'
import type { BatchFormat } from '../../src/db/batches-repository.ts'
import { deepProcessing } from '../helpers/fixtures.ts'
import { zipOf } from '../helpers/zip.ts'

/** The bytes as a stream of chunks of `size` bytes (the last one shorter). */
const chunked = (bytes: Buffer, size: number) =>
  Readable.from(
    Array.from({ length: Math.ceil(bytes.length / size) }, (_, i) =>
      bytes.subarray(i * size, (i + 1) * size),
    ),
  )

const read = async (format: BatchFormat, bytes: Buffer, size = 64 * 1024, maxBytes = 10 * 1024 * 1024) => {
  const rows: ParsedRow[] = []
  const result = await readBatch(chunked(bytes, size), {
    format,
    maxBytes,
    maxRows: 1000,
    sliceRows: 7,
    onSlice: async (slice) => {
      rows.push(...slice)
    },
  })
  return { ...result, rows }
}

const refusal = async (format: BatchFormat, bytes: Buffer, maxBytes?: number) => {
  try {
    await read(format, bytes, 64 * 1024, maxBytes)
  } catch (error) {
    if (error instanceof BatchFileError)
      return { status: error.status, type: error.type, message: error.message, zh: error.text.zh }
    throw error
  }
  return null
}

/** An application whose enterprise name is 500 Chinese characters (the schema's longest): 1 500 bytes. */
const chinese = (project: string) => {
  const facts = deepProcessing(project, '120000000.00')
  return { ...facts, enterprise: { ...facts.enterprise, name: '曲'.repeat(500) } }
}

t.test('JSON Lines: the same facts wherever the chunks cut a character, a BOM dropped', async (t) => {
  const facts = [chinese('line-1'), chinese('line-2'), chinese('line-3')]
  const text = `\uFEFF${facts.map((f) => JSON.stringify(f)).join('\r\n')}\n`
  const bytes = Buffer.from(text)
  // Chunks of 1 to 7 bytes and of 1 000: each cuts some of the 3-byte characters in two or three.
  for (const size of [1, 2, 4, 5, 7, 1000]) {
    const { rows } = await read('jsonl', bytes, size)
    t.same(
      rows.map((r) => r.facts),
      facts,
      `chunks of ${size} bytes: three rows, the names whole`,
    )
  }
})

t.test('CSV: the same facts wherever the chunks cut a character', async (t) => {
  const csv = Buffer.from(
    `\uFEFFapplicationDate,enterprise.creditCode,enterprise.name\n2015-06-01,91530300MA6K5A1B2G,${'曲'.repeat(500)}\n`,
  )
  for (const size of [1, 5, 1000]) {
    const { rows } = await read('csv', csv, size)
    t.same(
      rows.map((r) => (r.facts as { enterprise: { name: string } } | null)?.enterprise.name),
      ['曲'.repeat(500)],
      `chunks of ${size} bytes`,
    )
  }
})

t.test('files refused whole: not UTF-8, not CSV, one fact twice', async (t) => {
  const latin1 = Buffer.concat([
    Buffer.from('{"applicationDate":"2015-06-01","enterprise":{"name":"'),
    Buffer.from([0xc7, 0xfa]),
    Buffer.from('"}}\n'),
  ])
  t.match(
    await refusal('jsonl', latin1),
    { status: 422, type: '/problems/batch-not-utf8', message: /GBK.*CSV UTF-8/ },
    'GBK bytes (曲): what to save it as',
  )
  // An XLSX (a ZIP) or an XLS (OLE2) sent as the file: said so, not "not UTF-8" alone.
  const workbook = await new ExcelJS.Workbook().xlsx.writeBuffer()
  t.match(
    await refusal('csv', Buffer.from(workbook)),
    { status: 422, type: '/problems/batch-not-utf8', message: /Excel workbook.*CSV UTF-8/ },
    'an XLSX',
  )
  t.match(
    await refusal('csv', Buffer.concat([Buffer.from('d0cf11e0a1b11ae1', 'hex'), Buffer.alloc(504, 0xff)])),
    { message: /Excel workbook/ },
    'an XLS',
  )
  t.match(await refusal('csv', Buffer.from([0x1f, 0x8b, 0x08, 0x00, 0xff, 0xfe])), {
    status: 422,
    type: '/problems/batch-not-utf8',
  })
  t.match(
    await refusal('csv', Buffer.from('a"b,c\n')),
    { status: 422, type: '/problems/batch-not-csv' },
    'a quote opening inside a field (csv-parse INVALID_OPENING_QUOTE)',
  )
  t.match(
    await refusal('csv', Buffer.from('project.investment,投资额\n1.00,2.00\n')),
    { status: 422, type: '/problems/batch-duplicate-column', message: /project\.investment twice/ },
    'a path and its Chinese name',
  )
  t.match(await refusal('csv', Buffer.from('applicationDate,applicationDate\n')), {
    type: '/problems/batch-duplicate-column',
  })
})

t.test('CSV: what csv-parse refuses is said in Chinese and English, with its line', async (t) => {
  const header = 'applicationDate,enterprise.name\n'
  t.match(
    await refusal('csv', Buffer.from(`${header}2015-06-01,曲靖"铜箔\n`)),
    {
      type: '/problems/batch-not-csv',
      zh: /^文件不是有效的 CSV：第 2 行：字段中间出现引号。.*两个（""）/,
      message: /^The file is not valid CSV: line 2: a quote inside a field\./,
    },
    'a quote inside an unquoted field',
  )
  t.match(
    await refusal('csv', Buffer.from(`${header}2015-06-01,"曲靖"铜箔"\n`)),
    {
      zh: /第 2 行：右引号之后须是逗号或换行/,
      message: /line 2: a closing quote must be followed by a comma/,
    },
    'a quote closing a quoted field too early',
  )
  t.match(
    await refusal('csv', Buffer.from(`${header}2015-06-01,ok\n2015-06-02,"曲靖铜箔\n`)),
    { zh: /文件结束时仍有未闭合的引号（至第 \d+ 行/, message: /ends inside a quoted field \(at line \d+;/ },
    'a quote never closed',
  )
  t.match(
    await refusal('csv', Buffer.from(`${header}2015-06-01,"${'铜'.repeat(MAX_ROW_CHARS)}"\n`)),
    { zh: /第 2 行：一行超过 1048576 个字符/, message: /line 2: a row longer than 1048576 characters/ },
    'a row longer than the limit',
  )
  for (const refused of [
    await refusal('csv', Buffer.from(`${header}2015-06-01,曲靖"铜箔\n`)),
    await refusal('csv', Buffer.from(`${header}2015-06-01,"曲靖铜箔\n`)),
  ])
    t.notMatch(refused?.zh ?? '', /[A-Za-z]{4,}/, `no English words in the Chinese text: ${refused?.zh}`)
})

t.test('CSV: a row of another number of cells than the header is a row error', async (t) => {
  const { rows } = await read(
    'csv',
    Buffer.from(
      'applicationDate,enterprise.creditCode,enterprise.name\n' +
        '2015-06-01,91530300MA6K5A1B2G\n' +
        '2015-06-01,91530300MA6K5A1B2G,Name,999\n' +
        '2015-06-01,91530300MA6K5A1B2G,Name\n',
    ),
  )
  t.same(
    rows.map((r) => r.errors?.map((e) => [e.row, e.pointer, e.message]) ?? null),
    [[[1, '', 'has 2 cells; the header row has 3']], [[2, '', 'has 4 cells; the header row has 3']], null],
  )
})

t.test('JSON Lines: errors kept per row are bounded; a line too long is not parsed', async (t) => {
  const unknown = Object.fromEntries(Array.from({ length: 5000 }, (_, i) => [`unknown${i}`, i]))
  const tooLong = JSON.stringify({ ...deepProcessing('long', '1.00'), note: 'x'.repeat(MAX_ROW_CHARS) })
  const good = JSON.stringify(deepProcessing('good', '120000000.00'))
  const { rows } = await read(
    'jsonl',
    Buffer.from(
      `${JSON.stringify({ ...deepProcessing('keys', '1.00'), ...unknown })}\n${tooLong}\n${good}\n`,
    ),
    4096,
  )
  const [keys, long, fine] = rows
  t.equal(keys!.errors!.length, MAX_ROW_ERRORS + 1, `the first ${MAX_ROW_ERRORS} errors, then how many more`)
  t.match(keys!.errors![0], { row: 1, pointer: '/unknown0' })
  t.match(keys!.errors![MAX_ROW_ERRORS], {
    row: 1,
    pointer: '',
    message: `and ${5000 - MAX_ROW_ERRORS} more errors`,
  })
  t.same(
    long!.errors!.map((e) => [e.row, e.message]),
    [[2, `is longer than ${MAX_ROW_CHARS} characters: not an application`]],
  )
  t.same(fine, { row: 3, facts: JSON.parse(good), errors: null }, 'the row after them is read as usual')
})

// A single POST takes a prefecture by its pinyin id, GB/T 2260 code or Chinese name and stores the
// id (src/plugins/prefecture-input.ts); a batch row now does the same. Before, "曲靖", "曲靖市" and
// "530300" were row errors in a batch that a POST took.
t.test('a prefecture by its code or Chinese name is read as its pinyin id', async (t) => {
  const spellings = ['qujing', '曲靖', '曲靖市', '530300']
  const lines = spellings.map((prefecture, i) => {
    const facts = deepProcessing(`pref-${i}`, '120000000.00')
    return JSON.stringify({ ...facts, project: { ...facts.project, prefecture } })
  })
  const { rows } = await read('jsonl', Buffer.from(`${lines.join('\n')}\n`))
  t.same(
    rows.map((r) => [r.errors, (r.facts as { project: { prefecture: string } }).project.prefecture]),
    spellings.map(() => [null, 'qujing']),
    'JSON Lines: every spelling read as qujing',
  )
  const header =
    'applicationDate,enterprise.creditCode,enterprise.name,project.id,project.name,project.buildType,project.industryCode,project.policyClass,project.meetsAccessConditions,project.prefecture,project.inCentralYunnanZone,project.investment,project.deepProcessing'
  const csv = spellings
    .map(
      (p, i) =>
        `2015-06-01,91530300MA6K5A1B2G,Qujing Copper Foil Co.,pref-${i},Copper foil,new-build,C3261,encouraged,true,${p},true,120000000.00,true`,
    )
    .join('\n')
  const parsed = await read('csv', Buffer.from(`${header}\n${csv}\n`))
  t.same(
    parsed.rows.map((r) => [
      r.errors,
      (r.facts as { project: { prefecture: string } } | null)?.project.prefecture,
    ]),
    spellings.map(() => [null, 'qujing']),
    'CSV: every spelling read as qujing',
  )
  const wrong = await read('jsonl', Buffer.from(`${lines[0]!.replace('"qujing"', '"曲靖县"')}\n`))
  t.match(
    wrong.rows[0]?.errors,
    [{ pointer: '/project/prefecture' }],
    'a name of no prefecture stays an error',
  )
})

t.test(
  'XLSX: the first worksheet read as the same sheet saved as CSV, wherever the chunks fall',
  async (t) => {
    const header = [
      '申请日期',
      'enterprise.creditCode',
      '企业名称',
      'project.id',
      'project.name',
      '建设性质',
      'project.industryCode',
      'project.policyClass',
      'project.meetsAccessConditions',
      'project.prefecture',
      'project.inCentralYunnanZone',
      '投资额',
      'project.deepProcessing',
    ]
    const cells = (i: number) => [
      '2015-06-01',
      '91530300MA6K5A1B2G',
      '曲'.repeat(500),
      `xlsx-${i}`,
      '铜箔',
      '新建',
      'C3261',
      'encouraged',
      'true',
      '曲靖',
      '是',
      '120000000.00',
      'true',
    ]
    const csv = Buffer.from(`${[header, cells(1), cells(2), cells(3)].map((r) => r.join(',')).join('\n')}\n`)
    const fromCsv = await read('csv', csv)
    t.same(
      fromCsv.rows.map((r) => r.errors),
      [null, null, null],
    )

    // As a clerk fills the template: text cells; row 2 typed into cells Excel made a date, a number
    // and a boolean (the template's cells are text, but a pasted cell keeps its own format).
    const workbook = new ExcelJS.Workbook()
    const sheet = workbook.addWorksheet('申请 applications')
    workbook.addWorksheet('列说明 columns').addRow(['not', 'read'])
    sheet.addRow(header)
    sheet.addRow(cells(1))
    const typed = sheet.addRow(cells(2))
    typed.getCell(1).value = new Date(Date.UTC(2015, 5, 1))
    typed.getCell(1).numFmt = 'yyyy-mm-dd'
    typed.getCell(9).value = true
    typed.getCell(12).value = 120000000
    sheet.addRow([])
    sheet.addRow(cells(3))
    const xlsx = Buffer.from(await workbook.xlsx.writeBuffer())
    const before = (await readdir(tmpdir())).filter((n) => n.startsWith('batch-upload-')).length
    for (const size of [7, 64 * 1024]) {
      const fromXlsx = await read('xlsx', xlsx, size)
      t.equal(fromXlsx.contentHash, createHash('sha256').update(xlsx).digest('hex'), 'the hash of the bytes')
      t.equal(fromXlsx.bytes, xlsx.length)
      t.same(
        fromXlsx.rows.map((r) => r.errors),
        [null, null, null],
        `chunks of ${size} bytes: no row error`,
      )
      t.same(fromXlsx.rows[0]!.facts, fromCsv.rows[0]!.facts, 'a row of text cells: the CSV row')
      t.same(fromXlsx.rows[2]!.facts, fromCsv.rows[2]!.facts, 'after an empty row, the next row is row 3')
      t.same(
        fromXlsx.rows[1]!.facts,
        {
          ...(fromCsv.rows[1]!.facts as object),
          project: { ...(fromCsv.rows[1]!.facts as { project: object }).project, investment: '120000000' },
        },
        'the date, boolean and number cells: the date and boolean as written in text, the number as Excel shows it',
      )
      t.same(fromXlsx.columnNames, fromCsv.columnNames, 'the headers as the file wrote them')
    }
    t.equal(
      (await readdir(tmpdir())).filter((n) => n.startsWith('batch-upload-')).length,
      before,
      'the spooled file removed',
    )

    t.match(await refusal('xlsx', xlsx, xlsx.length - 1), { status: 413, type: '/problems/batch-too-large' })
    t.match(await refusal('xlsx', csv), {
      status: 422,
      type: '/problems/batch-not-xlsx',
      message: /not a readable XLSX workbook: no end of central directory record/,
      zh: /不是可读取的 XLSX 工作簿/,
    })
    t.match(await refusal('xlsx', zipOf({ 'a.txt': 'a' })), { status: 422, type: '/problems/batch-not-xlsx' })
    const headerOnly = new ExcelJS.Workbook()
    headerOnly.addWorksheet('x').addRow(header)
    t.match(await refusal('xlsx', Buffer.from(await headerOnly.xlsx.writeBuffer())), {
      status: 422,
      type: '/problems/batch-empty',
    })
    const wrongHeader = new ExcelJS.Workbook()
    wrongHeader.addWorksheet('x').addRow(['申请日期', '不是列'])
    t.match(await refusal('xlsx', Buffer.from(await wrongHeader.xlsx.writeBuffer())), {
      status: 422,
      type: '/problems/batch-unknown-column',
    })
    t.equal(
      (await readdir(tmpdir())).filter((n) => n.startsWith('batch-upload-')).length,
      before,
      'removed after a refusal too',
    )
  },
)
