// The parts of a ZIP file on disk (an XLSX workbook is one, ECMA-376 Part 2): its central directory
// read once, then any part streamed and inflated on its own. A workbook's parts are read in the order
// the reading needs (the shared strings before the worksheet that refers to them), not the order they
// were written in, so the upload is spooled to a file first (src/batches/xlsx-rows.ts) and read here
// by offset: nothing holds the file in memory. The format: PKWARE's APPNOTE.TXT (4.3.7 local header,
// 4.3.12 central directory header, 4.3.14–4.3.16 ZIP64 and the end of central directory record).

import { createReadStream } from 'node:fs'
import { type FileHandle, open } from 'node:fs/promises'
import { PassThrough, type Readable } from 'node:stream'
import { createInflateRaw } from 'node:zlib'
import type { Text } from '../i18n/language.ts'

/** Why the bytes are not a ZIP file this reader can read (the caller answers 422), in both languages. */
export class ZipError extends Error {
  readonly text: Text
  constructor(en: string, zh: string) {
    super(en)
    this.name = 'ZipError'
    this.text = { zh, en }
  }
}

export interface ZipEntry {
  name: string
  /** 0 stored, 8 deflated: the two methods OOXML writers use */
  method: number
  compressedSize: number
  size: number
  localHeaderOffset: number
}

const EOCD = 0x06054b50
const ZIP64_LOCATOR = 0x07064b50
const ZIP64_EOCD = 0x06064b50
const CENTRAL_HEADER = 0x02014b50
const LOCAL_HEADER = 0x04034b50
/** the end record (22 bytes) and the longest comment it can carry */
const EOCD_SEARCH = 22 + 0xffff
/** a 16- or 32-bit field at its maximum: the value is in the ZIP64 record or extra field */
const U16_MAX = 0xffff
const U32_MAX = 0xffffffff

const readAt = async (file: FileHandle, position: number, length: number): Promise<Buffer> => {
  const buffer = Buffer.alloc(length)
  const { bytesRead } = await file.read(buffer, 0, length, position)
  if (bytesRead !== length)
    throw new ZipError(
      'the file ends inside a ZIP record (it was cut short)',
      '文件在 ZIP 记录中途结束（文件不完整）',
    )
  return buffer
}

const u64 = (buffer: Buffer, at: number): number => {
  const value = buffer.readBigUInt64LE(at)
  if (value > BigInt(Number.MAX_SAFE_INTEGER))
    throw new ZipError('a ZIP64 field is out of range', 'ZIP64 字段超出范围')
  return Number(value)
}

/** Where the central directory is, and how many entries it has (the ZIP64 record when the end record says so). */
const centralDirectory = async (
  file: FileHandle,
  size: number,
): Promise<{ offset: number; length: number; entries: number }> => {
  const tailLength = Math.min(size, EOCD_SEARCH)
  const tail = await readAt(file, size - tailLength, tailLength)
  let at = -1
  for (let i = tailLength - 22; i >= 0; i--)
    if (tail.readUInt32LE(i) === EOCD) {
      at = i
      break
    }
  if (at < 0)
    throw new ZipError(
      'no end of central directory record: not a ZIP file, or one cut short',
      '找不到 ZIP 中央目录的结尾记录：不是 ZIP 文件，或文件不完整',
    )
  let entries = tail.readUInt16LE(at + 10)
  let length = tail.readUInt32LE(at + 12)
  let offset = tail.readUInt32LE(at + 16)
  if (entries === U16_MAX || length === U32_MAX || offset === U32_MAX) {
    if (at < 20 || tail.readUInt32LE(at - 20) !== ZIP64_LOCATOR)
      throw new ZipError('a ZIP64 end record is announced but missing', 'ZIP64 结尾记录缺失')
    const record = await readAt(file, u64(tail, at - 20 + 8), 56)
    if (record.readUInt32LE(0) !== ZIP64_EOCD)
      throw new ZipError('the ZIP64 end record is damaged', 'ZIP64 结尾记录已损坏')
    entries = u64(record, 32)
    length = u64(record, 40)
    offset = u64(record, 48)
  }
  if (offset + length > size)
    throw new ZipError('the central directory lies past the end of the file', 'ZIP 中央目录超出文件末尾')
  return { offset, length, entries }
}

