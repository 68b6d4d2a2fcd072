// A batch's results as an XLSX workbook, streamed (exceljs's streaming writer commits each row as it
// goes). A sheet holds at most 1 048 576 rows (Excel's limit, the header row included) and a batch of
// 100 000 rows gives 1 200 000 lines (one per row and measure), so the lines continue on further
// sheets — "结果 results (2)", … — each with the header row: a workbook Excel opens whole.

import type { Writable } from 'node:stream'
import { loadExcelJS } from '../reports/exceljs.ts'

/** Excel's rows per sheet, the header row included. */
export const XLSX_MAX_ROWS = 1_048_576

export interface ResultsWorkbookColumn {
  key: string
  header: string
  /** an Excel number format, e.g. "#,##0.00" */
  numFmt?: string
}

/** Writes `lines` to `out` as a workbook of `linesPerSheet` lines a sheet; `out` ends with it. */
export const writeResultsWorkbook = async (
  out: Writable,
  columns: readonly ResultsWorkbookColumn[],
  lines: AsyncIterable<Record<string, unknown>>,
  linesPerSheet = XLSX_MAX_ROWS - 1,
): Promise<void> => {
  const ExcelJS = await loadExcelJS()
  const workbook = new ExcelJS.stream.xlsx.WorkbookWriter({ stream: out, useStyles: true })
  let sheets = 0
  const nextSheet = () => {
    sheets += 1
    const sheet = workbook.addWorksheet(sheets === 1 ? '结果 results' : `结果 results (${sheets})`)
    sheet.columns = columns.map(({ key, header, numFmt }) => ({
      key,
      header,
      ...(numFmt ? { style: { numFmt } } : {}),
    }))
    return sheet
  }
  let sheet = nextSheet()
  let rows = 0
  for await (const line of lines) {
    if (rows === linesPerSheet) {
      sheet.commit()
      sheet = nextSheet()
      rows = 0
    }
    sheet.addRow(line).commit()
    rows += 1
  }
  sheet.commit()
  await workbook.commit()
}
