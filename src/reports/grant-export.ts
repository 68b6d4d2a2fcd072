// The grant report as files the finance bureau opens: CSV (csv-stringify) and XLSX (exceljs), with
// Chinese headers, one row per group and a totals row (合计). Amounts are the exact decimal strings
// the database summed; nothing here adds or rounds money.

import { stringify } from 'csv-stringify/sync'
import type { GrantGroupColumn, GrantReport } from '../db/reports-repository.ts'
import { measureTitle } from '../engine/measures/index.ts'
import { prefecture } from '../engine/prefectures.ts'
import { loadExcelJS } from './exceljs.ts'

export const CSV_MEDIA_TYPE = 'text/csv; charset=utf-8'
export const XLSX_MEDIA_TYPE = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet'
/** Excel's money format: thousands separators, always two decimals */
export const MONEY_FORMAT = '#,##0.00'

const NO_PREFECTURE = '（无项目）'
const TOTAL = '合计'

interface Column {
  header: string
  width: number
  money?: boolean
}

const GROUP_COLUMNS: Record<GrantGroupColumn, Column[]> = {
  prefecture: [
    { header: '州市编号', width: 14 },
    { header: '州市', width: 22 },
  ],
  measure: [
    { header: '措施编号', width: 30 },
    { header: '措施', width: 40 },
  ],
  year: [{ header: '年度', width: 8 }],
}

const FIGURE_COLUMNS: Column[] = [
  { header: '笔数', width: 10 },
  { header: '应付金额（元）', width: 20, money: true },
  { header: '已拨付金额（元）', width: 20, money: true },
  { header: '未拨付金额（元）', width: 20, money: true },
]

/** The sheet as rows of cells: header, groups, totals. Amounts stay strings here. */
const table = (report: GrantReport, groupBy: readonly GrantGroupColumn[]) => {
  const columns = [...groupBy.flatMap((c) => GROUP_COLUMNS[c]), ...FIGURE_COLUMNS]
  const rows: (string | number)[][] = report.groups.map((g) => [
    ...groupBy.flatMap((c): (string | number)[] => {
      if (c === 'prefecture')
        return g.prefecture
          ? [g.prefecture, prefecture(g.prefecture)?.zh ?? g.prefecture]
          : ['', NO_PREFECTURE]
      if (c === 'measure') return [g.measure!, measureTitle(g.measure!).zh]
      return [g.year!]
    }),
    g.count,
    g.amountDue,
    g.amountPaid,
    g.amountUnfunded,
  ])
  const labelCells = columns.length - FIGURE_COLUMNS.length
  const t = report.totals
  const totals = [
    ...(labelCells > 0 ? [TOTAL, ...Array<string>(labelCells - 1).fill('')] : []),
    t.count,
    t.amountDue,
    t.amountPaid,
    t.amountUnfunded,
  ]
  return { columns, rows, totals, labelCells }
}

/** UTF-8 with a byte-order mark, so Excel opens the Chinese headers as UTF-8. */
export const grantReportCsv = (report: GrantReport, groupBy: readonly GrantGroupColumn[]): string => {
  const { columns, rows, totals } = table(report, groupBy)
  return stringify([columns.map((c) => c.header), ...rows, totals], { bom: true })
}

// A number cell holds an IEEE double; Excel shows 15 significant digits, so a two-decimal amount
// below 10^13 yuan displays exactly as written. Anything larger is written as its exact text.
const MAX_EXACT_IN_EXCEL = 1e13

const moneyCell = (amount: string): number | string =>
  Math.abs(Number(amount)) < MAX_EXACT_IN_EXCEL ? Number(amount) : amount

export const grantReportXlsx = async (
  report: GrantReport,
  groupBy: readonly GrantGroupColumn[],
): Promise<Buffer> => {
  const { columns, rows, totals } = table(report, groupBy)
  const ExcelJS = await loadExcelJS()
  const workbook = new ExcelJS.Workbook()
  workbook.created = new Date(report.snapshotAt)
  const sheet = workbook.addWorksheet('奖补汇总')
  sheet.columns = columns.map((c) => ({ header: c.header, width: c.width }))
  sheet.getRow(1).font = { bold: true }
  const moneyIndex = columns.flatMap((c, i) => (c.money ? [i] : []))
  for (const values of [...rows, totals]) {
    sheet.addRow(values.map((v, i) => (moneyIndex.includes(i) ? moneyCell(String(v)) : v)))
  }
  sheet.getRow(sheet.rowCount).font = { bold: true }
  for (const i of moneyIndex) sheet.getColumn(i + 1).numFmt = MONEY_FORMAT
  sheet.views = [{ state: 'frozen', ySplit: 1 }]
  return Buffer.from(await workbook.xlsx.writeBuffer())
}
