// Reading an uploaded batch as a stream (issue #11 "Upload"): CSV (UTF-8, header row, English or
// Chinese headers, src/batches/columns.ts) through csv-parse, or JSON Lines (one application per
// line). Rows are validated against the same schema as POST /v1/applications (Ajv with the app's
// options: no coercion, no silent removal) and handed on in slices, so memory holds one slice, never
// the file. The bytes are hashed as they pass (the batch's identity) and counted against the limit.

import { createHash } from 'node:crypto'
import { createWriteStream } from 'node:fs'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { pipeline, Transform, type TransformCallback } from 'node:stream'
import { pipeline as pipelineAsync } from 'node:stream/promises'
import { Ajv, type ErrorObject } from 'ajv'
import addFormatsModule from 'ajv-formats'
import { CsvError, parse } from 'csv-parse'
import type { BatchFormat } from '../db/batches-repository.ts'
import { normalisePrefecture } from '../engine/prefectures.ts'
import type { Text } from '../i18n/language.ts'
import { fieldErrorText } from '../i18n/validation-messages.ts'
import { Application } from '../schemas/application.ts'
import { type Column, cellValue, columnAt, columnOf } from './columns.ts'
import { worksheetRows, XlsxError, XlsxTooLargeError } from './xlsx-rows.ts'

/** Why one row cannot be decided: its row number (1 = the first data row), column and pointer. */
export interface RowError {
  row: number
  /** the CSV header the file used, or null (JSON Lines, or a fact no column names) */
  column: string | null
  /** JSON pointer into the application */
  pointer: string
  /** what is wrong, in English */
  message: string
  /** the same in Chinese (absent on rows stored before it was kept); shown by Accept-Language */
  messageZh?: string
}

export type ParsedRow =
  | { row: number; facts: unknown; errors: null }
  | { row: number; facts: null; errors: RowError[] }

/** A problem with the file as a whole: answered 413 or 422, in the caller's language, and nothing is kept. */
export class BatchFileError extends Error {
  constructor(
    readonly status: 413 | 422,
    readonly type: string,
    readonly text: Text,
    readonly pointer?: string,
  ) {
    super(text.en)
    this.name = 'BatchFileError'
  }
}

/**
 * What csv-parse refused, in both languages and with the line: its own message is English only. The
 * options readBatch gives it (relaxed column count, no trimming, MAX_ROW_CHARS) leave four refusals;
 * any other keeps its English words after a Chinese lead. `lines` is the line csv-parse had reached
 * (1-based, the header is line 1).
 */
export const csvErrorText = (error: CsvError): Text => {
  const context = error as CsvError & { lines?: number; column?: number | string }
  const line = typeof context.lines === 'number' ? context.lines : null
  const at = { zh: line === null ? '' : `第 ${line} 行：`, en: line === null ? '' : `line ${line}: ` }
  switch (error.code) {
    case 'INVALID_OPENING_QUOTE':
      return {
        zh: `文件不是有效的 CSV：${at.zh}字段中间出现引号。含逗号、引号或换行的字段须整体用英文双引号括起，字段内的双引号写作两个（""）。`,
        en: `The file is not valid CSV: ${at.en}a quote inside a field. A field holding a comma, quote or line break must be wrapped in double quotes, with each quote inside written twice ("").`,
      }
    case 'CSV_INVALID_CLOSING_QUOTE':
      return {
        zh: `文件不是有效的 CSV：${at.zh}右引号之后须是逗号或换行。字段内的双引号须写作两个（""）。`,
        en: `The file is not valid CSV: ${at.en}a closing quote must be followed by a comma or a line break. A quote inside a field is written twice ("").`,
      }
    case 'CSV_QUOTE_NOT_CLOSED':
      return {
        zh: `文件不是有效的 CSV：文件结束时仍有未闭合的引号（${line === null ? '' : `至第 ${line} 行，`}请检查引号是否成对）。`,
        en: `The file is not valid CSV: it ends inside a quoted field (${line === null ? '' : `at line ${line}; `}check that quotes come in pairs).`,
      }
    case 'CSV_MAX_RECORD_SIZE':
      return {
        zh: `文件不是有效的 CSV：${at.zh}一行超过 ${MAX_ROW_CHARS} 个字符（多为引号未闭合）。`,
        en: `The file is not valid CSV: ${at.en}a row longer than ${MAX_ROW_CHARS} characters (most often an unclosed quote).`,
      }
    default:
      return {
        zh: `文件不是有效的 CSV：${at.zh}${error.message}`,
        en: `The file is not valid CSV: ${error.message}`,
      }
  }
}

