// The source's numbered clauses (一)…(二十三) as §1…§23 (POLICY.md §0): heading and text, exactly as
// written. A clause runs from its heading line to the next numbered heading or part title (一、…).

const NUMERALS = ['一', '二', '三', '四', '五', '六', '七', '八', '九', '十']

/** 1 → 一, 10 → 十, 18 → 十八, 23 → 二十三 */
export const chineseNumeral = (n: number): string => {
  if (n <= 10) return NUMERALS[n - 1]!
  const tens = Math.floor(n / 10)
  const units = n % 10
  return (tens === 1 ? '' : NUMERALS[tens - 1]!) + '十' + (units === 0 ? '' : NUMERALS[units - 1]!)
}

export interface Clause {
  /** as printed in the source, e.g. （十八） */
  number: string
  heading: string
  /** the clause's paragraphs, full-width indentation removed */
  text: string[]
}

const HEADING = /^（([一二三四五六七八九十]+)）(.*)$/
const PART = /^[一二三四五六七八九十]+、/

export const clauseTable = (source: string): Record<string, Clause> => {
  const numberOf = new Map(Array.from({ length: 30 }, (_, i) => [chineseNumeral(i + 1), i + 1] as const))
  const table: Record<string, Clause> = {}
  let current: Clause | null = null
  for (const raw of source.split(/\r?\n/)) {
    const line = raw.replace(/^[\s\u3000]+|[\s\u3000]+$/g, '')
    if (line === '') continue
    const heading = HEADING.exec(line)
    if (heading) {
      const n = numberOf.get(heading[1]!)
      if (n === undefined) throw new Error(`unknown clause numeral in "${line}"`)
      current = { number: `（${heading[1]}）`, heading: heading[2]!, text: [] }
      table[`§${n}`] = current
    } else if (PART.test(line)) {
      current = null
    } else if (current) {
      current.text.push(line)
    }
  }
  return table
}
