// exceljs, loaded on the first workbook rather than at every start: it takes about 0.3 s of CPU to
// load (measured on this machine), which the API, a worker and every test process that builds the
// app paid whether or not anyone asked for an XLSX file.

type ExcelJS = typeof import('exceljs')

let loading: Promise<ExcelJS> | undefined

/** The CommonJS module.exports, which Node's import() gives as `default`. */
export const loadExcelJS = (): Promise<ExcelJS> =>
  (loading ??= import('exceljs').then((m) => (m as unknown as { default: ExcelJS }).default))
