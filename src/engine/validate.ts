// What a user can get wrong in an application, checked before any rule runs. Pure: no I/O. Every
// problem is collected, then ONE EngineError('InvalidInput') lists them all (details.errors, each
// with a JSON pointer), so a caller fixes a form in one round trip. A missing optional fact is not
// an error here: measures answer MISSING_INPUT for what they need. Checked:
// - the unified social credit code (统一社会信用代码, GB 32100-2015): 18 characters of the code's
//   alphabet (digits and uppercase letters without I, O, S, V, Z) and the check character. The
//   registration authority's division code is not required to be in Yunnan: enterprises from
//   elsewhere may invest here;
// - prefecture ids: the pinyin ids of src/engine/prefectures.ts only (not GB/T 2260 codes, so one
//   prefecture has one spelling in stored decisions);
// - GB/T 4754-2017 industry codes (src/engine/industry-codes.ts);
// - every date a real calendar date (YYYY-MM-DD), a tax record's `from` ≤ `to`;
// - amounts in yuan: non-negative decimal strings with at most 2 decimals; other quantities and
//   ratios: non-negative decimal strings (shares and building coefficients ≤ 1);
// - the vocabularies of types.ts, whole-number years and ranks, and duplicate ids among claims;
// - (ruleset 1.4.0 on) the ids that key a ledger, in their standard form (`identifier` below).
// Every message is written in Chinese and English ({ zh, en }); the API answers in the request's.

import { isIsoDate } from './dates.ts'
import { EngineError } from './errors.ts'
import { industryCodeProblem } from './industry-codes.ts'
import { foldCase } from './ledgers.ts'
import { isPrefectureId, PREFECTURE_IDS } from './prefectures.ts'
import {
  appliesRulings20261206,
  foldsLedgerKeys,
  RULESET,
  type RulesetVersion,
  restrictsIdentifiers,
} from './ruleset.ts'
import type { Text } from './trace.ts'
import {
  type Application,
  BUILD_TYPES,
  CAPACITY_PRODUCTS,
  EMERGING_INDUSTRIES,
  PARK_LEVELS,
  PLATFORM_KINDS,
  POLICY_CLASSES,
  RESEARCH_EVENT_KINDS,
  STANDARD_KINDS,
  TALENT_ROLES,
} from './types.ts'

export interface InputProblem {
  pointer: string
  /** what is wrong, in both languages */
  message: Text
}

/** GB 32100-2015: the 31 characters of the code, in the order of their values 0–30. */
const CREDIT_CODE_ALPHABET = '0123456789ABCDEFGHJKLMNPQRTUWXY'
const CREDIT_CODE_LENGTH = 18
const CREDIT_CODE_MODULUS = CREDIT_CODE_ALPHABET.length
/** Weight of position i (0-based) is 3^i mod 31. */
const CREDIT_CODE_WEIGHTS: readonly number[] = (() => {
  const weights = [1]
  while (weights.length < CREDIT_CODE_LENGTH - 1)
    weights.push((weights[weights.length - 1]! * 3) % CREDIT_CODE_MODULUS)
  return weights
})()

/** The check character GB 32100 assigns to the first 17 characters of a code. */
export const creditCodeCheckCharacter = (first17: string): string => {
  let total = 0
  for (let i = 0; i < first17.length; i++)
    total += CREDIT_CODE_ALPHABET.indexOf(first17[i]!) * CREDIT_CODE_WEIGHTS[i]!
  return CREDIT_CODE_ALPHABET[(CREDIT_CODE_MODULUS - (total % CREDIT_CODE_MODULUS)) % CREDIT_CODE_MODULUS]!
}

// Codes already found valid (a bounded, pure memo: the answer depends on the code alone), as
// isIsoDate does for dates: every evaluation of an enterprise checks the same code again.
const VALID_CREDIT_CODES = new Set<string>()

/** Why a unified social credit code is invalid, or null when it is valid. */
export const creditCodeProblem = (code: unknown): Text | null => {
  if (typeof code !== 'string')
    return { zh: '统一社会信用代码必须是字符串', en: 'the unified social credit code must be a string' }
  if (VALID_CREDIT_CODES.has(code)) return null
  const problem = creditCodeProblemOf(code)
  if (problem === null) {
    if (VALID_CREDIT_CODES.size >= 4096) VALID_CREDIT_CODES.clear()
    VALID_CREDIT_CODES.add(code)
  }
  return problem
}

