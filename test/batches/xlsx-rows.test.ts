// Reading an XLSX upload's first worksheet (src/batches/xlsx-rows.ts) as the same sheet saved as CSV
// would read: text as written, whatever chunk of the inflated XML a character falls in (a name changed
// by a chunk boundary would change the row's idempotency key: the same application granted twice);
// numbers as the decimals Excel shows, with no floating point; dates formatted as dates as YYYY-MM-DD;
// and workbooks that cannot be read, or that inflate past the limits, refused.

import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import ExcelJS from 'exceljs'
import t from 'tap'
import {
  excelNumberText,
  excelSerialDate,
  worksheetRows,
  XlsxError,
  type XlsxLimits,
  XlsxTooLargeError,
} from '../../src/batches/xlsx-rows.ts'
import { workbookOf, zipOf } from '../helpers/zip.ts'

const LIMITS: XlsxLimits = {
  maxInflatedBytes: 64 * 1024 * 1024,
  maxSharedStringChars: 16 * 1024 * 1024,
  maxRowChars: 1 << 20,
}

const rowsOf = async (bytes: Buffer, limits: XlsxLimits = LIMITS): Promise<string[][]> => {
  const directory = await mkdtemp(join(tmpdir(), 'xlsx-rows-test-'))
  try {
    const path = join(directory, 'upload.xlsx')
    await writeFile(path, bytes)
    const rows: string[][] = []
    for await (const row of worksheetRows(path, limits)) rows.push(row)
    return rows
  } finally {
    await rm(directory, { recursive: true, force: true })
  }
}

const refusalOf = async (bytes: Buffer, limits: XlsxLimits = LIMITS) => {
  try {
    await rowsOf(bytes, limits)
  } catch (error) {
    if (error instanceof XlsxError) return { large: error instanceof XlsxTooLargeError, ...error.text }
    throw error
  }
  return null
}

t.test(
  'a workbook Excel-like software wrote: every Chinese text whole, in shared and inline strings',
  async (t) => {
    // 3 000 rows of 200 distinct Chinese characters' names: the shared strings part inflates to well
    // over a megabyte, so zlib's 16 KB chunks cut three-byte characters many times.
    const workbook = new ExcelJS.Workbook()
    const sheet = workbook.addWorksheet('申请 applications')
    const other = workbook.addWorksheet('列说明 columns')
    other.addRow(['not', 'this', 'sheet'])
    const name = (i: number) =>
      Array.from({ length: 200 }, (_, k) => String.fromCharCode(0x4e00 + ((i * 7 + k) % 20000))).join('')
    sheet.addRow(['企业名称', '项目编号', '投资额'])
    for (let i = 0; i < 3000; i++) sheet.addRow([name(i), `项目-${i}`, '120000000.00'])
    const rows = await rowsOf(Buffer.from(await workbook.xlsx.writeBuffer()))
    t.equal(rows.length, 3001)
    t.same(rows[0], ['企业名称', '项目编号', '投资额'])
    let differ = 0
    for (let i = 0; i < 3000; i++) {
      const row = rows[i + 1]!
      if (row[0] !== name(i) || row[1] !== `项目-${i}` || row[2] !== '120000000.00') differ += 1
    }
    t.equal(differ, 0, 'every row as written')
    t.notOk(
      rows.some((row) => row.some((cell) => cell.includes('\uFFFD'))),
      'no replacement character anywhere',
    )
  },
)

t.test(
  'cell types: strings, numbers, booleans, errors, formulas, rich text, phonetic runs, escapes',
  async (t) => {
    const rows = await rowsOf(
      workbookOf({
        sharedStrings:
          '<si><t>企业名称</t></si>' +
          '<si><r><t>曲靖</t></r><r><rPr><b/></rPr><t xml:space="preserve">麒麟 </t></r><rPh sb="0" eb="2"><t>qujing</t></rPh></si>' +
          '<si><t>a_x000D_b_x005F_x0041_c</t></si>',
        sheetData:
          '<row r="1"><c r="A1" t="s"><v>0</v></c><c r="B1" t="inlineStr"><is><t>投资额</t></is></c></row>' +
          '<row r="2"><c r="A2" t="s"><v>1</v></c><c r="B2"><v>120000000</v></c><c r="C2" t="b"><v>1</v></c>' +
          '<c r="D2" t="e"><v>#N/A</v></c><c r="E2" t="str"><f>A2&amp;"x"</f><v>曲靖x</v></c><c r="F2" t="s"><v>2</v></c></row>',
      }),
    )
    t.same(rows, [
      ['企业名称', '投资额'],
      ['曲靖麒麟 ', '120000000', 'true', '#N/A', '曲靖x', 'a\rb_x0041_c'],
    ])
  },
)

