// The 16 prefecture-level divisions of Yunnan (州、市), the places the policy's tiers and lists name
// (§14 land price ceilings, §17 Central Yunnan negative list). Decisions and parameters identify a
// prefecture by its pinyin id only ("qujing"), so one prefecture has exactly one spelling in what is
// stored; the HTTP layer also accepts the GB/T 2260 code ("530300") and the Chinese name, full
// ("曲靖市") or short ("曲靖"), and normalises them to the id before anything is decided
// (prefectureId, src/plugins/prefecture-input.ts).

export interface Prefecture {
  /** pinyin id, lowercase, no tone marks: the id used in applications and parameters */
  id: string
  /** official Chinese name */
  zh: string
  /** the name without 市 / the autonomous-prefecture suffix, as people write it: 玉溪, 楚雄 */
  short: string
  /** English name */
  en: string
  /** GB/T 2260 administrative division code */
  code: string
}

export const PREFECTURES: readonly Prefecture[] = [
  { id: 'kunming', zh: '昆明市', short: '昆明', en: 'Kunming', code: '530100' },
  { id: 'qujing', zh: '曲靖市', short: '曲靖', en: 'Qujing', code: '530300' },
  { id: 'yuxi', zh: '玉溪市', short: '玉溪', en: 'Yuxi', code: '530400' },
  { id: 'baoshan', zh: '保山市', short: '保山', en: 'Baoshan', code: '530500' },
  { id: 'zhaotong', zh: '昭通市', short: '昭通', en: 'Zhaotong', code: '530600' },
  { id: 'lijiang', zh: '丽江市', short: '丽江', en: 'Lijiang', code: '530700' },
  { id: 'puer', zh: '普洱市', short: '普洱', en: "Pu'er", code: '530800' },
  { id: 'lincang', zh: '临沧市', short: '临沧', en: 'Lincang', code: '530900' },
  {
    id: 'chuxiong',
    zh: '楚雄彝族自治州',
    short: '楚雄',
    en: 'Chuxiong Yi Autonomous Prefecture',
    code: '532300',
  },
  {
    id: 'honghe',
    zh: '红河哈尼族彝族自治州',
    short: '红河',
    en: 'Honghe Hani and Yi Autonomous Prefecture',
    code: '532500',
  },
  {
    id: 'wenshan',
    zh: '文山壮族苗族自治州',
    short: '文山',
    en: 'Wenshan Zhuang and Miao Autonomous Prefecture',
    code: '532600',
  },
  {
    id: 'xishuangbanna',
    zh: '西双版纳傣族自治州',
    short: '西双版纳',
    en: 'Xishuangbanna Dai Autonomous Prefecture',
    code: '532800',
  },
  { id: 'dali', zh: '大理白族自治州', short: '大理', en: 'Dali Bai Autonomous Prefecture', code: '532900' },
  {
    id: 'dehong',
    zh: '德宏傣族景颇族自治州',
    short: '德宏',
    en: 'Dehong Dai and Jingpo Autonomous Prefecture',
    code: '533100',
  },
  {
    id: 'nujiang',
    zh: '怒江傈僳族自治州',
    short: '怒江',
    en: 'Nujiang Lisu Autonomous Prefecture',
    code: '533300',
  },
  {
    id: 'diqing',
    zh: '迪庆藏族自治州',
    short: '迪庆',
    en: 'Diqing Tibetan Autonomous Prefecture',
    code: '533400',
  },
]

export const PREFECTURE_IDS: readonly string[] = PREFECTURES.map((p) => p.id)

export const isPrefectureId = (id: string): boolean => PREFECTURE_IDS.includes(id)

export const prefecture = (id: string): Prefecture | undefined => PREFECTURES.find((p) => p.id === id)

const BY_SPELLING: ReadonlyMap<string, string> = new Map(
  PREFECTURES.flatMap((p) => [p.id, p.code, p.zh, p.short].map((spelling) => [spelling, p.id] as const)),
)

/** Every spelling a request may use: pinyin ids, GB/T 2260 codes, full and short Chinese names. */
export const PREFECTURE_SPELLINGS: readonly string[] = [...BY_SPELLING.keys()]

/** The pinyin id a spelling names ("玉溪", "530400", "玉溪市" and "yuxi" → "yuxi"), or null. */
export const prefectureId = (spelling: string): string | null => BY_SPELLING.get(spelling) ?? null

// A prefecture written otherwise in a request (src/plugins/prefecture-input.ts) or a batch row
// (src/batches/parse.ts) is rewritten to its pinyin id before anything reads or hashes it.
const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value)

/** Rewrites `values.prefecture` (in place) to its pinyin id when it names one: a project, a query, a path. */
export const normaliseField = (values: unknown): void => {
  if (!isObject(values) || typeof values['prefecture'] !== 'string') return
  const id = prefectureId(values['prefecture'])
  if (id !== null && id !== values['prefecture']) values['prefecture'] = id
}

/** Rewrites `project.prefecture` of an application (in place) to its pinyin id when it names one. */
export const normalisePrefecture = (application: unknown): void => {
  if (isObject(application)) normaliseField(application['project'])
}