const creditCodeProblemOf = (code: string): Text | null => {
  if (code.length !== CREDIT_CODE_LENGTH)
    return {
      zh: `统一社会信用代码应为${CREDIT_CODE_LENGTH}位，而不是${code.length}位`,
      en: `the unified social credit code has ${CREDIT_CODE_LENGTH} characters, not ${code.length}`,
    }
  let allInAlphabet = true
  for (let i = 0; i < code.length && allInAlphabet; i++)
    allInAlphabet = CREDIT_CODE_ALPHABET.includes(code[i]!)
  const bad = allInAlphabet ? [] : [...code].filter((c) => !CREDIT_CODE_ALPHABET.includes(c))
  if (bad.length > 0) {
    const found = [...new Set(bad)].map((c) => `"${c}"`)
    return {
      zh: `统一社会信用代码只能包含数字和大写字母 A–H、J–N、P–R、T、U、W–Y（发现 ${found.join('、')}）`,
      en:
        `the unified social credit code may contain only digits and the uppercase letters ` +
        `A–H, J–N, P–R, T, U, W–Y (found ${found.join(', ')})`,
    }
  }
  const expected = creditCodeCheckCharacter(code.slice(0, CREDIT_CODE_LENGTH - 1))
  const given = code[CREDIT_CODE_LENGTH - 1]
  if (given !== expected)
    return {
      zh: `统一社会信用代码的校验码为"${given}"，按 GB 32100 应为"${expected}"`,
      en: `the check character of the unified social credit code is "${given}"; GB 32100 gives "${expected}"`,
    }
  return null
}

const AMOUNT = /^\d+(\.\d{1,2})?$/
const QUANTITY = /^\d+(\.\d+)?$/
const RATIO_AT_MOST_ONE = /^(0(\.\d+)?|1(\.0+)?)$/

const REQUIRED: Text = { zh: '必填', en: 'is required' }
const MUST_BE_OBJECT: Text = { zh: '必须是对象', en: 'must be an object' }

/**
 * A check of one value: why it is wrong, or null. Module-level functions made once (not closures per
 * Collector), since every evaluation validates its application (a one-measure evaluation spends most
 * of its time here); the pointer is the caller's, built only for a value that is wrong.
 */
type Check = (value: unknown) => Text | null

/** What a list checks of each item (module-level functions, as checks are). */
type ItemCheck = (c: Collector, item: Record<string, unknown>, pointer: string, index: number) => void

class Collector {
  readonly problems: InputProblem[] = []
  /** how an identifier that keys a ledger is checked: its standard form from ruleset 1.4.0 on */
  readonly id: Check

  constructor(
    identifiers: boolean,
    /** ids that differ only in letter case are one subject, so duplicates (ruleset 1.5.0 on) */
    readonly foldedIds: boolean,
    /** ids within printable ASCII and Chinese characters (ruleset 1.6.0 on) */
    repertoire: boolean,
  ) {
    this.id = identifiers ? (repertoire ? IDENTIFIER_IN_REPERTOIRE : IDENTIFIER) : text
  }

  add(pointer: string, message: Text): void {
    this.problems.push({ pointer, message })
  }

  /** Runs `check` when the value is present; reports it as required otherwise when asked. */
  field(value: unknown, pointer: string, check: Check, required = false): void {
    if (value === undefined || value === null) {
      if (required) this.add(pointer, REQUIRED)
      return
    }
    const problem = check(value)
    if (problem !== null) this.add(pointer, problem)
  }

  /**
   * field() of a list item's member, at `${list}/${index}${member}`: the pointer is built only when
   * the value is wrong (a list of a dozen items built ~50 pointers per evaluation, all discarded).
   */
  item(value: unknown, list: string, index: number, member: string, check: Check, required = false): void {
    if (value === undefined || value === null) {
      if (required) this.add(`${list}/${index}${member}`, REQUIRED)
      return
    }
    const problem = check(value)
    if (problem !== null) this.add(`${list}/${index}${member}`, problem)
  }

  list(value: unknown, pointer: string, each: ItemCheck): void {
    if (value === undefined || value === null) return
    if (!Array.isArray(value)) {
      this.add(pointer, { zh: '必须是列表', en: 'must be a list' })
      return
    }
    for (let i = 0; i < value.length; i++) {
      const item: unknown = value[i]
      if (item === null || typeof item !== 'object' || Array.isArray(item))
        this.add(`${pointer}/${i}`, MUST_BE_OBJECT)
      else each(this, item as Record<string, unknown>, pointer, i)
    }
  }