t.test(
  'cells placed by their references: gaps are empty, empty rows are skipped, prefixes ignored',
  async (t) => {
    const rows = await rowsOf(
      workbookOf({
        sheetData:
          '<row r="1"><c r="A1" t="inlineStr"><is><t>a</t></is></c><c r="C1" t="inlineStr"><is><t>c</t></is></c></row>' +
          '<row r="2" customFormat="1" s="3"/>' +
          '<row r="3"><c r="B3" s="1"/><c r="D3" t="inlineStr"><is><t>  </t></is></c></row>' +
          '<row r="4"><c t="inlineStr"><is><t>first</t></is></c><c t="inlineStr"><is><t>second</t></is></c><c r="AB4"><v>7</v></c></row>',
      }),
    )
    t.same(rows, [
      ['a', '', 'c'],
      ['first', 'second', ...Array<string>(25).fill(''), '7'],
    ])
  },
)

t.test(
  'numbers as the decimal Excel shows: 15 significant digits, half-up, no exponent, no float',
  async (t) => {
    const cases: [string, string | null][] = [
      ['120000000', '120000000'],
      ['1.2E+8', '120000000'],
      ['1234.5599999999999', '1234.56'],
      ['0.30000000000000004', '0.3'],
      ['0.06', '0.06'],
      ['-0.5', '-0.5'],
      ['1E-3', '0.001'],
      ['2.5e-7', '0.00000025'],
      ['0', '0'],
      ['-0', '0'],
      ['007.50', '7.5'],
      ['999999999999999.9', '1000000000000000'],
      ['12345678901234567', '12345678901234600'],
      ['0.123456789012345449', '0.123456789012345'],
      ['0.123456789012345500', '0.123456789012346'],
      ['abc', null],
      ['', null],
      ['1.2.3', null],
    ]
    for (const [written, shown] of cases) t.equal(excelNumberText(written), shown, written)
  },
)

t.test('dates: whole serial days in a date style as YYYY-MM-DD, in both date systems', async (t) => {
  t.equal(excelSerialDate('42156', false), '2015-06-01')
  t.equal(excelSerialDate('1', false), '1900-01-01')
  t.equal(excelSerialDate('59', false), '1900-02-28')
  t.equal(excelSerialDate('60', false), '1900-02-29', 'the day that never was: the date fields refuse it')
  t.equal(excelSerialDate('61', false), '1900-03-01')
  t.equal(excelSerialDate('0', true), '1904-01-01')
  t.equal(excelSerialDate('40694', true), '2015-06-01')
  t.equal(excelSerialDate('42156.5', false), null, 'a time of day is not a date')
  t.equal(excelSerialDate('0', false), null)

  const styles =
    '<numFmts count="2"><numFmt numFmtId="164" formatCode="yyyy\\-mm\\-dd"/><numFmt numFmtId="165" formatCode="&quot;day&quot;\\ 0.00"/></numFmts>' +
    '<cellXfs count="5"><xf numFmtId="0"/><xf numFmtId="14"/><xf numFmtId="164"/><xf numFmtId="165"/><xf numFmtId="49"/></cellXfs>'
  const sheetData =
    '<row r="1"><c r="A1" s="1"><v>42156</v></c><c r="B1" s="2"><v>42156</v></c><c r="C1" s="3"><v>42156</v></c>' +
    '<c r="D1" s="0"><v>42156</v></c><c r="E1" s="1"><v>42156.25</v></c><c r="F1" s="4"><v>42156</v></c></row>'
  t.same(await rowsOf(workbookOf({ styles, sheetData })), [
    ['2015-06-01', '2015-06-01', '42156', '42156', '42156.25', '42156'],
  ])
  t.same(await rowsOf(workbookOf({ styles, sheetData, date1904: true })), [
    ['2019-06-02', '2019-06-02', '42156', '42156', '42156.25', '42156'],
  ])
})