const addFormats = addFormatsModule as unknown as (ajv: Ajv) => Ajv
const ajv = addFormats(
  new Ajv({
    coerceTypes: false,
    removeAdditional: false,
    allErrors: true,
    useDefaults: false,
    strict: false,
  }),
)
const validate = ajv.compile(Application)

/**
 * Row errors kept per row: a row's first errors say what is wrong with it; a row of half a million
 * unknown keys would otherwise store half a million errors (and its results, tens of MB).
 */
export const MAX_ROW_ERRORS = 20

/**
 * The longest row, in characters of its line (JSON Lines) or record (CSV): the largest application
 * the schema admits (every list at its maxItems) is about a tenth of it. A longer row is refused
 * without being parsed, so a line of millions of keys costs neither memory nor time.
 */
export const MAX_ROW_CHARS = 1 << 20

/**
 * How far an XLSX upload may inflate, as a multiple of BATCH_MAX_BYTES: the XML of a worksheet is
 * typically 5–10 times its compressed size; past this a file is refused (413) instead of parsed for
 * minutes (a ZIP of a few KB can inflate to gigabytes).
 */
export const XLSX_INFLATION_LIMIT = 20

const errorsOf = (
  row: number,
  errors: readonly ErrorObject[],
  header: (c: Column) => string | null,
): RowError[] => {
  const kept = errors.slice(0, MAX_ROW_ERRORS).map((e) => {
    const pointer =
      e.keyword === 'required'
        ? `${e.instancePath}/${(e.params as { missingProperty: string }).missingProperty}`
        : e.keyword === 'additionalProperties'
          ? `${e.instancePath}/${(e.params as { additionalProperty: string }).additionalProperty}`
          : e.instancePath
    const column = columnAt(pointer)
    const text =
      e.keyword === 'additionalProperties'
        ? { zh: '不是申请的事实项', en: 'is not a fact of an application' }
        : fieldErrorText(e)
    return { row, column: column ? header(column) : null, pointer, message: text.en, messageZh: text.zh }
  })
  const more = errors.length - kept.length
  if (more > 0)
    kept.push({
      row,
      column: null,
      pointer: '',
      message: `and ${more} more errors`,
      messageZh: `另有 ${more} 处错误`,
    })
  return kept
}

/** A row error of the whole row (no column, pointer ''). */
const rowError = (row: number, message: string, messageZh: string): ParsedRow => ({
  row,
  facts: null,
  errors: [{ row, column: null, pointer: '', message, messageZh }],
})

/** Counts and hashes the bytes; past `maxBytes` the stream fails with 413. */
class Metered extends Transform {
  readonly hash = createHash('sha256')
  bytes = 0
  constructor(private readonly maxBytes: number) {
    super()
  }
  override _transform(chunk: Buffer, _enc: BufferEncoding, done: TransformCallback): void {
    this.bytes += chunk.length
    if (this.bytes > this.maxBytes) {
      done(
        new BatchFileError(413, '/problems/batch-too-large', {
          zh: `文件超过 ${this.maxBytes} 字节（BATCH_MAX_BYTES）。`,
          en: `The file is larger than ${this.maxBytes} bytes (BATCH_MAX_BYTES).`,
        }),
      )
      return
    }
    this.hash.update(chunk)
    done(null, chunk)
  }
}

/** ZIP (XLSX, ODS) and OLE2 (XLS) files start with these bytes. */
const WORKBOOK_SIGNATURES = [Buffer.from('504b0304', 'hex'), Buffer.from('d0cf11e0a1b11ae1', 'hex')]

