// Why a request field is refused, in Chinese and English, from the Ajv error that refused it: the
// `detail` of each entry of a validation problem's `errors` (src/plugins/problems.ts). The English
// is what Ajv says, or our words for a pattern; the Chinese is written here per keyword.

import {
  CREDIT_CODE_PATTERN,
  DECIMAL_PATTERN,
  INDUSTRY_CODE_PATTERN,
  MONEY_PATTERN,
  RATIO_PATTERN,
} from '../schemas/application.ts'
import { ENTITY_FILTER_PATTERN, FROM_SEQ_PATTERN, PAGE_SIZE_PATTERN, SEQ_PATTERN } from '../schemas/audit.ts'
import { BUDGET_AMOUNT_PATTERN } from '../schemas/budgets.ts'
import {
  CURSOR_PATTERN,
  HEADER_VALUE_PATTERN,
  ISO_DATE_PATTERN,
  ISO_DATE_RULE,
  LIST_LIMIT_PATTERN,
  PARAMETER_NAME_PATTERN,
  PROBLEM_TYPE_PATTERN,
  SHA256_PATTERN,
  SIGNED_DECIMAL_PATTERN,
  TEXT_PATTERN,
  TEXT_RULE,
  YEAR_PATTERN,
} from '../schemas/common.ts'
import {
  GROUP_BY_PATTERN,
  REPORT_STATUSES,
  SIGNED_MONEY_PATTERN,
  STATUS_LIST_PATTERN,
} from '../schemas/reports.ts'
import type { Text } from './language.ts'

export interface AjvError {
  instancePath: string
  keyword: string
  message?: string
  params: Record<string, unknown>
  /** set when the error is about an object's property name (propertyNames) */
  propertyName?: string
}

/**
 * Why each pattern of the API refuses a value, in words in both languages instead of the regular
 * expression, which Ajv's English quotes and which tells a clerk nothing (test/i18n checks every
 * pattern of openapi.json has its words).
 */
const PATTERN_RULES: Record<string, Text> = {
  [TEXT_PATTERN]: {
    zh: '不得包含 U+0000 或孤立的代理字符（须为 PostgreSQL 可存储、RFC 8785 可哈希的文本）',
    en: TEXT_RULE,
  },
  [ISO_DATE_PATTERN]: { zh: '必须是 1900-01-01 至 2999-12-31 之间的日期 YYYY-MM-DD', en: ISO_DATE_RULE },
  [PARAMETER_NAME_PATTERN]: {
    zh: '必须是以点分隔的参数名（GET /v1/parameters 列出全部参数）',
    en: 'must be a dotted parameter name (GET /v1/parameters lists them)',
  },
  [FROM_SEQ_PATTERN]: { zh: '必须是不小于 1 的整数', en: 'must be a whole number of at least 1' },
  [PAGE_SIZE_PATTERN]: { zh: '必须是 1 至 500 之间的整数', en: 'must be a whole number from 1 to 500' },
  [LIST_LIMIT_PATTERN]: { zh: '必须是 1 至 100 之间的整数', en: 'must be a whole number from 1 to 100' },
  [SEQ_PATTERN]: { zh: '必须是日志条目的序号（整数）', en: "must be a log entry's seq (a whole number)" },
  [CURSOR_PATTERN]: {
    zh: '必须是上一页给出的游标（数字）',
    en: 'must be the cursor the previous page gave (digits)',
  },
  [ENTITY_FILTER_PATTERN]: {
    zh: '必须是实体类型（如 "api-key"），或 类型:标识（如 "decision:<uuid>"）',
    en: 'must be an entity type ("api-key"), or type:id ("decision:<uuid>")',
  },
  [PROBLEM_TYPE_PATTERN]: {
    zh: '必须是问题类型的名称，如 "validation-error"',
    en: 'must be a problem type\'s name, e.g. "validation-error"',
  },
  [HEADER_VALUE_PATTERN]: {
    zh: '只能包含可见的 ASCII 字符和空格',
    en: 'must hold visible ASCII characters and spaces only',
  },
  [GROUP_BY_PATTERN]: {
    zh: '必须是以逗号分隔的 prefecture、measure、year（至多三项），或留空只给合计',
    en: 'must be prefecture, measure and year, comma-separated (at most three), or empty for the totals only',
  },
  [STATUS_LIST_PATTERN]: {
    zh: `必须是以逗号分隔的结果状态：${REPORT_STATUSES.join('、')}`,
    en: `must be outcome statuses, comma-separated: ${REPORT_STATUSES.join(', ')}`,
  },
  // the application's facts and answers: money, decimals, ratios, codes, years, hashes
  [MONEY_PATTERN]: {
    zh: '必须是以元为单位的金额：十进制字符串，最多 15 位整数、两位小数，如 "1200.50"',
    en: 'must be an amount in yuan: a decimal string of at most 15 digits and two decimals, e.g. "1200.50"',
  },
  [DECIMAL_PATTERN]: {
    zh: '必须是非负的十进制字符串，如 "0.84"',
    en: 'must be a non-negative decimal string, e.g. "0.84"',
  },
  [SIGNED_DECIMAL_PATTERN]: {
    zh: '必须是十进制字符串（可为负），如 "0.47" 或 "-0.02"',
    en: 'must be a decimal string, negative allowed, e.g. "0.47" or "-0.02"',
  },
  [SIGNED_MONEY_PATTERN]: {
    zh: '必须是以元为单位、恰好两位小数的金额（可为负），如 "-1200.00"',
    en: 'must be an amount in yuan with exactly two decimals, negative allowed, e.g. "-1200.00"',
  },
  [RATIO_PATTERN]: {
    zh: '必须是 0 到 1 之间的比例（十进制字符串），如 "0.50"',
    en: 'must be a ratio from 0 to 1 (a decimal string), e.g. "0.50"',
  },
  [CREDIT_CODE_PATTERN]: {
    zh: '必须是 18 位统一社会信用代码（数字和大写字母，不含 I、O、S、V、Z）',
    en: 'must be an 18-character unified social credit code (digits and capital letters but I, O, S, V, Z)',
  },
  [INDUSTRY_CODE_PATTERN]: {
    zh: '必须是 GB/T 4754-2017 行业代码：可选的大写门类字母，后接 2 至 4 位数字（如 "C3311"）',
    en: 'must be a GB/T 4754-2017 industry code: an optional capital section letter, then 2 to 4 digits (e.g. "C3311")',
  },
  [BUDGET_AMOUNT_PATTERN]: {
    zh: '必须是以元为单位、恰好两位小数的金额，如 "50000000.00"',
    en: 'must be an amount in yuan with exactly two decimals, e.g. "50000000.00"',
  },
  [YEAR_PATTERN]: { zh: '必须是 1900 至 2999 年之间的年份', en: 'must be a year from 1900 to 2999' },
  [SHA256_PATTERN]: {
    zh: '必须是 64 位小写十六进制的 SHA-256 哈希',
    en: 'must be a SHA-256 hash in 64 lower-case hexadecimal digits',
  },
}