t.test('the parts in either order, stored or deflated', async (t) => {
  const parts = {
    sharedStrings: '<si><t>甲</t></si><si><t>乙</t></si>',
    sheetData: '<row r="1"><c r="A1" t="s"><v>1</v></c><c r="B1" t="s"><v>0</v></c></row>',
  }
  for (const order of ['sheet-first', 'strings-first'] as const)
    for (const store of [false, true])
      t.same(
        await rowsOf(workbookOf({ ...parts, order }, { store })),
        [['乙', '甲']],
        `${order}, ${store ? 'stored' : 'deflated'}`,
      )
})

t.test('refused: not a workbook, cut short, encrypted, damaged XML, a missing shared string', async (t) => {
  const good = workbookOf({ sheetData: '<row r="1"><c r="A1"><v>1</v></c></row>' })
  t.match(await refusalOf(Buffer.from('企业名称,项目编号\n甲,乙\n')), {
    large: false,
    en: /no end of central directory/,
    zh: /不是 ZIP 文件/,
  })
  t.match(await refusalOf(good.subarray(0, good.length - 30)), { large: false })
  t.match(await refusalOf(workbookOf({ sheetData: '' }, { encryptedFlag: true })), {
    en: /encrypted/,
    zh: /加密/,
  })
  t.match(await refusalOf(workbookOf({ sheetData: '<row r="1"><c r="A1"><v>1</v></row>' })), {
    en: /xl\/worksheets\/sheet1\.xml is not well-formed XML/,
  })
  t.match(
    await refusalOf(
      workbookOf({
        sheetData: '<row r="1"><c r="A1" t="s"><v>3</v></c></row>',
        sharedStrings: '<si><t>a</t></si>',
      }),
    ),
    {
      en: /shared string "3"/,
    },
  )
  t.match(await refusalOf(zipOf({ 'hello.txt': 'hello' })), { en: /no workbook part/ })
  t.match(await refusalOf(workbookOf({ sheetData: '<row r="1"><c r="XFE1"><v>1</v></c></row>' })), {
    en: /cell reference/,
  })
  // invalid UTF-8 inside a part is not read as U+FFFD
  const sheetWith = (bytes: number[]) =>
    Buffer.concat([
      Buffer.from('<worksheet><sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>'),
      Buffer.from(bytes),
      Buffer.from('</t></is></c></row></sheetData></worksheet>'),
    ])
  // the first two bytes of 曲 (e6 9b b2), then not its third
  t.match(await refusalOf(workbookOf({ sheetData: '', sheetBytes: sheetWith([0xe6, 0x9b]) })), {
    large: false,
    en: /not well-formed XML/,
  })
  t.same(
    await rowsOf(workbookOf({ sheetData: '', sheetBytes: sheetWith([0xe6, 0x9b, 0xb2]) })),
    [['曲']],
    'control: whole, it reads',
  )
})

t.test('limits: inflated bytes, shared strings, a row', async (t) => {
  // a few KB that inflate to 8 MB of one repeated row
  const bomb = workbookOf({ sheetData: '<row><c t="inlineStr"><is><t>x</t></is></c></row>'.repeat(160_000) })
  t.ok(bomb.length < 64 * 1024, `${bomb.length} bytes compressed`)
  t.match(await refusalOf(bomb, { ...LIMITS, maxInflatedBytes: 1024 * 1024 }), {
    large: true,
    en: /expand to more than 1048576 bytes/,
  })
  t.equal((await rowsOf(bomb)).length, 160_000, 'read whole under the default limits')
  t.match(
    await refusalOf(workbookOf({ sheetData: '', sharedStrings: `<si><t>${'字'.repeat(2000)}</t></si>` }), {
      ...LIMITS,
      maxSharedStringChars: 1000,
    }),
    { large: true, en: /more than 1000 characters/ },
  )
  t.match(
    await refusalOf(
      workbookOf({ sheetData: `<row r="9"><c t="inlineStr"><is><t>${'字'.repeat(2000)}</t></is></c></row>` }),
      { ...LIMITS, maxRowChars: 1000 },
    ),
    { large: false, en: /row 9 of the worksheet holds more than 1000 characters/ },
  )
})
