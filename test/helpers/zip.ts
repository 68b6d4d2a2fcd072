// A ZIP file written by hand (PKWARE APPNOTE.TXT: local headers, central directory, end record), so
// tests can give the XLSX reader workbooks no spreadsheet program writes: parts in any order, raw
// SpreadsheetML, damaged or encrypted entries. Not a general ZIP writer: no ZIP64, no comments.

import { crc32, deflateRawSync } from 'node:zlib'

export interface ZipOptions {
  /** store the parts instead of deflating them */
  store?: boolean
  /** set the "encrypted" flag on every entry (the bytes stay plain) */
  encryptedFlag?: boolean
}

export const zipOf = (parts: Record<string, string | Buffer>, options: ZipOptions = {}): Buffer => {
  const locals: Buffer[] = []
  const centrals: Buffer[] = []
  let offset = 0
  const flags = options.encryptedFlag ? 0x1 : 0
  const method = options.store ? 0 : 8
  for (const [name, content] of Object.entries(parts)) {
    const data = Buffer.isBuffer(content) ? content : Buffer.from(content, 'utf8')
    const stored = options.store ? data : deflateRawSync(data)
    const fileName = Buffer.from(name, 'utf8')
    const local = Buffer.alloc(30)
    local.writeUInt32LE(0x04034b50, 0)
    local.writeUInt16LE(20, 4)
    local.writeUInt16LE(flags | 0x800, 6)
    local.writeUInt16LE(method, 8)
    local.writeUInt32LE(crc32(data), 14)
    local.writeUInt32LE(stored.length, 18)
    local.writeUInt32LE(data.length, 22)
    local.writeUInt16LE(fileName.length, 26)
    const central = Buffer.alloc(46)
    central.writeUInt32LE(0x02014b50, 0)
    central.writeUInt16LE(20, 4)
    central.writeUInt16LE(20, 6)
    central.writeUInt16LE(flags | 0x800, 8)
    central.writeUInt16LE(method, 10)
    central.writeUInt32LE(crc32(data), 16)
    central.writeUInt32LE(stored.length, 20)
    central.writeUInt32LE(data.length, 24)
    central.writeUInt16LE(fileName.length, 28)
    central.writeUInt32LE(offset, 42)
    locals.push(local, fileName, stored)
    centrals.push(central, fileName)
    offset += local.length + fileName.length + stored.length
  }
  const directory = Buffer.concat(centrals)
  const end = Buffer.alloc(22)
  end.writeUInt32LE(0x06054b50, 0)
  end.writeUInt16LE(Object.keys(parts).length, 8)
  end.writeUInt16LE(Object.keys(parts).length, 10)
  end.writeUInt32LE(directory.length, 12)
  end.writeUInt32LE(offset, 16)
  return Buffer.concat([...locals, directory, end])
}

const CONTENT_TYPES = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"/>`

const ROOT_RELS = `<?xml version="1.0" encoding="UTF-8"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">
<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/>
</Relationships>`

export interface WorkbookParts {
  /** the <sheetData> of the first worksheet */
  sheetData: string
  /** the first worksheet's bytes, instead of a part around sheetData (bytes that are not UTF-8, say) */
  sheetBytes?: Buffer
  /** the <si> elements of the shared strings part; absent: no such part */
  sharedStrings?: string
  /** the <cellXfs> and <numFmts> of the styles part; absent: no such part */
  styles?: string
  /** the 1904 date system */
  date1904?: boolean
  /** the order the parts are written in (the worksheet before the shared strings, as Excel does, by default) */
  order?: 'sheet-first' | 'strings-first'
}

/** An XLSX workbook of one worksheet (and a second one the reader must not read), from raw SpreadsheetML. */
export const workbookOf = (parts: WorkbookParts, options: ZipOptions = {}): Buffer => {
  const main = 'http://schemas.openxmlformats.org/spreadsheetml/2006/main'
  const rel = 'http://schemas.openxmlformats.org/officeDocument/2006/relationships'
  const workbook = `<?xml version="1.0" encoding="UTF-8"?>
<workbook xmlns="${main}" xmlns:r="${rel}"><workbookPr${parts.date1904 ? ' date1904="1"' : ''}/>
<sheets><sheet name="申请" sheetId="1" r:id="rId7"/><sheet name="other" sheetId="2" r:id="rId8"/></sheets></workbook>`
  const workbookRels = `<?xml version="1.0" encoding="UTF-8"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">
<Relationship Id="rId8" Type="${rel}/worksheet" Target="worksheets/sheet2.xml"/>
<Relationship Id="rId7" Type="${rel}/worksheet" Target="/xl/worksheets/sheet1.xml"/>
${parts.sharedStrings === undefined ? '' : `<Relationship Id="rId9" Type="${rel}/sharedStrings" Target="sharedStrings.xml"/>`}
${parts.styles === undefined ? '' : `<Relationship Id="rId10" Type="${rel}/styles" Target="styles.xml"/>`}
</Relationships>`
  const sheet = (data: string) =>
    `<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="${main}"><sheetData>${data}</sheetData></worksheet>`
  const strings: Record<string, string> =
    parts.sharedStrings === undefined
      ? {}
      : {
          'xl/sharedStrings.xml': `<?xml version="1.0" encoding="UTF-8"?><sst xmlns="${main}">${parts.sharedStrings}</sst>`,
        }
  const sheets: Record<string, string | Buffer> = {
    'xl/worksheets/sheet1.xml': parts.sheetBytes ?? sheet(parts.sheetData),
    'xl/worksheets/sheet2.xml': sheet(
      '<row r="1"><c r="A1" t="inlineStr"><is><t>not this sheet</t></is></c></row>',
    ),
  }
  return zipOf(
    {
      '[Content_Types].xml': CONTENT_TYPES,
      '_rels/.rels': ROOT_RELS,
      'xl/workbook.xml': workbook,
      'xl/_rels/workbook.xml.rels': workbookRels,
      ...(parts.order === 'strings-first' ? { ...strings, ...sheets } : { ...sheets, ...strings }),
      ...(parts.styles === undefined
        ? ({} as Record<string, string>)
        : {
            'xl/styles.xml': `<?xml version="1.0" encoding="UTF-8"?><styleSheet xmlns="${main}">${parts.styles}</styleSheet>`,
          }),
    },
    options,
  )
}
