// Reading an uploaded batch as a stream (issue #11 "Upload"): CSV (UTF-8, header row, English or
// Chinese headers, src/batches/columns.ts) through csv-parse, or JSON Lines (one application per
// line). Rows are validated against the same schema as POST /v1/applications (Ajv with the app's
// options: no coercion, no silent removal) and handed on in slices, so memory holds one slice, never
// the file. The bytes are hashed as they pass (the batch's identity) and counted against the limit.

import { createHash } from 'node:crypto'
import { pipeline, Transform, type TransformCallback } from 'node:stream'
import { Ajv, type ErrorObject } from 'ajv'
import addFormatsModule from 'ajv-formats'
import { parse } from 'csv-parse'
import { fieldErrorText } from '../i18n/validation-messages.ts'
import { Application } from '../schemas/application.ts'
import { type Column, cellValue, columnAt, columnOf } from './columns.ts'

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

/** A problem with the file as a whole: answered 413 or 422 and nothing is kept. */
export class BatchFileError extends Error {
  constructor(
    readonly status: 413 | 422,
    readonly type: string,
    message: string,
    readonly pointer?: string,
  ) {
    super(message)
    this.name = 'BatchFileError'
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

const errorsOf = (
  row: number,
  errors: readonly ErrorObject[],
  header: (c: Column) => string | null,
): RowError[] =>
  errors.map((e) => {
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
        new BatchFileError(
          413,
          '/problems/batch-too-large',
          `The file is larger than ${this.maxBytes} bytes (BATCH_MAX_BYTES).`,
        ),
      )
      return
    }
    this.hash.update(chunk)
    done(null, chunk)
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
): ParsedRow => {
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
  const byPath = new Map(headers.map((h) => [h.column.path, h.header]))
  return validated(row, facts, (c) => byPath.get(c.path) ?? c.path)
}

const validated = (row: number, facts: unknown, header: (c: Column) => string | null): ParsedRow =>
  validate(facts)
    ? { row, facts, errors: null }
    : { row, facts: null, errors: errorsOf(row, validate.errors ?? [], header) }

export interface ReadOptions {
  format: 'csv' | 'jsonl'
  maxBytes: number
  maxRows: number
  /** rows handed on at a time */
  sliceRows: number
  onSlice: (rows: ParsedRow[]) => Promise<void>
}

/** Reads the whole upload, slice by slice; returns the row count and the SHA-256 of the bytes. */
export const readBatch = async (
  body: NodeJS.ReadableStream,
  options: ReadOptions,
): Promise<{ rows: number; contentHash: string; bytes: number }> => {
  const metered = new Metered(options.maxBytes)
  body.on('error', (e) => metered.destroy(e))
  body.pipe(metered)
  let slice: ParsedRow[] = []
  let rows = 0
  const push = async (parsed: ParsedRow) => {
    rows = parsed.row
    if (rows > options.maxRows)
      throw new BatchFileError(
        422,
        '/problems/batch-too-many-rows',
        `The file has more than ${options.maxRows} rows (BATCH_MAX_ROWS).`,
      )
    slice.push(parsed)
    if (slice.length >= options.sliceRows) {
      await options.onSlice(slice)
      slice = []
    }
  }
  try {
    if (options.format === 'csv') {
      // pipeline: a failure of the byte meter (413) fails the parser too, not a stalled iteration.
      const parser = pipeline(
        metered,
        parse({ bom: true, relax_column_count: true, skip_empty_lines: true }),
        () => {},
      )
      let headers: { header: string; column: Column }[] | null = null
      let n = 0
      for await (const record of parser as AsyncIterable<string[]>) {
        if (!headers) {
          headers = record.map((header, i) => {
            const column = columnOf(header)
            if (!column)
              throw new BatchFileError(
                422,
                '/problems/batch-unknown-column',
                `Column ${i + 1} of the header row, ${JSON.stringify(header)}, is not a column of the template (GET /v1/batches/template.csv).`,
              )
            return { header: header.replace(/^\uFEFF/, '').trim(), column }
          })
          continue
        }
        n += 1
        await push(fromCsv(n, headers, record))
      }
      if (!headers)
        throw new BatchFileError(422, '/problems/batch-empty', 'The file is empty: a header row is required.')
    } else {
      let buffered = ''
      let n = 0
      const line = async (text: string) => {
        if (text.trim() === '') return
        n += 1
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
      for await (const chunk of metered as AsyncIterable<Buffer>) {
        buffered += chunk.toString('utf8')
        let at = buffered.indexOf('\n')
        while (at >= 0) {
          await line(buffered.slice(0, at))
          buffered = buffered.slice(at + 1)
          at = buffered.indexOf('\n')
        }
      }
      await line(buffered)
    }
  } catch (error) {
    metered.destroy()
    if (error instanceof BatchFileError) throw error
    if ((error as { code?: string }).code?.startsWith('CSV_'))
      throw new BatchFileError(
        422,
        '/problems/batch-not-csv',
        `The file is not valid CSV: ${(error as Error).message}`,
      )
    throw error
  }
  if (rows === 0) throw new BatchFileError(422, '/problems/batch-empty', 'The file holds no rows.')
  if (slice.length > 0) await options.onSlice(slice)
  return { rows, contentHash: metered.hash.digest('hex'), bytes: metered.bytes }
}
