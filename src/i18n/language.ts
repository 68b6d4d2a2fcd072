// The languages human-facing text is written in, and which one a request asks for.
//
// Accept-Language (RFC 9110 §12.5.4) lists language ranges with optional weights (q, 0 to 1, at
// most three decimals; absent = 1; q=0 = "not acceptable"). The highest weight wins, the earlier
// range on a tie; a range matches a language by RFC 4647 basic filtering ("zh" matches zh-CN,
// "en-GB" matches our "en" because we have one English). Anything we do not write — or no header —
// gets the default, Chinese (zh-CN): the policy, its clauses and most of its readers are Chinese.

export const LANGUAGES = ['zh-CN', 'en'] as const
export type Language = (typeof LANGUAGES)[number]
export const DEFAULT_LANGUAGE: Language = 'zh-CN'

/** A text in both languages (the engine's Text has the same shape). */
export interface Text {
  zh: string
  en: string
}

export const localize = (text: Text, language: Language): string => (language === 'en' ? text.en : text.zh)

/** RFC 9110 §12.4.2: qvalue = ( "0" [ "." 0*3DIGIT ] ) / ( "1" [ "." 0*3("0") ] ) */
const QVALUE = /^(?:0(?:\.\d{0,3})?|1(?:\.0{0,3})?)$/
/** RFC 4647 §2.1 language-range: 1*8ALPHA *("-" 1*8alphanum) / "*" */
const RANGE = /^(?:\*|[a-z]{1,8}(?:-[a-z0-9]{1,8})*)$/i

/** Which of our languages a language range names, or '*' for the wildcard, or null. */
const languageOf = (range: string): Language | '*' | null => {
  if (range === '*') return '*'
  const primary = range.toLowerCase().split('-')[0]
  if (primary === 'zh') return 'zh-CN'
  if (primary === 'en') return 'en'
  return null
}

/** Clients send the same few headers again and again: parsed once each (bounded, cleared when full). */
const NEGOTIATED = new Map<string, Language>()
const NEGOTIATED_MAX = 256

/** The language to answer in for an Accept-Language header (absent, empty or unusable: the default). */
export const negotiateLanguage = (header: string | string[] | undefined): Language => {
  const value = Array.isArray(header) ? header.join(',') : header
  if (!value) return DEFAULT_LANGUAGE
  const known = NEGOTIATED.get(value)
  if (known !== undefined) return known
  const language = parseAcceptLanguage(value)
  if (NEGOTIATED.size >= NEGOTIATED_MAX) NEGOTIATED.clear()
  NEGOTIATED.set(value, language)
  return language
}

const parseAcceptLanguage = (value: string): Language => {
  let best: { language: Language; q: number } | null = null
  const refused = new Set<Language>()
  let wildcard: number | null = null
  for (const part of value.split(',')) {
    const [rawRange, ...params] = part.split(';').map((s) => s.trim())
    if (!rawRange || !RANGE.test(rawRange)) continue
    let q = 1
    let malformed = false
    for (const param of params) {
      const [name, weight] = param.split('=').map((s) => s.trim())
      if (name?.toLowerCase() !== 'q') continue
      if (weight === undefined || !QVALUE.test(weight)) malformed = true
      else q = Number(weight)
    }
    // A range with a malformed weight is ignored rather than guessed at.
    if (malformed) continue
    const language = languageOf(rawRange)
    if (language === null) continue
    if (language === '*') {
      wildcard = Math.max(wildcard ?? 0, q)
      continue
    }
    if (q === 0) {
      refused.add(language)
      continue
    }
    if (best === null || q > best.q) best = { language, q }
  }
  if (best !== null && !refused.has(best.language)) {
    // "*" weighted above every named range: any language will do, ours first.
    if (wildcard !== null && wildcard > best.q && !refused.has(DEFAULT_LANGUAGE)) return DEFAULT_LANGUAGE
    return best.language
  }
  if (wildcard !== null && wildcard > 0) {
    const other = LANGUAGES.find((l) => !refused.has(l))
    if (other) return other
  }
  // Nothing acceptable that we write: answer in the default rather than 406 (RFC 9110 §12.5.4
  // allows it), and say so in Content-Language.
  return refused.has(DEFAULT_LANGUAGE) && !refused.has('en') ? 'en' : DEFAULT_LANGUAGE
}
