// Reason codes: why a measure, gate, finance computation or indicator came out as it did. Each
// outcome's reasons carry a message written for that case ({ zh, en }, with its figures); this
// table gives every code's general meaning in both languages, for the OpenAPI enum of
// Reason.code, GET /v1/reasons, and anyone who has only the code (exports, reports):
// reasonMessage(code, language). A test runs every case file and example through the engine and
// fails on a code missing here.

import { DEFAULT_LANGUAGE, type Language, localize, type Text } from './language.ts'

export const REASONS = {
  ACCESS_CONDITIONS_NOT_MET: {
    zh: '项目不符合行业准入条件（§6、§17）',
    en: "the project does not meet its industry's access conditions (§6, §17)",
  },
  ALREADY_CLAIMED: {
    zh: '该一次性奖励已由另一决定申报，该决定正待确定金额或预算拨付（台账记录了该决定）',
    en: 'this one-time award is already claimed by a decision awaiting its amount or its budget (the ledger names it)',
  },
  ALREADY_GRANTED: {
    zh: '该一次性奖补已给予过（台账记录了先前的决定）',
    en: 'this one-time grant was already made (the ledger names the earlier decision)',
  },
  BUDGET_EXHAUSTED: {
    zh: '预算余额不足以支付应付金额：待预算追加后按提交顺序拨付（§3 预算池）',
    en: 'the budget left is less than the amount due: it is paid, in submission order, after a top-up (§3 budget pools)',
  },
  BUDGET_QUEUE: {
    zh: '预算已有更早的待拨付申请在排队：本项按提交顺序排队（§3 预算池）',
    en: 'earlier unfunded outcomes are waiting on the budget: this one waits behind them, in submission order (§3 budget pools)',
  },
  ALREADY_REWARDED: {
    zh: '这些纳税天数已获奖励，不能重复奖励',
    en: 'these tax days were already rewarded and are not rewarded twice',
  },
  AMOUNT_BELOW_ONE_FEN: {
    zh: '金额不足一分，按零计',
    en: 'the amount is less than one fen and counts as zero',
  },
  AMOUNT_NOT_SET: {
    zh: '原文未规定金额，需由主管部门确定（待审核）',
    en: 'the source fixes no amount: the authority must set it (needs review)',
  },
  AWARD_YEARS_EXHAUSTED: {
    zh: '奖励年度已用满（每年一次，至多 3 次）',
    en: 'the award years are used up (once a year, at most 3)',
  },
  AWARD_YEAR_OUTSIDE_PERIOD: {
    zh: '奖励年度不在排名年度起算的奖励期内',
    en: 'the award year lies outside the award period counted from the ranking year',
  },
  AWARD_YEAR_OUTSIDE_POLICY_WINDOW: {
    zh: '奖励年度不在政策适用期内',
    en: 'the award year lies outside the policy window',
  },
  BEFORE_POLICY_WINDOW: {
    zh: '日期早于政策实施日，无规则生效',
    en: 'the date is before the policy started: no rule was in force',
  },
  BUILDING_COEFFICIENT_TOO_LOW: {
    zh: '建筑系数未超过控制指标规定 40% 以上（§14）',
    en: 'the building coefficient does not exceed the standard by more than 40% (§14)',
  },
  CAPACITY_CONTROL: {
    zh: '未通过产能控制（§6），各项措施均不适用',
    en: 'the project fails capacity control (§6): no measure applies',
  },
  CAP_REACHED: { zh: '已达上限，金额被封顶', en: 'a cap was reached: the amount is capped' },
  CENTRAL_YUNNAN_NEGATIVE_LIST: {
    zh: '项目列入滇中地区负面清单（§17）',
    en: 'the project is on the Central Yunnan negative list (§17)',
  },
  COMMISSIONED_BEFORE_POLICY: { zh: '投产日期早于政策实施日', en: 'commissioned before the policy started' },
  CONSECUTIVE_YEARS_EXHAUSTED: {
    zh: '连续 3 年的奖励年度已用满（§19）',
    en: 'the 3 consecutive award years are used up (§19)',
  },
  ELIMINATED_CLASS: {
    zh: '项目属于《产业结构调整指导目录》淘汰类（§17）',
    en: 'the project is of the eliminated class of the Industrial Structure Adjustment Catalogue (§17)',
  },
  ENERGY_CONSUMPTION_NOT_BELOW_STANDARD: {
    zh: '能耗未低于标准',
    en: 'the energy consumption is not below the standard',
  },
  EVENT_AFTER_APPLICATION: {
    zh: '认定或获奖日期晚于申请日期',
    en: 'the recognition or award is dated after the application',
  },
  INVESTMENT_INTENSITY_NOT_MET: {
    zh: '投资强度未达到控制指标（§14）',
    en: 'the investment intensity does not meet the standard (§14)',
  },
  KEY_SHARE_BELOW_MINIMUM: {
    zh: '投向重点产业、企业和项目的资金比例低于下限（§18）',
    en: 'the share going to key industries, enterprises and projects is below the minimum (§18)',
  },
  LEVEL_NOT_COVERED: {
    zh: '该级别不提取用地开发资金（§14）',
    en: 'this level does not set the land development fund aside (§14)',
  },
  MISSING_INPUT: { zh: '缺少决定所需的输入', en: 'an input the decision needs is missing' },
  NEGATIVE_LIST: {
    zh: '项目列入负面清单（§17）：立项禁批、用地禁供、环保禁评、金融禁贷',
    en: 'the project is on the negative list (§17): no project approval, no land supply, no environmental review, no loans',
  },
  NEW_CAPACITY_BARRED: {
    zh: '产能过剩行业不得新增产能（§6）',
    en: 'no new capacity in an overcapacity industry (§6)',
  },
  NOT_DEEP_PROCESSING: {
    zh: '项目不属于精深加工项目（§18）',
    en: 'the project is not a deep-processing project (§18)',
  },
  NOT_DESIGNATED_TALENT: {
    zh: '该人员不属于认定的高层次人才（§19）',
    en: 'the person is not a designated high-level talent (§19)',
  },
  NOT_EMERGING_INDUSTRY: {
    zh: '项目不属于新兴产业（§5）',
    en: 'the project is not in an emerging industry (§5)',
  },
  NOT_IN_ELIGIBLE_PARK: { zh: '项目不在适用的园区内', en: 'the project is not in an eligible park' },
  NOT_IN_FORCE: { zh: '该日期规则未生效', en: 'the rule is not in force on that date' },
  NOT_IN_PRIORITY_CATALOGUE: {
    zh: '项目不在优先发展的重点工业产业目录内（§14）',
    en: 'the project is not in the priority industry catalogue (§14)',
  },
  NOT_IN_QUALIFYING_PARK: {
    zh: '项目不在符合条件的园区内（§14）',
    en: 'the project is not in a qualifying park (§14)',
  },
  NOT_KEY_TRANSFORMATION_PROJECT: {
    zh: '项目不属于省重点转型升级项目（§15）',
    en: 'the project is not a provincial key transformation project (§15)',
  },
  NOT_MAJOR_TRANSFORMATION_PROJECT: {
    zh: '项目不属于重大转型升级工业项目（§14）',
    en: 'the project is not a major transformation project (§14)',
  },
  NOT_NEWLY_RECOGNISED: {
    zh: '认定日期早于政策实施日，不属于新认定',
    en: 'recognised before the policy started: not newly recognised',
  },
  NOT_NEW_BUILD: { zh: '项目不是新建项目', en: 'the project is not a new build' },
  NOT_TECH_SME: { zh: '企业不属于科技型中小企业', en: 'the enterprise is not a technology-based SME' },
  NOT_TOP3: {
    zh: '企业不在行业前三名之列（§5）',
    en: 'the enterprise is not among the top 3 of its industry (§5)',
  },
  NO_DISBURSEMENTS: {
    zh: '无已拨付的专项资金，无法计算比例',
    en: 'nothing was disbursed: no share to check',
  },
  NO_INDIVIDUAL_INCOME_TAX: { zh: '无可奖励的个人所得税', en: 'no individual income tax to reward' },
  NO_INVESTMENT: { zh: '投资额为零', en: 'the investment is zero' },
  NO_LOCAL_TAXES: { zh: '适用期内无地方留成税收', en: 'no locally retained taxes in the period' },
  NO_PLOT_RATIO_INCREASE: { zh: '容积率未提高', en: 'the plot ratio did not increase' },
  NO_TAX_INCREASE: { zh: '税收无新增', en: 'no tax increase' },
  OUTSIDE_POLICY_WINDOW: { zh: '不在政策适用期内', en: 'outside the policy window' },
  PARK_LEVEL_NOT_COVERED: {
    zh: '园区不属于省级工业园区，不适用新增税收留园区政策',
    en: 'a park of this level does not keep the provincial share of its new tax revenue',
  },
  PILOT_PARK_NEGATIVE_LIST: {
    zh: '项目列入试点园区负面清单（§17）',
    en: 'the project is on a pilot park’s negative list (§17)',
  },
  PLATFORM_KIND_NOT_COVERED: {
    zh: '该类研发平台不在奖补范围内（§18）',
    en: 'this kind of R&D platform is not covered (§18)',
  },
  PLOT_RATIO_STANDARD_NOT_SET: {
    zh: '该行业未设定容积率控制标准',
    en: 'no plot-ratio standard is set for the industry',
  },
  PLOT_RATIO_TOO_LOW: {
    zh: '容积率未超过控制指标规定 40% 以上（§14）',
    en: 'the plot ratio does not exceed the standard by more than 40% (§14)',
  },
  REGISTERED_BEFORE_POLICY: {
    zh: '企业注册日期早于政策实施日',
    en: 'the enterprise was registered before the policy started',
  },
  REPLACEMENT_CAPACITY_SHORT: {
    zh: '等量或减量置换的产能不足（§6）',
    en: 'the capacity replaced falls short of what the project adds (§6)',
  },
  RESTRICTED_NEW_BUILD: {
    zh: '属于限制类的新建项目（§17）',
    en: 'a new build of the restricted class (§17)',
  },
  RULES_NOT_IN_FORCE: {
    zh: '评估日期早于政策实施日，没有规则生效',
    en: 'the evaluation date is before the policy started: no rule was in force',
  },
  RULE_NOT_IN_FORCE: { zh: '该日期规则未生效', en: 'the rule is not in force on that date' },
  SELF_PRODUCED_SHARE_TOO_LOW: {
    zh: '自产资源比例低于产能控制的下限（§6）',
    en: 'the self-produced raw material share is below the capacity-control minimum (§6)',
  },
  VOLTAGE_TOO_LOW: {
    zh: '用电电压等级低于直购电要求（§16）',
    en: 'the supply voltage is below what direct power trading requires (§16)',
  },
  YEAR_OUTSIDE_POLICY_WINDOW: { zh: '年度不在政策适用期内', en: 'the year lies outside the policy window' },
} as const satisfies Record<string, Text>

export type ReasonCode = keyof typeof REASONS
export const REASON_CODES = Object.keys(REASONS) as ReasonCode[]

export const isReasonCode = (code: string): code is ReasonCode => Object.hasOwn(REASONS, code)

/**
 * A reason code's general meaning in a language (zh-CN by default): for exports and reports that
 * carry only the code. An unknown code is returned as it is.
 */
export const reasonMessage = (code: string, language: Language = DEFAULT_LANGUAGE): string =>
  isReasonCode(code) ? localize(REASONS[code], language) : code