/** Why the bytes are not text, and what to do: a workbook sent as it is, or text in another encoding. */
const notUtf8 = (head: Buffer | null) =>
  head !== null &&
  WORKBOOK_SIGNATURES.some((signature) => head.subarray(0, signature.length).equals(signature))
    ? {
        zh: '文件是 Excel 工作簿（XLSX/XLS），不是 CSV：XLSX 工作簿请以 application/vnd.openxmlformats-officedocument.spreadsheetml.sheet 发送（npm run batch 按 .xlsx 扩展名自动选择）；XLS 请在 Excel 中另存为 XLSX 或“CSV UTF-8（逗号分隔）”。未保存任何内容。',
        en: 'The file is an Excel workbook (XLSX/XLS), not CSV: send an XLSX workbook as application/vnd.openxmlformats-officedocument.spreadsheetml.sheet (npm run batch does so for a .xlsx file); save an XLS from Excel as XLSX or "CSV UTF-8 (Comma delimited)". Nothing was stored.',
      }
    : {
        zh: '文件不是 UTF-8 文本（例如以 GBK/ANSI 另存的 CSV）：请以“CSV UTF-8（逗号分隔）”另存后上传。未保存任何内容。',
        en: 'The file is not UTF-8 text (a CSV saved as GBK/ANSI, say): save it as "CSV UTF-8 (Comma delimited)" and upload again. Nothing was stored.',
      }

/**
 * The upload's bytes as UTF-8 text, decoded across chunk boundaries (a character split by a chunk is
 * whole in the text: decoding each chunk alone turned it into two U+FFFD, which changed the row's
 * facts — and so its idempotency key — with the chunking), a leading BOM dropped, and bytes that are
 * not UTF-8 refused (422) rather than read as U+FFFD.
 */
class Utf8Text extends Transform {
  private readonly decoder = new TextDecoder('utf-8', { fatal: true })
  /** the file's first bytes: a workbook is told apart from text in another encoding */
  private head: Buffer | null = null
  constructor() {
    super({ readableObjectMode: true })
  }
  override _transform(chunk: Buffer, _enc: BufferEncoding, done: TransformCallback): void {
    this.head ??= chunk.subarray(0, 8)
    this.decode(() => this.decoder.decode(chunk, { stream: true }), done)
  }
  override _flush(done: TransformCallback): void {
    this.decode(() => this.decoder.decode(), done)
  }
  private decode(text: () => string, done: TransformCallback): void {
    let decoded: string
    try {
      decoded = text()
    } catch {
      done(new BatchFileError(422, '/problems/batch-not-utf8', notUtf8(this.head)))
      return
    }
    if (decoded.length > 0) this.push(decoded)
    done()
  }
}

const setPath = (target: Record<string, unknown>, path: string, value: unknown): void => {
  const parts = path.split('.')
  let node = target
  for (const part of parts.slice(0, -1)) {
    node[part] ??= {}
    node = node[part] as Record<string, unknown>
  }
  node[parts[parts.length - 1]!] = value
}

/** A CSV record (cells by header) as an application, or the reasons it is not one. */
const fromCsv = (
  row: number,
  headers: readonly { header: string; column: Column }[],
  cells: readonly string[],
  columnNames: Readonly<Record<string, string>>,
): ParsedRow => {
  // A row cut short, or one with cells past the header's, is not what the file meant: refused, not
  // decided on the facts that happen to be there.
  if (cells.length !== headers.length)
    return rowError(
      row,
      `has ${cells.length} cells; the header row has ${headers.length}`,
      `有 ${cells.length} 个单元格，表头有 ${headers.length} 列`,
    )
  const facts: Record<string, unknown> = {}
  const errors: RowError[] = []
  headers.forEach(({ header, column }, i) => {
    const cell = cells[i] ?? ''
    if (cell.trim() === '') return
    try {
      setPath(facts, column.path, cellValue(column, cell))
    } catch {
      errors.push({
        row,
        column: header,
        pointer: column.pointer,
        message: 'is not valid JSON (a list-valued column holds a JSON array)',
        messageZh: '不是有效的 JSON（列表类的列须填写 JSON 数组）',
      })
    }
  })
  if (errors.length > 0) return { row, facts: null, errors }
  return validated(row, facts, (c) => columnNames[c.path] ?? c.path)
}

/**
 * A row's facts checked against the schema; a prefecture written as its code or Chinese name is
 * then rewritten to its pinyin id, as a single POST's is (src/plugins/prefecture-input.ts), before
 * the row's identity is hashed or anything is decided.
 */
