// The rows of an uploaded XLSX workbook's first worksheet, as text cells, so a batch filled in from
// GET /v1/batches/template.xlsx is read as the same file saved as CSV would be (src/batches/parse.ts).
// The workbook is a ZIP of XML parts (ECMA-376 Part 1, SpreadsheetML): the worksheet's cells refer to
// a shared strings part and to cell styles, so those are read first, then the worksheet is streamed
// row by row. Every part is decoded as one UTF-8 stream (TextDecoder with `stream: true`): a character
// split across two inflated chunks stays whole — decoding each chunk alone changes a name, and with
// it a row's facts and idempotency key. Nothing holds the worksheet in memory; the shared strings are
// held (the cells need them in any order), up to a limit.
//
// What a cell's text is:
// - a string (shared, inline, or a formula's string result): its text, with the `_xHHHH_` escapes of
//   ST_Xstring decoded and phonetic runs (<rPh>) left out;
// - a number: the decimal Excel wrote, without exponent, rounded half-up to 15 significant digits —
//   Excel's own precision, so a 1234.56 typed in a number cell, stored as the double nearest it and
//   written "1234.5599999999999", reads as "1234.56", what the clerk typed and sees. The rounding is
//   done on the digits as text: no floating point;
// - a number in a cell whose style is a date format: the date, YYYY-MM-DD (the workbook's 1900 or 1904
//   date system); a serial with a time of day stays the number, which the date fields refuse;
// - a boolean: true / false; an error value (#N/A): its text, which the row's validation refuses.

import type { Readable } from 'node:stream'
import { SaxesParser, type SaxesTagPlain } from 'saxes'
import type { Text } from '../i18n/language.ts'
import { openZip, type ZipEntry, ZipError, type ZipFile } from './zip-file.ts'

/** The workbook cannot be read (the caller answers 422), in both languages. */
export class XlsxError extends Error {
  readonly text: Text
  constructor(en: string, zh: string) {
    super(en)
    this.name = 'XlsxError'
    this.text = { zh, en }
  }
}

/** What the ZIP reader refused, as the workbook's refusal: callers see one kind of error. */
const unreadable = (error: unknown): unknown =>
  error instanceof ZipError ? new XlsxError(error.text.en, error.text.zh) : error

/** The workbook expands past a limit (the caller answers 413), in both languages. */
export class XlsxTooLargeError extends XlsxError {
  constructor(en: string, zh: string) {
    super(en, zh)
    this.name = 'XlsxTooLargeError'
  }
}

export interface XlsxLimits {
  /** the inflated bytes of every part read, together (a small file can inflate to gigabytes) */
  maxInflatedBytes: number
  /** the characters of the shared strings, together: they are held in memory */
  maxSharedStringChars: number
  /** the characters of one row's cells, together (as MAX_ROW_CHARS for a CSV record) */
  maxRowChars: number
}

const RELATIONSHIP_TYPE = {
  officeDocument: '/officeDocument',
  sharedStrings: '/sharedStrings',
  styles: '/styles',
} as const

/** SpreadsheetML's largest column, XFD (ECMA-376 §18.3.1.4: 16 384 columns). */
const MAX_COLUMNS = 16_384

/** An element's or attribute's name without its namespace prefix (`x:row` → `row`). */
const local = (name: string): string => name.slice(name.indexOf(':') + 1)

/** An attribute: SpreadsheetML's are unqualified (ECMA-376 Part 1 §18), but for the relationship ids. */
const attribute = (tag: SaxesTagPlain, name: string): string | undefined => tag.attributes[name]

/** A qualified attribute by its local name, whatever the prefix (`r:id`, `x:id`…). */
const qualifiedAttribute = (tag: SaxesTagPlain, name: string): string | undefined => {
  for (const key in tag.attributes) if (key.includes(':') && local(key) === name) return tag.attributes[key]
  return undefined
}

/** ST_Xstring's escapes: `_x000D_` is a carriage return, `_x005F_` an underscore (ECMA-376 §22.9.2.19). */
const unescapeXstring = (text: string): string =>
  text.includes('_x')
    ? text.replace(/_x([0-9A-Fa-f]{4})_/g, (_, hex: string) => String.fromCharCode(Number.parseInt(hex, 16)))
    : text