  /** Reports every item whose key repeats an earlier item's. */
  unique(
    value: unknown,
    pointer: string,
    keyOf: (item: Record<string, unknown>) => unknown,
    field: string,
  ): void {
    if (!Array.isArray(value) || value.length < 2) return
    if (distinctPlainKeys(value, keyOf)) return
    const seen = new Map<string, number>()
    value.forEach((item, i) => {
      if (item === null || typeof item !== 'object') return
      const key = JSON.stringify(keyOf(item as Record<string, unknown>))
      const first = seen.get(key)
      if (first === undefined) seen.set(key, i)
      else
        this.add(`${pointer}/${i}/${field}`, {
          zh: `与 ${pointer}/${first} 重复（${key}）：每项只能申报一次`,
          en: `duplicates ${pointer}/${first} (${key}): each may be claimed once`,
        })
    })
  }
}

/**
 * Whether the keys of a list's items are plain (a string, or a string and a finite number) and no
 * two are equal: then no two of their JSON texts are equal either, and unique() has nothing to
 * report without stringifying a key or building a Map. Anything else: false (unique() decides).
 */
const distinctPlainKeys = (
  items: readonly unknown[],
  keyOf: (item: Record<string, unknown>) => unknown,
): boolean => {
  const keys: unknown[] = []
  const numbers: unknown[] = []
  for (const item of items) {
    if (item === null || typeof item !== 'object') continue
    const key = keyOf(item as Record<string, unknown>)
    let text: unknown
    let number: unknown
    if (typeof key === 'string') text = key
    else if (
      Array.isArray(key) &&
      key.length === 2 &&
      typeof key[0] === 'string' &&
      typeof key[1] === 'number' &&
      Number.isFinite(key[1])
    ) {
      text = key[0]
      number = key[1]
    } else return false
    for (let j = 0; j < keys.length; j++) if (keys[j] === text && numbers[j] === number) return false
    keys.push(text)
    numbers.push(number)
  }
  return true
}

const date: Check = (value) =>
  typeof value !== 'string' || !isIsoDate(value)
    ? {
        zh: `必须是实际存在的日历日期 YYYY-MM-DD，而不是 ${JSON.stringify(value)}`,
        en: `must be a real calendar date YYYY-MM-DD, not ${JSON.stringify(value)}`,
      }
    : null

const amount: Check = (value) =>
  typeof value !== 'string' || !AMOUNT.test(value)
    ? {
        zh: `必须是以元为单位的金额：非负的十进制字符串，最多两位小数，如 "1200.50"，而不是 ${JSON.stringify(value)}`,
        en: `must be an amount in yuan: a non-negative decimal string with at most 2 decimals, e.g. "1200.50", not ${JSON.stringify(value)}`,
      }
    : null

const quantity: Check = (value) =>
  typeof value !== 'string' || !QUANTITY.test(value)
    ? {
        zh: `必须是非负的十进制字符串，如 "0.84"，而不是 ${JSON.stringify(value)}`,
        en: `must be a non-negative decimal string, e.g. "0.84", not ${JSON.stringify(value)}`,
      }
    : null

const ratio: Check = (value) =>
  typeof value !== 'string' || !RATIO_AT_MOST_ONE.test(value)
    ? {
        zh: `必须是 0 到 1 之间的比例（十进制字符串），如 "0.50"，而不是 ${JSON.stringify(value)}`,
        en: `must be a ratio between 0 and 1 as a decimal string, e.g. "0.50", not ${JSON.stringify(value)}`,
      }
    : null

const boolean: Check = (value) =>
  typeof value !== 'boolean' ? { zh: '必须是 true 或 false', en: 'must be true or false' } : null

const text: Check = (value) =>
  typeof value !== 'string' || value.trim() === ''
    ? { zh: '必须是非空字符串', en: 'must be a non-empty string' }
    : null

