// The 16 prefecture-level divisions of Yunnan (州、市), the places the policy's tiers and lists name
// (§14 land price ceilings, §17 Central Yunnan negative list). Applications identify a prefecture by
// its pinyin id only ("qujing"); the GB/T 2260 code and the Chinese name are here for display and
// for mapping other data, not accepted as input, so one prefecture has exactly one spelling.

export interface Prefecture {
  /** pinyin id, lowercase, no tone marks: the id used in applications and parameters */
  id: string
  /** official Chinese name */
  zh: string
  /** GB/T 2260 administrative division code */
  code: string
}

export const PREFECTURES: readonly Prefecture[] = [
  { id: 'kunming', zh: '昆明市', code: '530100' },
  { id: 'qujing', zh: '曲靖市', code: '530300' },
  { id: 'yuxi', zh: '玉溪市', code: '530400' },
  { id: 'baoshan', zh: '保山市', code: '530500' },
  { id: 'zhaotong', zh: '昭通市', code: '530600' },
  { id: 'lijiang', zh: '丽江市', code: '530700' },
  { id: 'puer', zh: '普洱市', code: '530800' },
  { id: 'lincang', zh: '临沧市', code: '530900' },
  { id: 'chuxiong', zh: '楚雄彝族自治州', code: '532300' },
  { id: 'honghe', zh: '红河哈尼族彝族自治州', code: '532500' },
  { id: 'wenshan', zh: '文山壮族苗族自治州', code: '532600' },
  { id: 'xishuangbanna', zh: '西双版纳傣族自治州', code: '532800' },
  { id: 'dali', zh: '大理白族自治州', code: '532900' },
  { id: 'dehong', zh: '德宏傣族景颇族自治州', code: '533100' },
  { id: 'nujiang', zh: '怒江傈僳族自治州', code: '533300' },
  { id: 'diqing', zh: '迪庆藏族自治州', code: '533400' },
]

export const PREFECTURE_IDS: readonly string[] = PREFECTURES.map((p) => p.id)

export const isPrefectureId = (id: string): boolean => PREFECTURE_IDS.includes(id)

export const prefecture = (id: string): Prefecture | undefined => PREFECTURES.find((p) => p.id === id)