const validated = (row: number, facts: unknown, header: (c: Column) => string | null): ParsedRow => {
  if (!validate(facts)) return { row, facts: null, errors: errorsOf(row, validate.errors ?? [], header) }
  normalisePrefecture(facts)
  return { row, facts, errors: null }
}

/**
 * A table's records (CSV, or a worksheet's rows) as rows: the first names the columns (English path
 * or Chinese name, each fact once), every later one is a row handed to `push`. Returns each column's
 * header as the file wrote it, by path.
 */
const readRecords = async (
  records: AsyncIterable<string[]>,
  push: (parsed: ParsedRow) => Promise<void>,
  options: { cellsAfterLastOptional: boolean },
): Promise<Record<string, string>> => {
  let headers: { header: string; column: Column }[] | null = null
  let columnNames: Record<string, string> = {}
  let n = 0
  for await (const record of records) {
    if (!headers) {
      headers = record.map((header, i) => {
        const column = columnOf(header)
        if (!column)
          throw new BatchFileError(422, '/problems/batch-unknown-column', {
            zh: `表头第 ${i + 1} 列 ${JSON.stringify(header)} 不是模板中的列（GET /v1/batches/template.csv）。`,
            en: `Column ${i + 1} of the header row, ${JSON.stringify(header)}, is not a column of the template (GET /v1/batches/template.csv).`,
          })
        return { header: header.replace(/^\uFEFF/, '').trim(), column }
      })
      // Two columns of one fact (a path and its Chinese name, or a column twice): which would
      // win is not the file's to leave unsaid.
      const seen = new Map<string, string>()
      for (const { header, column } of headers) {
        const other = seen.get(column.path)
        if (other !== undefined)
          throw new BatchFileError(422, '/problems/batch-duplicate-column', {
            zh: `表头两次指向事实 ${column.path}：${JSON.stringify(other)} 与 ${JSON.stringify(header)}。`,
            en: `The header row names the fact ${column.path} twice: ${JSON.stringify(other)} and ${JSON.stringify(header)}.`,
          })
        seen.set(column.path, header)
      }
      columnNames = Object.fromEntries(seen)
      continue
    }
    n += 1
    const cells =
      options.cellsAfterLastOptional && record.length < headers.length
        ? [...record, ...Array<string>(headers.length - record.length).fill('')]
        : record
    await push(fromCsv(n, headers, cells, columnNames))
  }
  if (!headers)
    throw new BatchFileError(422, '/problems/batch-empty', {
      zh: '文件为空：需要表头行。',
      en: 'The file is empty: a header row is required.',
    })
  return columnNames
}

export interface ReadOptions {
  format: BatchFormat
  maxBytes: number
  maxRows: number
  /** rows handed on at a time */
  sliceRows: number
  onSlice: (rows: ParsedRow[]) => Promise<void>
}

export interface ReadResult {
  rows: number
  /** the SHA-256 of the bytes */
  contentHash: string
  bytes: number
  /** CSV: each column's header as the file wrote it, by column path (row errors found later name it so) */
  columnNames: Record<string, string> | null
}