// The identifiers that key a ledger (a project's, a platform's, an institute's or achievement's, a
// standard's or certificate's, a person's: src/engine/ledgers.ts) are compared as written, so one id
// written two ways would be two subjects, each granted its cap or its one-time award. From ruleset
// 1.4.0 an id is taken only in its standard form: Unicode NFKC (full-width letters and digits,
// ideographic spaces and decomposed accents written the usual way), no invisible characters (format,
// control, line and paragraph separators: a zero-width space, a BOM), no spaces at either end and no
// run of spaces, dashes written as the hyphen-minus "-" (a hyphen U+2010, an en or em dash, a minus
// sign look the same), and in an id written in Latin letters, no Cyrillic or Greek letter that looks
// like a Latin one ("nеrc" with a Cyrillic е is "nerc" to a reader, another subject to a key). A form
// that differs is refused with the form to write, never rewritten silently: the decision stores the
// facts as sent. Letter case is not refused: from ruleset 1.5.0 the ledger compares ids without it
// (src/engine/ledgers.ts foldKey), so "nerc-1" and "NERC-1" are one platform, and one application
// that claims both claims it twice.
const PLAIN_ID = /^[\x21-\x7e](?:[\x21-\x7e]| (?! ))*$/
const INVISIBLE = /[\p{Cc}\p{Cf}\p{Zl}\p{Zp}]/gu
/** Hyphens and dashes NFKC keeps apart from "-": U+2010–U+2015, the minus sign, small and long em dashes. */
const DASHES = /[\u2010-\u2015\u2212\uFE58\u2E3A\u2E3B]/gu
/** Cyrillic and Greek letters drawn like Latin ones (Unicode's confusables), and their Latin twin. */
const LATIN_LOOKALIKES: Readonly<Record<string, string>> = Object.fromEntries(
  [
    // Cyrillic
    'аa еe оo рp сc уy хx іi јj ѕs һh ԁd ԛq ԝw ѵv',
    'АA ВB ЕE КK МM НH ОO РP СC ТT УY ХX ІI ЈJ ЅS ԚQ ԜW',
    // Greek
    'οo νv ιi κk',
    'ΑA ΒB ΕE ΖZ ΗH ΙI ΚK ΜM ΝN ΟO ΡP ΤT ΥY ΧX',
  ]
    .join(' ')
    .split(' ')
    .map((pair) => [pair[0]!, pair[1]!]),
)
const LOOKALIKE = new RegExp(`[${Object.keys(LATIN_LOOKALIKES).join('')}]`, 'gu')
const LATIN_LETTER = /[A-Za-z]/

/**
 * The standard form of an identifier: NFKC, without invisible characters, single spaces, trimmed,
 * dashes as "-", and — when it has Latin letters — Latin letters for their Cyrillic and Greek
 * lookalikes (an id written wholly in Cyrillic or Greek keeps its letters).
 */
export const standardIdentifier = (id: string): string => {
  const plain = id.normalize('NFKC').replace(/\s+/gu, ' ').replace(INVISIBLE, '').trim().replace(DASHES, '-')
  return LATIN_LETTER.test(plain) ? plain.replace(LOOKALIKE, (c) => LATIN_LOOKALIKES[c]!) : plain
}

/**
 * From ruleset 1.6.0 a ledger identifier's characters: printable ASCII, the space, the unified CJK
 * ideographs (not the compatibility ones, which NFKC already maps onto them) and 〇 (U+3007, the
 * ideographic zero of dates written in Chinese). Outside them, the standard form (1.4.0) could not
 * be trusted to find every character a reader does not see or reads as another: combining marks
 * such as the grapheme joiner U+034F, variation selectors, Hangul fillers, the braille blank, an id
 * wholly in Cyrillic or Greek letters, digits of other scripts, dashes such as U+02D7 or U+2043.
 */
const OUTSIDE_REPERTOIRE = /[^\x20-\x7e\p{Unified_Ideograph}\u3007]/u

const outsideRepertoire = (id: string): Text | null => {
  const found = OUTSIDE_REPERTOIRE.exec(id)
  if (found === null) return null
  const char = found[0] // one code point: the pattern has the u flag
  const code = `U+${char.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')}`
  const position = [...id.slice(0, found.index)].length + 1
  return {
    zh: `标识只能由 ASCII 可打印字符（字母、数字、标点、空格）和汉字组成：第 ${position} 个字符 ${code}（${JSON.stringify(char)}）不是`,
    en: `an identifier holds only printable ASCII (letters, digits, punctuation, spaces) and Chinese characters: character ${position}, ${code} (${JSON.stringify(char)}), is neither`,
  }
}

