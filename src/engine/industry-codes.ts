// GB/T 4754-2017 (国民经济行业分类) industry codes as applications give them: an optional section
// letter A–T, then the 2-digit division and optionally the group (3 digits) or class (4 digits),
// e.g. "C3311", "3311", "C33", "33". The engine compares codes by their digits; the letter, when
// given, must be the section the division belongs to.

import type { Text } from './trace.ts'

const INDUSTRY_CODE = /^([A-T])?(\d{2,4})$/

/** GB/T 4754-2017 sections and the 2-digit divisions each contains (inclusive ranges). */
export const SECTIONS: Readonly<Record<string, readonly [number, number]>> = {
  A: [1, 5],
  B: [6, 12],
  C: [13, 43],
  D: [44, 46],
  E: [47, 50],
  F: [51, 52],
  G: [53, 60],
  H: [61, 62],
  I: [63, 65],
  J: [66, 69],
  K: [70, 70],
  L: [71, 72],
  M: [73, 75],
  N: [76, 79],
  O: [80, 82],
  P: [83, 83],
  Q: [84, 85],
  R: [86, 90],
  S: [91, 96],
  T: [97, 97],
}

const findSection = (n: number): string | undefined =>
  Object.keys(SECTIONS).find((s) => {
    const [lo, hi] = SECTIONS[s]!
    return lo <= n && n <= hi
  })

/** sectionOf of every 2-digit division, made once from SECTIONS (every application is checked). */
const SECTION_OF_DIVISION: readonly (string | undefined)[] = Array.from({ length: 100 }, (_, n) =>
  findSection(n),
)

/** The section letter a 2-digit division belongs to, or undefined when no section has it. */
export const sectionOf = (division: string): string | undefined => {
  const n = Number.parseInt(division, 10)
  if (n >= 0 && n < 100) return SECTION_OF_DIVISION[n]
  return findSection(n)
}

// Codes already found valid (a bounded, pure memo: the answer depends on the code alone), as
// creditCodeProblem does: every application is checked, and the regex's match array, the division's
// slice and parse were ~3 % of a one-measure decision.
const VALID_CODES = new Set<string>()

/** Why a code is not a valid GB/T 4754-2017 code, or null when it is. */
export const industryCodeProblem = (code: string): Text | null => {
  if (VALID_CODES.has(code)) return null
  const problem = industryCodeProblemOf(code)
  if (problem === null) {
    if (VALID_CODES.size >= 4096) VALID_CODES.clear()
    VALID_CODES.add(code)
  }
  return problem
}

const industryCodeProblemOf = (code: string): Text | null => {
  const m = INDUSTRY_CODE.exec(code)
  if (!m)
    return {
      zh: '应为 GB/T 4754-2017 行业代码：可选的大写门类字母 A–T，后接 2 至 4 位数字（如 "C3311"）',
      en: 'expected a GB/T 4754-2017 code: an optional uppercase section letter A–T, then 2 to 4 digits (e.g. "C3311")',
    }
  const division = m[2]!.slice(0, 2)
  const section = sectionOf(division)
  if (section === undefined)
    return {
      zh: `GB/T 4754-2017 中没有大类 ${division}`,
      en: `division ${division} does not exist in GB/T 4754-2017`,
    }
  if (m[1] !== undefined && m[1] !== section)
    return {
      zh: `大类 ${division} 属于门类 ${section}，而不是 ${m[1]}`,
      en: `division ${division} belongs to section ${section}, not ${m[1]}`,
    }
  return null
}

/** The digits of a code without its section letter: "C3311" → "3311". */
export const industryDigits = (code: string): string => code.replace(/^[A-Z]/, '')

/** The 2-digit division of a code: "C3311" → "33". */
export const industryDivision = (code: string): string => industryDigits(code).slice(0, 2)

/**
 * Whether an industry code falls under a listed code (a list entry of a parameter): a section
 * letter alone ("C") matches its whole section; otherwise the listed digits must be a prefix of the
 * code's digits ("33" covers "3311"; "C3311" covers "3311"). A list entry more detailed than the
 * code ("3311" for a code given as "33") does not match: the project is not known to be in it.
 */
export const industryMatches = (code: string, listed: string): boolean => {
  if (/^[A-Z]$/.test(listed)) return sectionOf(industryDivision(code)) === listed
  return industryDigits(code).startsWith(industryDigits(listed))
}