/** Reads the whole upload, slice by slice; returns the row count, the SHA-256 of the bytes, the headers. */
export const readBatch = async (body: NodeJS.ReadableStream, options: ReadOptions): Promise<ReadResult> => {
  // An XLSX upload is spooled to a file of its own (its parts are read by offset, the shared strings
  // before the worksheet: src/batches/xlsx-rows.ts), removed whatever happens. The directory is made
  // before the bytes flow: the meter's 413 must find the pipeline that handles it.
  const spool = options.format === 'xlsx' ? await mkdtemp(join(tmpdir(), 'batch-upload-')) : null
  const metered = new Metered(options.maxBytes)
  body.on('error', (e) => metered.destroy(e))
  body.pipe(metered)
  let slice: ParsedRow[] = []
  let rows = 0
  let columnNames: Record<string, string> | null = null
  const push = async (parsed: ParsedRow) => {
    rows = parsed.row
    if (rows > options.maxRows)
      throw new BatchFileError(422, '/problems/batch-too-many-rows', {
        zh: `文件超过 ${options.maxRows} 行（BATCH_MAX_ROWS）。`,
        en: `The file has more than ${options.maxRows} rows (BATCH_MAX_ROWS).`,
      })
    slice.push(parsed)
    if (slice.length >= options.sliceRows) {
      await options.onSlice(slice)
      slice = []
    }
  }
  try {
    if (options.format === 'csv') {
      // pipeline: a failure of the byte meter (413) fails the parser too, not a stalled iteration.
      // relax_column_count: a row with another number of cells than the header is a row error
      // (fromCsv), not the end of the file; max_record_size: a longer record fails the file (422)
      // before it is held whole.
      const parser = pipeline(
        metered,
        new Utf8Text(),
        parse({
          bom: true,
          relax_column_count: true,
          skip_empty_lines: true,
          max_record_size: MAX_ROW_CHARS,
        }),
        () => {},
      )
      columnNames = await readRecords(parser as AsyncIterable<string[]>, push, {
        cellsAfterLastOptional: false,
      })
    } else if (spool !== null) {
      const path = join(spool, 'upload.xlsx')
      await pipelineAsync(metered, createWriteStream(path))
      const rows = worksheetRows(path, {
        maxInflatedBytes: options.maxBytes * XLSX_INFLATION_LIMIT,
        maxSharedStringChars: options.maxBytes,
        maxRowChars: MAX_ROW_CHARS,
      })
      // A worksheet leaves out the empty cells after a row's last value: they are empty, not missing.
      columnNames = await readRecords(rows, push, { cellsAfterLastOptional: true })
    } else {
      let n = 0
      const line = async (text: string) => {
        if (text.trim() === '') return
        n += 1
        if (text.length > MAX_ROW_CHARS) {
          await push(
            rowError(
              n,
              `is longer than ${MAX_ROW_CHARS} characters: not an application`,
              `超过 ${MAX_ROW_CHARS} 个字符，不是一份申请`,
            ),
          )
          return
        }
        let value: unknown
        try {
          value = JSON.parse(text)
        } catch {
          await push({
            row: n,
            facts: null,
            errors: [
              {
                row: n,
                column: null,
                pointer: '',
                message: 'is not a JSON value',
                messageZh: '不是 JSON 值',
              },
            ],
          })
          return
        }
        await push(validated(n, value, () => null))
      }
      // The text of a line not yet ended; only the newly arrived text is searched for its end, so a
      // long line costs its length once, not once per chunk.
      let buffered = ''
      const text = pipeline(metered, new Utf8Text(), () => {})
      for await (const chunk of text as AsyncIterable<string>) {
        let start = 0
        let at = chunk.indexOf('\n')
        if (at >= 0) {
          await line(buffered + chunk.slice(0, at))
          buffered = ''
          start = at + 1
          for (at = chunk.indexOf('\n', start); at >= 0; at = chunk.indexOf('\n', start)) {
            await line(chunk.slice(start, at))
            start = at + 1
          }
        }
        buffered += chunk.slice(start)
      }
      await line(buffered)
    }
  } catch (error) {
    metered.destroy()
    if (error instanceof BatchFileError) throw error
    if (error instanceof XlsxTooLargeError)
      throw new BatchFileError(413, '/problems/batch-too-large', {
        zh: `工作簿过大：${error.text.zh}（限额随 BATCH_MAX_BYTES 而定）。未保存任何内容。`,
        en: `The workbook is too large: ${error.text.en} (the limits follow BATCH_MAX_BYTES). Nothing was stored.`,
      })
    if (error instanceof XlsxError)
      throw new BatchFileError(422, '/problems/batch-not-xlsx', {
        zh: `文件不是可读取的 XLSX 工作簿：${error.text.zh}。未保存任何内容。`,
        en: `The file is not a readable XLSX workbook: ${error.text.en}. Nothing was stored.`,
      })
    // Every csv-parse error is a CsvError (INVALID_OPENING_QUOTE has no CSV_ prefix in its code).
    if (error instanceof CsvError)
      throw new BatchFileError(422, '/problems/batch-not-csv', csvErrorText(error))
    throw error
  } finally {
    if (spool !== null) await rm(spool, { recursive: true, force: true })
  }
  if (rows === 0)
    throw new BatchFileError(422, '/problems/batch-empty', {
      zh: '文件中没有数据行。',
      en: 'The file holds no rows.',
    })
  if (slice.length > 0) await options.onSlice(slice)
  return { rows, contentHash: metered.hash.digest('hex'), bytes: metered.bytes, columnNames }
}