/** An identifier of ruleset 1.4.0 on: in its standard form; from 1.6.0 also within the repertoire. */
const identifierCheck =
  (repertoire: boolean): Check =>
  (value) => {
    const problem = text(value)
    if (problem !== null) return problem
    const id = value as string
    // printable ASCII, single spaces inside, none at the ends: already standard (no normalize() call)
    if (PLAIN_ID.test(id) && !id.endsWith(' ')) return null
    return standardFormProblem(id) ?? (repertoire ? outsideRepertoire(id) : null)
  }

const standardFormProblem = (id: string): Text | null => {
  const standard = standardIdentifier(id)
  if (standard === id) return null
  if (standard === '') return { zh: '必须包含可见字符', en: 'must contain a visible character' }
  return {
    zh: `标识须按标准形式书写（两端无空格、无不可见字符、无全角字符（Unicode NFKC）、连字符写作 "-"、拉丁字母标识中不夹形似的西里尔或希腊字母），应写作 ${JSON.stringify(standard)}，而不是 ${JSON.stringify(id)}`,
    en: `an identifier must be written in its standard form (no spaces at either end, no invisible characters, no full-width letters (Unicode NFKC), dashes as "-", no Cyrillic or Greek letter looking like a Latin one among Latin letters): ${JSON.stringify(standard)}, not ${JSON.stringify(id)}`,
  }
}

const IDENTIFIER = identifierCheck(false)
const IDENTIFIER_IN_REPERTOIRE = identifierCheck(true)

const year: Check = (value) =>
  typeof value !== 'number' || !Number.isInteger(value) || value < 1900 || value > 9999
    ? {
        zh: '必须是年份，即 2015 这样的整数',
        en: 'must be a year, a whole number such as 2015',
      }
    : null

const positiveInteger: Check = (value) =>
  typeof value !== 'number' || !Number.isInteger(value) || value < 1
    ? { zh: '必须是不小于 1 的整数', en: 'must be a whole number of at least 1' }
    : null

const oneOf =
  (allowed: readonly string[]): Check =>
  (value) =>
    typeof value !== 'string' || !allowed.includes(value)
      ? {
          zh: `必须是以下之一：${allowed.join(', ')}，而不是 ${JSON.stringify(value)}`,
          en: `must be one of ${allowed.join(', ')}, not ${JSON.stringify(value)}`,
        }
      : null

const EMERGING_INDUSTRY = oneOf(EMERGING_INDUSTRIES)
const BUILD_TYPE = oneOf(BUILD_TYPES)
const POLICY_CLASS = oneOf(POLICY_CLASSES)
const PARK_LEVEL = oneOf(PARK_LEVELS)
const CAPACITY_PRODUCT = oneOf(CAPACITY_PRODUCTS)
const PLATFORM_KIND = oneOf(PLATFORM_KINDS)
const RESEARCH_EVENT_KIND = oneOf(RESEARCH_EVENT_KINDS)
const STANDARD_KIND = oneOf(STANDARD_KINDS)
const TALENT_ROLE = oneOf(TALENT_ROLES)

const industryCode: Check = (code) =>
  typeof code === 'string' ? industryCodeProblem(code) : { zh: '必须是字符串', en: 'must be a string' }

const prefecture: Check = (id) =>
  typeof id !== 'string' || !isPrefectureId(id)
    ? {
        zh: `必须是云南省州（市）的拼音标识（${PREFECTURE_IDS.join(', ')}），而不是 ${JSON.stringify(id)}`,
        en: `must be the pinyin id of a Yunnan prefecture (${PREFECTURE_IDS.join(', ')}), not ${JSON.stringify(id)}`,
      }
    : null

const object = (value: unknown): Record<string, unknown> | null =>
  value !== null && typeof value === 'object' && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : null

/** The amounts of a tax record, with their members' pointers. */
const TAX_MEMBERS = [
  ['vat', '/vat'],
  ['enterpriseIncomeTax', '/enterpriseIncomeTax'],
  ['businessTax', '/businessTax'],
] as const

const taxRecord: ItemCheck = (c, record, list, i) => {
  c.item(record.from, list, i, '/from', date, true)
  c.item(record.to, list, i, '/to', date, true)
  if (
    typeof record.from === 'string' &&
    typeof record.to === 'string' &&
    isIsoDate(record.from) &&
    isIsoDate(record.to) &&
    record.from > record.to
  )
    c.add(`${list}/${i}/to`, {
      zh: `期间的结束日（${record.to}）早于开始日（${record.from}）`,
      en: `the period ends (${record.to}) before it starts (${record.from})`,
    })
  for (const [tax, member] of TAX_MEMBERS) c.item(record[tax], list, i, member, amount)
}