/** A part's path from a relationship target, relative to the part that names it (`xl/` for the workbook). */
const resolveTarget = (base: string, target: string): string => {
  const parts = target.startsWith('/') ? [] : base.split('/').slice(0, -1)
  for (const segment of target.replace(/^\//, '').split('/')) {
    if (segment === '..') parts.pop()
    else if (segment !== '.' && segment !== '') parts.push(segment)
  }
  return parts.join('/')
}

/** The relationships part of a part: `xl/workbook.xml` → `xl/_rels/workbook.xml.rels`. */
const relationshipsOf = (part: string): string => {
  const slash = part.lastIndexOf('/')
  return `${part.slice(0, slash + 1)}_rels/${part.slice(slash + 1)}.rels`
}

type Handlers = {
  open?: (tag: SaxesTagPlain) => void
  text?: (text: string) => void
  close?: (name: string) => void
}

/** Counts the inflated bytes of every part read against one limit. */
class Budget {
  private used = 0
  constructor(private readonly limit: number) {}
  spend(bytes: number): void {
    this.used += bytes
    if (this.used > this.limit)
      throw new XlsxTooLargeError(
        `its parts expand to more than ${this.limit} bytes`,
        `各部件解压后超过 ${this.limit} 字节`,
      )
  }
}

/**
 * Parses one part, chunk by chunk, calling the handlers; yields after each chunk so a caller can take
 * what the chunk completed (the worksheet's rows) before the next one is read.
 */
async function* parsePart(
  zip: ZipFile,
  entry: ZipEntry,
  budget: Budget,
  handlers: Handlers,
): AsyncGenerator<void> {
  const parser = new SaxesParser()
  parser.on('opentag', (tag) => handlers.open?.(tag as SaxesTagPlain))
  parser.on('closetag', (tag) => handlers.close?.(local(tag.name)))
  if (handlers.text) {
    parser.on('text', handlers.text)
    parser.on('cdata', handlers.text)
  }
  let decoder: InstanceType<typeof TextDecoder> | null = null
  const stream: Readable = await zip.stream(entry).catch((error: unknown) => {
    throw unreadable(error)
  })
  try {
    for await (const chunk of stream as AsyncIterable<Buffer>) {
      budget.spend(chunk.length)
      // XML's encodings here: UTF-8 (what every writer of OOXML uses), or UTF-16 with its byte order mark
      decoder ??= new TextDecoder(
        chunk[0] === 0xff && chunk[1] === 0xfe
          ? 'utf-16le'
          : chunk[0] === 0xfe && chunk[1] === 0xff
            ? 'utf-16be'
            : 'utf-8',
        { fatal: true },
      )
      parser.write(decoder.decode(chunk, { stream: true }))
      yield
    }
    parser.write(decoder?.decode() ?? '')
    parser.close()
  } catch (error) {
    if (error instanceof XlsxError) throw error
    if (error instanceof ZipError) throw unreadable(error)
    throw new XlsxError(
      `the part ${entry.name} is not well-formed XML (${(error as Error).message})`,
      `部件 ${entry.name} 不是格式正确的 XML（${(error as Error).message}）`,
    )
  } finally {
    stream.destroy()
  }
}

const readPart = async (zip: ZipFile, entry: ZipEntry, budget: Budget, handlers: Handlers): Promise<void> => {
  for await (const _ of parsePart(zip, entry, budget, handlers));
}

/** A relationships part: target by id, and the first target of each type asked for. */
const readRelationships = async (
  zip: ZipFile,
  part: string,
  budget: Budget,
): Promise<{ byId: Map<string, string>; byType: (suffix: string) => string | undefined }> => {
  const byId = new Map<string, string>()
  const types: [string, string][] = []
  const entry = zip.entries.get(relationshipsOf(part))
  if (entry)
    await readPart(zip, entry, budget, {
      open: (tag) => {
        if (local(tag.name) !== 'Relationship') return
        const target = attribute(tag, 'Target')
        if (target === undefined || attribute(tag, 'TargetMode') === 'External') return
        const resolved = resolveTarget(part, target)
        const id = attribute(tag, 'Id')
        if (id !== undefined) byId.set(id, resolved)
        types.push([attribute(tag, 'Type') ?? '', resolved])
      },
    })
  return { byId, byType: (suffix) => types.find(([type]) => type.endsWith(suffix))?.[1] }
}

/** Built-in number formats that are dates or times (ECMA-376 §18.8.30, and the CJK locales' 27–36, 50–58). */
const DATE_FORMAT_IDS = new Set([
  14, 15, 16, 17, 18, 19, 20, 21, 22, 27, 28, 29, 30, 31, 32, 33, 34, 35, 36, 45, 46, 47, 50, 51, 52, 53, 54,
  55, 56, 57, 58,
])

/** A custom format code that shows a date or time: a y, m, d, h or s outside quotes, escapes and brackets. */
const isDateFormatCode = (code: string): boolean =>
  /[ymdhs]/i.test(code.replace(/"[^"]*"|\\.|\[[^\]]*\]|_.|\*./g, '').replace(/general/gi, ''))

/** Which cell styles (cellXfs, by index) show a date. */
const readDateStyles = async (zip: ZipFile, part: string | undefined, budget: Budget): Promise<boolean[]> => {
  const entry = part === undefined ? undefined : zip.entries.get(part)
  if (!entry) return []
  const custom = new Map<number, string>()
  const styles: number[] = []
  let inCellXfs = false
  await readPart(zip, entry, budget, {
    open: (tag) => {
      const name = local(tag.name)
      if (name === 'numFmt')
        custom.set(Number(attribute(tag, 'numFmtId')), attribute(tag, 'formatCode') ?? '')
      else if (name === 'cellXfs') inCellXfs = true
      else if (name === 'xf' && inCellXfs) styles.push(Number(attribute(tag, 'numFmtId') ?? 0))
    },
    close: (name) => {
      if (name === 'cellXfs') inCellXfs = false
    },
  })
  return styles.map((id) => {
    const code = custom.get(id)
    return code === undefined ? DATE_FORMAT_IDS.has(id) : isDateFormatCode(code)
  })
}

/** The shared strings, in order: each <si>'s text runs, without phonetic runs (<rPh>). */
const readSharedStrings = async (
  zip: ZipFile,
  part: string | undefined,
  budget: Budget,
  limits: XlsxLimits,
): Promise<string[]> => {
  const entry = part === undefined ? undefined : zip.entries.get(part)
  if (!entry) return []
  const strings: string[] = []
  let chars = 0
  let text: string[] | null = null
  let inText = false
  let phonetic = 0
  await readPart(zip, entry, budget, {
    open: (tag) => {
      const name = local(tag.name)
      if (name === 'si') text = []
      else if (name === 'rPh') phonetic += 1
      else if (name === 't' && phonetic === 0) inText = true
    },
    text: (value) => {
      if (!inText || text === null) return
      chars += value.length
      if (chars > limits.maxSharedStringChars)
        throw new XlsxTooLargeError(
          `its shared strings hold more than ${limits.maxSharedStringChars} characters`,
          `共享字符串超过 ${limits.maxSharedStringChars} 个字符`,
        )
      text.push(value)
    },
    close: (name) => {
      if (name === 't') inText = false
      else if (name === 'rPh') phonetic -= 1
      else if (name === 'si' && text !== null) {
        strings.push(unescapeXstring(text.join('')))
        text = null
      }
    },
  })
  return strings
}

/** A column reference's index: `A1` → 0, `AB7` → 27; null when it is not a cell reference. */
const columnIndex = (reference: string): number | null => {
  let n = 0
  let i = 0
  for (; i < reference.length; i++) {
    const code = reference.charCodeAt(i)
    if (code >= 65 && code <= 90) n = n * 26 + (code - 64)
    else if (code >= 97 && code <= 122) n = n * 26 + (code - 96)
    else break
  }
  return i === 0 || n > MAX_COLUMNS ? null : n - 1
}

const SIGNIFICANT_DIGITS = 15
const NUMBER = /^([+-])?(\d*)(?:\.(\d*))?(?:[eE]([+-]?\d+))?$/

/** Adds one to a string of digits: "1299" → "1300", "99" → "100". */
const incremented = (digits: string): string => {
  const out = digits.split('')
  for (let i = out.length - 1; i >= 0; i--) {
    if (out[i] !== '9') {
      out[i] = String(Number(out[i]) + 1)
      return out.join('')
    }
    out[i] = '0'
  }
  return `1${out.join('')}`
}

/**
 * A number as Excel wrote it ("120000000", "1.2E+8", "1234.5599999999999") as a plain decimal rounded
 * half-up to 15 significant digits ("120000000", "120000000", "1234.56"); null when it is not a number.
 */
export const excelNumberText = (written: string): string | null => {
  const m = NUMBER.exec(written.trim())
  if (!m || (m[2] === '' && (m[3] ?? '') === '')) return null
  let digits = `${m[2]}${m[3] ?? ''}`
  let exponent = Number(m[4] ?? 0) - (m[3] ?? '').length
  digits = digits.replace(/^0+/, '')
  if (digits === '') return '0'
  if (digits.length > SIGNIFICANT_DIGITS) {
    const roundUp = digits.charCodeAt(SIGNIFICANT_DIGITS) >= 53 // '5'
    exponent += digits.length - SIGNIFICANT_DIGITS
    digits = digits.slice(0, SIGNIFICANT_DIGITS)
    if (roundUp) digits = incremented(digits)
  }
  const trailing = /0+$/.exec(digits)?.[0].length ?? 0
  digits = digits.slice(0, digits.length - trailing)
  exponent += trailing
  const sign = m[1] === '-' ? '-' : ''
  if (exponent >= 0) return `${sign}${digits}${'0'.repeat(exponent)}`
  const point = digits.length + exponent
  return point > 0
    ? `${sign}${digits.slice(0, point)}.${digits.slice(point)}`
    : `${sign}0.${'0'.repeat(-point)}${digits}`
}

const DAY_MS = 86_400_000
/** Serial day 0 of each date system: 1899-12-30 (with 1900's fictitious 29 February, serial 60) and 1904-01-01. */
const EPOCH_1900 = Date.UTC(1899, 11, 30)
const EPOCH_1904 = Date.UTC(1904, 0, 1)

/** A whole serial day as YYYY-MM-DD; null when it is not one (a time of day, a negative serial). */
export const excelSerialDate = (number: string, date1904: boolean): string | null => {
  if (!/^\d+$/.test(number)) return null
  const serial = Number(number)
  // day 1 of the 1900 system is 1900-01-01, day 0 of the 1904 system 1904-01-01; 2 958 465 is 9999-12-31
  if (serial < (date1904 ? 0 : 1) || serial > 2_958_465) return null
  // Serial 60 is 1900-02-29, a day that did not exist (Lotus 1-2-3's leap year, kept by Excel): not a date.
  if (!date1904 && serial === 60) return '1900-02-29'
  const day = date1904
    ? EPOCH_1904 + serial * DAY_MS
    : EPOCH_1900 + (serial < 60 ? serial + 1 : serial) * DAY_MS
  return new Date(day).toISOString().slice(0, 10)
}

/**
 * The non-empty rows of the workbook's first worksheet, each its cells' text by column (A = 0; cells
 * after the last non-empty one left out, empty ones between as ''). The file is read from disk and
 * must not change while this runs.
 */
export async function* worksheetRows(path: string, limits: XlsxLimits): AsyncGenerator<string[]> {
  let zip: ZipFile
  try {
    zip = await openZip(path)
  } catch (error) {
    throw unreadable(error)
  }
  try {
    const budget = new Budget(limits.maxInflatedBytes)
    const root = await readRelationships(zip, '', budget)
    const workbookPart = root.byType(RELATIONSHIP_TYPE.officeDocument) ?? 'xl/workbook.xml'
    const workbook = zip.entries.get(workbookPart)
    if (!workbook) throw new XlsxError('it has no workbook part', '其中没有工作簿部件')
    let firstSheet: string | undefined
    let date1904 = false
    await readPart(zip, workbook, budget, {
      open: (tag) => {
        const name = local(tag.name)
        if (name === 'workbookPr') date1904 = ['1', 'true'].includes(attribute(tag, 'date1904') ?? '')
        else if (name === 'sheet') firstSheet ??= qualifiedAttribute(tag, 'id')
      },
    })
    const relationships = await readRelationships(zip, workbookPart, budget)
    const sheetPart = firstSheet === undefined ? undefined : relationships.byId.get(firstSheet)
    const sheet = sheetPart === undefined ? undefined : zip.entries.get(sheetPart)
    if (!sheet) throw new XlsxError('the workbook has no worksheet', '工作簿中没有工作表')
    const dateStyles = await readDateStyles(zip, relationships.byType(RELATIONSHIP_TYPE.styles), budget)
    const shared = await readSharedStrings(
      zip,
      relationships.byType(RELATIONSHIP_TYPE.sharedStrings),
      budget,
      limits,
    )

    const done: string[][] = []
    let cells: string[] = []
    let rowChars = 0
    /** the worksheet's row number (its r attribute, or the one after the last) */
    let sheetRow = 0
    let column = 0
    let type = 'n'
    let style = 0
    let value: string[] = []
    let inValue = false
    let inInline = false
    let inText = false
    let phonetic = 0
    const cellText = (): string => {
      const raw = value.join('')
      switch (type) {
        case 's': {
          const text = shared[Number(raw)]
          if (!/^\d+$/.test(raw) || text === undefined)
            throw new XlsxError(
              `a cell refers to shared string ${JSON.stringify(raw)}, which the workbook does not hold`,
              `有单元格引用了工作簿中不存在的共享字符串 ${JSON.stringify(raw)}`,
            )
          return text
        }
        case 'inlineStr':
        case 'str':
          return unescapeXstring(raw)
        case 'b':
          return raw === '1' ? 'true' : raw === '0' ? 'false' : raw
        case 'e':
          return raw
        case 'd':
          // an ISO 8601 date cell (strict workbooks): its date, when it is a whole day
          return /^\d{4}-\d{2}-\d{2}(T00:00(:00(\.0+)?)?Z?)?$/.test(raw) ? raw.slice(0, 10) : raw
        default: {
          if (raw === '') return ''
          const number = excelNumberText(raw)
          if (number === null) return raw
          return (dateStyles[style] && excelSerialDate(number, date1904)) || number
        }
      }
    }
    const handlers: Handlers = {
      open: (tag) => {
        switch (local(tag.name)) {
          case 'row':
            sheetRow = Number(attribute(tag, 'r') ?? sheetRow + 1)
            cells = []
            rowChars = 0
            column = 0
            return
          case 'c': {
            const reference = attribute(tag, 'r')
            const at = reference === undefined ? column : columnIndex(reference)
            if (at === null)
              throw new XlsxError(
                `the cell reference ${JSON.stringify(reference)} is not a column and row`,
                `单元格引用 ${JSON.stringify(reference)} 不是列与行`,
              )
            column = at
            type = attribute(tag, 't') ?? 'n'
            style = Number(attribute(tag, 's') ?? 0)
            value = []
            return
          }
          case 'v':
            inValue = true
            return
          case 'is':
            inInline = true
            return
          case 'rPh':
            phonetic += 1
            return
          case 't':
            if (inInline && phonetic === 0) inText = true
            return
        }
      },
      text: (text) => {
        if (!inValue && !inText) return
        rowChars += text.length
        if (rowChars > limits.maxRowChars)
          throw new XlsxError(
            `row ${sheetRow} of the worksheet holds more than ${limits.maxRowChars} characters`,
            `工作表第 ${sheetRow} 行超过 ${limits.maxRowChars} 个字符`,
          )
        value.push(text)
      },
      close: (name) => {
        switch (name) {
          case 'v':
            inValue = false
            return
          case 't':
            inText = false
            return
          case 'is':
            inInline = false
            return
          case 'rPh':
            phonetic -= 1
            return
          case 'c': {
            const text = cellText()
            if (text !== '') {
              while (cells.length < column) cells.push('')
              cells[column] = text
            }
            column += 1
            return
          }
          case 'row':
            if (cells.some((cell) => cell.trim() !== '')) done.push(cells)
            return
        }
      },
    }
    for await (const _ of parsePart(zip, sheet, budget, handlers)) {
      while (done.length > 0) yield done.shift()!
    }
    while (done.length > 0) yield done.shift()!
  } finally {
    await zip.close()
  }
}