/** Sizes and offset that did not fit 32 bits, from the entry's ZIP64 extra field (APPNOTE 4.5.3). */
const zip64Extra = (extra: Buffer, entry: ZipEntry): void => {
  for (let at = 0; at + 4 <= extra.length; ) {
    const id = extra.readUInt16LE(at)
    const length = extra.readUInt16LE(at + 2)
    if (id === 0x0001) {
      let field = at + 4
      const next = (): number => {
        if (field + 8 > at + 4 + length)
          throw new ZipError('a ZIP64 extra field is too short', 'ZIP64 扩展字段过短')
        const value = u64(extra, field)
        field += 8
        return value
      }
      if (entry.size === U32_MAX) entry.size = next()
      if (entry.compressedSize === U32_MAX) entry.compressedSize = next()
      if (entry.localHeaderOffset === U32_MAX) entry.localHeaderOffset = next()
      return
    }
    at += 4 + length
  }
}

export interface ZipFile {
  /** the entries by name */
  readonly entries: ReadonlyMap<string, ZipEntry>
  /** The entry's bytes, inflated, as a stream. */
  stream(entry: ZipEntry): Promise<Readable>
  close(): Promise<void>
}

/** Opens the ZIP file at `path` and reads its central directory. */
export const openZip = async (path: string): Promise<ZipFile> => {
  const file = await open(path, 'r')
  try {
    const { size } = await file.stat()
    const directory = await centralDirectory(file, size)
    const bytes = await readAt(file, directory.offset, directory.length)
    const entries = new Map<string, ZipEntry>()
    let at = 0
    for (let i = 0; i < directory.entries; i++) {
      if (at + 46 > bytes.length || bytes.readUInt32LE(at) !== CENTRAL_HEADER)
        throw new ZipError('the central directory is damaged', 'ZIP 中央目录已损坏')
      const flags = bytes.readUInt16LE(at + 8)
      const nameLength = bytes.readUInt16LE(at + 28)
      const extraLength = bytes.readUInt16LE(at + 30)
      const commentLength = bytes.readUInt16LE(at + 32)
      // bit 11: the name is UTF-8; otherwise CP437, which agrees with it on the ASCII names of OOXML parts
      const name = bytes.toString(flags & 0x800 ? 'utf8' : 'latin1', at + 46, at + 46 + nameLength)
      const entry: ZipEntry = {
        name,
        method: bytes.readUInt16LE(at + 10),
        compressedSize: bytes.readUInt32LE(at + 20),
        size: bytes.readUInt32LE(at + 24),
        localHeaderOffset: bytes.readUInt32LE(at + 42),
      }
      zip64Extra(bytes.subarray(at + 46 + nameLength, at + 46 + nameLength + extraLength), entry)
      // bit 0: encrypted (a workbook saved with a password to open it)
      if (flags & 0x1)
        throw new ZipError(
          `the part ${name} is encrypted (the workbook has a password to open it)`,
          `部件 ${name} 已加密（工作簿设有打开密码）`,
        )
      entries.set(name, entry)
      at += 46 + nameLength + extraLength + commentLength
    }
    const stream = async (entry: ZipEntry): Promise<Readable> => {
      const local = await readAt(file, entry.localHeaderOffset, 30)
      if (local.readUInt32LE(0) !== LOCAL_HEADER)
        throw new ZipError(`the part ${entry.name} is damaged`, `部件 ${entry.name} 已损坏`)
      const start = entry.localHeaderOffset + 30 + local.readUInt16LE(26) + local.readUInt16LE(28)
      if (start + entry.compressedSize > size)
        throw new ZipError(
          `the part ${entry.name} lies past the end of the file`,
          `部件 ${entry.name} 超出文件末尾`,
        )
      if (entry.compressedSize === 0) return new PassThrough().end()
      // a stream of its own over the path: destroying a stream over the shared handle would close it
      const raw = createReadStream(path, { start, end: start + entry.compressedSize - 1 })
      if (entry.method === 0) return raw
      if (entry.method !== 8)
        throw new ZipError(
          `the part ${entry.name} is compressed with method ${entry.method}, not deflate`,
          `部件 ${entry.name} 的压缩方法 ${entry.method} 不是 deflate`,
        )
      const inflate = createInflateRaw()
      raw.on('error', (error) => inflate.destroy(error))
      return raw.pipe(inflate)
    }
    return { entries, stream, close: () => file.close() }
  } catch (error) {
    await file.close()
    throw error
  }
}