const enterprise = (c: Collector, value: unknown): void => {
  const e = object(value)
  if (!e) {
    c.add('/enterprise', REQUIRED)
    return
  }
  if (e.creditCode === undefined) c.add('/enterprise/creditCode', REQUIRED)
  else {
    const problem = creditCodeProblem(e.creditCode)
    if (problem) c.add('/enterprise/creditCode', problem)
  }
  c.field(e.name, '/enterprise/name', text, true)
  c.field(e.registeredOn, '/enterprise/registeredOn', date)
  c.field(e.techSmeCertified, '/enterprise/techSmeCertified', boolean)
  c.list(e.taxRecords, '/enterprise/taxRecords', taxRecord)
  const ranking = object(e.emergingIndustryRanking)
  if (e.emergingIndustryRanking !== undefined && e.emergingIndustryRanking !== null && !ranking)
    c.add('/enterprise/emergingIndustryRanking', MUST_BE_OBJECT)
  if (ranking) {
    const p = '/enterprise/emergingIndustryRanking'
    c.field(ranking.industry, `${p}/industry`, EMERGING_INDUSTRY, true)
    c.field(ranking.year, `${p}/year`, year, true)
    c.field(ranking.rank, `${p}/rank`, positiveInteger, true)
  }
}
const CAPACITY_FLAGS = [
  ['resourcesOutsideProvince', '/project/capacity/resourcesOutsideProvince'],
  ['energyOutsideProvince', '/project/capacity/energyOutsideProvince'],
  ['marketOutsideProvince', '/project/capacity/marketOutsideProvince'],
] as const

const project = (c: Collector, value: unknown): void => {
  if (value === undefined || value === null) return
  const p = object(value)
  if (!p) {
    c.add('/project', MUST_BE_OBJECT)
    return
  }
  c.field(p.id, '/project/id', c.id, true)
  c.field(p.name, '/project/name', text, true)
  c.field(p.buildType, '/project/buildType', BUILD_TYPE, true)
  c.field(p.industryCode, '/project/industryCode', industryCode, true)
  c.field(p.emergingIndustry, '/project/emergingIndustry', EMERGING_INDUSTRY)
  c.field(p.policyClass, '/project/policyClass', POLICY_CLASS, true)
  c.field(p.meetsAccessConditions, '/project/meetsAccessConditions', boolean, true)
  c.field(p.prefecture, '/project/prefecture', prefecture, true)
  c.field(p.inCentralYunnanZone, '/project/inCentralYunnanZone', boolean, true)

  if (p.park !== undefined && p.park !== null) {
    const park = object(p.park)
    if (!park) c.add('/project/park', MUST_BE_OBJECT)
    else {
      c.field(park.id, '/project/park/id', text, true)
      c.field(park.name, '/project/park/name', text, true)
      c.field(park.level, '/project/park/level', PARK_LEVEL, true)
      c.field(park.pilot, '/project/park/pilot', boolean)
    }
  }

  c.field(p.capacityProduct, '/project/capacityProduct', CAPACITY_PRODUCT)
  const capacity = object(p.capacity)
  if (p.capacity !== undefined && !capacity) c.add('/project/capacity', MUST_BE_OBJECT)
  if (capacity) {
    c.field(capacity.newCapacity, '/project/capacity/newCapacity', quantity)
    c.field(capacity.replacedCapacity, '/project/capacity/replacedCapacity', quantity)
    c.field(capacity.selfProducedRawMaterialShare, '/project/capacity/selfProducedRawMaterialShare', ratio)
    for (const [flag, pointer] of CAPACITY_FLAGS) c.field(capacity[flag], pointer, boolean)
  }

  c.field(p.deepProcessing, '/project/deepProcessing', boolean)
  c.field(p.chainExtension, '/project/chainExtension', boolean)
  c.field(p.investment, '/project/investment', amount)
  c.field(p.commissionedOn, '/project/commissionedOn', date)
  c.list(p.taxRecords, '/project/taxRecords', taxRecord)
  c.field(p.keyTransformationLibrary, '/project/keyTransformationLibrary', boolean)
  c.field(p.majorTransformationProject, '/project/majorTransformationProject', boolean)

  const land = object(p.land)
  if (p.land !== undefined && !land) c.add('/project/land', MUST_BE_OBJECT)
  if (land) {
    c.field(land.areaMu, '/project/land/areaMu', quantity, true)
    c.field(land.quotedPricePerMu, '/project/land/quotedPricePerMu', amount)
    c.field(land.plotRatio, '/project/land/plotRatio', quantity, true)
    c.field(land.buildingCoefficient, '/project/land/buildingCoefficient', ratio, true)
    c.field(land.inPriorityCatalogue, '/project/land/inPriorityCatalogue', boolean, true)
    c.field(land.meetsInvestmentIntensity, '/project/land/meetsInvestmentIntensity', boolean, true)
    c.field(land.existingLandPlotRatioIncrease, '/project/land/existingLandPlotRatioIncrease', boolean)
    c.field(land.newLandFloorAreaAboveStandard, '/project/land/newLandFloorAreaAboveStandard', boolean)
    c.field(land.assessedAdditionalPremium, '/project/land/assessedAdditionalPremium', amount)
  }

  const power = object(p.power)
  if (p.power !== undefined && !power) c.add('/project/power', MUST_BE_OBJECT)
  if (power) {
    c.field(power.voltageKv, '/project/power/voltageKv', quantity, true)
    c.field(power.unitEnergyConsumption, '/project/power/unitEnergyConsumption', quantity, true)
    c.field(power.industryStandard, '/project/power/industryStandard', quantity, true)
  }
}