const TYPE_NAMES: Record<string, string> = {
  string: '字符串',
  number: '数字',
  integer: '整数',
  boolean: '布尔值',
  object: '对象',
  array: '数组',
  null: 'null',
}

const FORMATS: Record<string, Text> = {
  date: { zh: '必须是实际存在的日历日期 YYYY-MM-DD', en: 'must be a calendar date YYYY-MM-DD that exists' },
  'date-time': {
    zh: '必须是 ISO 8601 日期时间（如 2026-12-03T08:00:00Z）',
    en: 'must be an ISO 8601 date-time (e.g. 2026-12-03T08:00:00Z)',
  },
  uuid: { zh: '必须是 UUID', en: 'must be a UUID' },
}

/** The detail of one refused field, in both languages. */
export const fieldErrorText = (v: AjvError): Text => {
  const en = v.message ?? 'is invalid'
  const p = v.params
  const name = v.propertyName !== undefined
  const prefixed = (t: Text): Text => (name ? { zh: `属性名${t.zh}`, en: `name ${t.en}` } : t)
  switch (v.keyword) {
    case 'pattern': {
      const pattern = String(p['pattern'])
      return prefixed(PATTERN_RULES[pattern] ?? { zh: `必须符合模式 "${pattern}"`, en })
    }
    case 'format':
      return FORMATS[String(p['format'])] ?? { zh: `必须符合格式 "${String(p['format'])}"`, en }
    case 'required':
      return { zh: '必填', en: 'is required' }
    case 'additionalProperties':
      return { zh: '不是已知的属性', en: 'is not a known property' }
    case 'enum': {
      const allowed = Array.isArray(p['allowedValues']) ? (p['allowedValues'] as unknown[]).join(', ') : ''
      return { zh: `必须是以下之一：${allowed}`, en: `must be one of: ${allowed}` }
    }
    case 'type': {
      const types = String(p['type'])
        .split(',')
        .map((t) => TYPE_NAMES[t] ?? t)
      return { zh: `必须是${types.join('或')}`, en }
    }
    case 'const':
      return { zh: `必须等于 ${JSON.stringify(p['allowedValue'])}`, en }
    case 'minLength':
      return prefixed({ zh: `不得少于 ${String(p['limit'])} 个字符`, en })
    case 'maxLength':
      return prefixed({ zh: `不得多于 ${String(p['limit'])} 个字符`, en })
    case 'minimum':
    case 'maximum':
    case 'exclusiveMinimum':
    case 'exclusiveMaximum':
      return { zh: `必须 ${String(p['comparison'])} ${String(p['limit'])}`, en }
    case 'minItems':
      return { zh: `至少 ${String(p['limit'])} 项`, en }
    case 'maxItems':
      return { zh: `至多 ${String(p['limit'])} 项`, en }
    case 'minProperties':
      return { zh: `至少 ${String(p['limit'])} 个属性`, en }
    case 'maxProperties':
      return { zh: `至多 ${String(p['limit'])} 个属性`, en }
    case 'uniqueItems':
      return { zh: `不得有重复项（第 ${String(p['j'])} 项与第 ${String(p['i'])} 项相同）`, en }
    case 'anyOf':
    case 'oneOf':
      return { zh: '不符合允许的任何一种形式', en }
    default:
      return { zh: `无效（${en}）`, en }
  }
}