const rdPlatform: ItemCheck = (c, item, list, i) => {
  c.item(item.id, list, i, '/id', c.id, true)
  c.item(item.kind, list, i, '/kind', PLATFORM_KIND, true)
  c.item(item.recognisedOn, list, i, '/recognisedOn', date, true)
}

const researchEvent: ItemCheck = (c, item, list, i) => {
  c.item(item.id, list, i, '/id', c.id, true)
  c.item(item.kind, list, i, '/kind', RESEARCH_EVENT_KIND, true)
  c.item(item.date, list, i, '/date', date, true)
}

const standard: ItemCheck = (c, item, list, i) => {
  c.item(item.id, list, i, '/id', c.id, true)
  c.item(item.kind, list, i, '/kind', STANDARD_KIND, true)
  c.item(item.date, list, i, '/date', date, true)
}

const talent: ItemCheck = (c, item, list, i) => {
  c.item(item.personId, list, i, '/personId', c.id, true)
  c.item(item.name, list, i, '/name', text, true)
  c.item(item.role, list, i, '/role', TALENT_ROLE, true)
  c.item(item.designatedExcellent, list, i, '/designatedExcellent', boolean, true)
  c.item(item.year, list, i, '/year', year, true)
  c.item(item.individualIncomeTax, list, i, '/individualIncomeTax', amount, true)
}

const idOf = (item: Record<string, unknown>): unknown => item.id
const personYearOf = (item: Record<string, unknown>): unknown => [item.personId, item.year]
/** The same, as the ledger compares them from ruleset 1.5.0 on: "NERC-1" duplicates "nerc-1". */
const folded = (text: unknown): unknown => (typeof text === 'string' ? foldCase(text) : text)
const foldedIdOf = (item: Record<string, unknown>): unknown => folded(item.id)
const foldedPersonYearOf = (item: Record<string, unknown>): unknown => [folded(item.personId), item.year]

const claims = (c: Collector, value: unknown): void => {
  if (value === undefined || value === null) return
  const claims = object(value)
  if (!claims) {
    c.add('/claims', MUST_BE_OBJECT)
    return
  }
  c.field(claims.top3AwardYear, '/claims/top3AwardYear', year)

  const id = c.foldedIds ? foldedIdOf : idOf
  c.list(claims.rdPlatforms, '/claims/rdPlatforms', rdPlatform)
  c.unique(claims.rdPlatforms, '/claims/rdPlatforms', id, 'id')

  c.list(claims.researchEvents, '/claims/researchEvents', researchEvent)
  c.unique(claims.researchEvents, '/claims/researchEvents', id, 'id')

  c.list(claims.standards, '/claims/standards', standard)
  c.unique(claims.standards, '/claims/standards', id, 'id')

  c.list(claims.talents, '/claims/talents', talent)
  c.unique(claims.talents, '/claims/talents', c.foldedIds ? foldedPersonYearOf : personYearOf, 'personId')
}

// A lone UTF-16 surrogate: not Unicode text, so it can be neither hashed canonically (RFC 8785
// requires I-JSON) nor stored; U+0000 cannot be stored in PostgreSQL text or jsonb.
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/

// biome-ignore lint/suspicious/noControlCharactersInRegex: finding U+0000 is the point
const SUSPECT = /[\u0000\ud800-\udfff]/
const escapeKey = (k: string) => k.replaceAll('~', '~0').replaceAll('/', '~1')

/**
 * Every string of the facts must be text that can be hashed and stored. The walk keeps the path as
 * keys and builds a JSON pointer only for a string that fails (almost never).
 */
const textProblems = (value: unknown, path: (string | number)[], out: InputProblem[]): void => {
  if (typeof value === 'string') {
    if (!SUSPECT.test(value)) return
    const pointer = path.map((k) => `/${typeof k === 'string' ? escapeKey(k) : k}`).join('')
    if (value.includes('\u0000'))
      out.push({
        pointer,
        message: { zh: '不得包含 NUL 字符（U+0000）', en: 'must not contain the NUL character (U+0000)' },
      })
    else if (LONE_SURROGATE.test(value))
      out.push({
        pointer,
        message: {
          zh: '不是有效的 Unicode 文本（含孤立的代理字符）',
          en: 'is not valid Unicode text (a lone surrogate)',
        },
      })
  } else if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      path.push(i)
      textProblems(value[i], path, out)
      path.pop()
    }
  } else if (value !== null && typeof value === 'object') {
    for (const k in value) {
      path.push(k)
      textProblems((value as Record<string, unknown>)[k], path, out)
      path.pop()
    }
  }
}

/** String.prototype.isWellFormed (ES2024, Node 20): false when a lone surrogate is present. */
type WellFormed = { isWellFormed(): boolean }

/**
 * Whether a string is one textProblems reports: a lone surrogate or U+0000. Two builtins, not
 * SUSPECT's regex (which also matches paired surrogates, leaving textProblems to tell): for the short
 * one-byte strings of an application, isWellFormed answers without scanning, and the pair costs
 * ~30 % less than a RegExp test (anySuspect was ~5 % of a 12-measure decision).
 */
const isProblemText = (value: string): boolean =>
  !(value as unknown as WellFormed).isWellFormed() || value.includes('\u0000')

/**
 * Whether any string of `value` holds a character textProblems reports: its walk without the path
 * it keeps (almost every application has none; then there is nothing for textProblems to report).
 */
const anySuspect = (value: unknown): boolean => {
  if (typeof value === 'string') return isProblemText(value)
  if (value === null || typeof value !== 'object') return false
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) if (anySuspect(value[i])) return true
    return false
  }
  for (const k in value) if (anySuspect((value as Record<string, unknown>)[k])) return true
  return false
}

/** Every problem of an application, in document order; empty when it is valid. */
export const applicationProblems = (
  application: Application,
  ruleset: RulesetVersion = RULESET.version,
): InputProblem[] => {
  const c = new Collector(
    appliesRulings20261206(ruleset),
    foldsLedgerKeys(ruleset),
    restrictsIdentifiers(ruleset),
  )
  if (anySuspect(application)) textProblems(application, [], c.problems)
  const app = application as unknown as Record<string, unknown>
  c.field(app.applicationDate, '/applicationDate', date, true)
  enterprise(c, app.enterprise)
  project(c, app.project)
  claims(c, app.claims)
  return c.problems
}

/** Throws one InvalidInput error listing every problem (details.errors), or returns. */
export const validateApplication = (
  application: Application,
  ruleset: RulesetVersion = RULESET.version,
): void => {
  const problems = applicationProblems(application, ruleset)
  if (problems.length === 0) return
  const first = problems[0]!
  const message: Text =
    problems.length === 1
      ? { zh: `${first.pointer}：${first.message.zh}`, en: `${first.pointer}: ${first.message.en}` }
      : {
          zh: `${problems.length} 项输入无效：${problems.map((p) => `${p.pointer}：${p.message.zh}`).join('；')}`,
          en: `${problems.length} invalid inputs: ${problems.map((p) => `${p.pointer}: ${p.message.en}`).join('; ')}`,
        }
  throw new EngineError('InvalidInput', first.pointer, message, { errors: problems })
}
