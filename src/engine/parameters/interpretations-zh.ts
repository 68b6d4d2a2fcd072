// Our interpretations of the source, in Chinese, by parameter name: what each parameter's
// `interpretation` (English, in its definition beside its values) says, for readers of Chinese — the
// finance bureau, auditors, the console. GET /v1/parameters and GET /v1/indicators give both
// languages. test/engine/parameters/interpretations.test.ts checks every interpretation has one, with
// the same clauses, dates and figures as the English.

import type { Text } from '../trace.ts'

const CAP_2017 =
  '2017 年目标；原文此后未再规定，数值在修改前继续有效。供产能台账使用的数据，任何措施均不读取。'
const YEARLY_GROWTH =
  '原文为"年均增长……以上"：每年的增长率（或按调用方报送的、自基期以来的年均增长率）在目标年度之前的每一年都须不低于目标增长率。'

export const CHINESE_INTERPRETATIONS: Readonly<Record<string, string>> = {
  'policy.windowStart':
    '原文以 2013 年为基期，设定 2017 年和 2020 年目标；我们将政策适用期读作 2014-01-01 至 2020-12-31（POLICY.md §0）。',
  'policy.windowEnd': '见 policy.windowStart。',
  'negativeList.centralYunnanPrefectures':
    '原文未界定"滇中地区"；我们按 2014 年所理解的滇中城市经济圈读作四个州市（昆明、曲靖、玉溪、楚雄）。后来的规划又纳入红河州北部各县，政策主管部门可扩充此列表。位于滇中产业新区内的项目（project.inCentralYunnanZone）不论此列表如何，均属该地区。',
  'negativeList.centralYunnanDeniedIndustries':
    '原文要求滇中地区实行更严格的负面清单，但未公布清单内容；这是省里设定的数据。默认为空：清单公布前不额外禁止任何行业。条目为门类字母（"C"）或其数字为项目行业代码前缀的代码（"33"、"C3311"）。',
  'negativeList.pilotParkIds':
    '原文称将选择 5 个园区试点，但未列明是哪些。默认为空；申请申报 project.park.pilot = true 时，该园区也按试点园区对待。',
  'negativeList.pilotParkDeniedIndustries':
    '原文未公布；默认为空（见 negativeList.centralYunnanDeniedIndustries）。',
  'capacityControl.selfProducedShareProducts':
    '关于新建铜、铅、锌、锡冶炼项目那句话中的"有色金属"：我们读作这四种。',
  'capacityControl.barredBuildTypes':
    '2026-12-03 的裁定："不再新增钢铁产能"禁止任何新增粗钢产能的项目，无论新建还是扩建；技术改造读作不新增产能。其他产品的置换规则只适用于新建项目。',
  'capacityControl.cap2017.copper': CAP_2017,
  'capacityControl.cap2017.aluminium': CAP_2017,
  'capacityControl.cap2017.leadZinc': CAP_2017,
  'capacityControl.cap2017.tin': CAP_2017,
  'capacityControl.cap2017.crudeSteel': CAP_2017,
  'capacityControl.cap2017.cementClinker': CAP_2017,
  'capacityControl.cap2017.calciumCarbide': CAP_2017,
  'capacityControl.cap2017.coke': CAP_2017,
  'capacityControl.cap2017.yellowPhosphorus': CAP_2017,
  'capacityControl.cap2017.phosphateCompoundFertiliser': CAP_2017,
  'capacityControl.cap2017.coalFiredPublicPower': CAP_2017,
  'rdPlatform.nationalKinds':
    '"分别给予300万元、100万元"：四类国家级平台适用前一金额，省级研发平台适用后一金额（POLICY.md §2）。',
  'standardsAward.amount':
    '原文未规定金额（"由省政府给予一次性奖励"）：默认不设定，因此在省里设定金额或请求覆盖该参数之前，该措施的结果为待审核（AMOUNT_NOT_SET）。',
  'landPrice.parkLevels':
    '此处原文为"省级工业园区"，而 §19 为"省级以上"；我们按 §14 字面理解：仅限省级园区（POLICY.md §2）。位于滇中产业新区内的项目不论园区级别均符合条件。',
  'landPrice.priorityCatalogue':
    '省里发布的数据集（"要制定优先发展的重点工业产业目录"）。默认不设定（null）：使用申请中申报的 project.land.inPriorityCatalogue。设定后，项目的行业代码须属于其中某一条目（门类字母或代码前缀）。',
  'landPrice.intensityFactor': '"超过…40%以上"：不低于标准的 1.4 倍，含边界值（POLICY.md §0）。',
  'landPrice.standardPlotRatio':
    '按 POLICY.md §2 给出的两位数行业大类编码。2008 年的指标按 GB/T 4754-2002 的大类编号发布，自第 29 大类起与 2017 年版编号不同；编码应由政策主管部门确认。没有条目的大类没有标准：该措施的结果为待审核（PLOT_RATIO_STANDARD_NOT_SET）。',
  'landPrice.ceilingTier1.prefectures': '各档按顺序检验，首个符合的档次适用（POLICY.md §2）。',
  'localShare.vat':
    '增值税在 2016-04-30 之前按中央 75%、地方 25% 分享；自 2016-05-01 起（营改增，国发〔2016〕26号）按 50%、50% 分享。数值自 2013 年基期起（前 3 名奖励）。',
  'localShare.enterpriseIncomeTax': '自 2003 年起按中央 60%、地方 40% 分享。数值自 2013 年基期起。',
  'localShare.businessTax':
    '营业税在 2016-05-01 营改增废止之前为地方税（100%）；此后为 null：之后期间的营业税金额是错误（TaxNotInForce）。',
  'localShare.individualIncomeTax': '自 2003 年起按中央 60%、地方 40% 分享。仅用于人才奖励（§19）。',
  emergingIndustries:
    '§5 培育一批千亿元新兴产业：轻工业、生物医药、新材料、先进装备制造、电子信息、石油化工（POLICY.md 词汇表）。',
  'emergingProjectReward.buildTypes':
    '"新建投产"读作建设性质为新建（new-build）；现有产能的扩建和改造不属于新建。',
  'startupReward.rate': '新注册企业"新增的"税收即其注册以来的全部税收：初创期内的每个纳税期间都计入。',
  'startup.stageMonths':
    '原文未界定"初创期"；POLICY.md 定为 36 个月：初创期为 [注册日期, 注册日期 + 36 个月 − 1 天]，加月时按月末对齐（2015-01-31 + 1 个月 = 2015-02-28）。',
  'top3Reward.rate': '"全额" = 奖励年度 Y 的地方税收比 Y−1 年度增量的 100%。',
  'top3Reward.awardYears':
    '"试行三年内"：排名年度为 R 时，奖励年度 Y 在 R … R+2 之间，且每家企业在其全部排名中至多获得 3 个奖励年度。',
  'talentReward.rate': '原文为"给予奖励"，未规定比例；POLICY.md 读作 100%。',
  'talentReward.consecutiveYears':
    '"连续3年"：一名人才可就首年 … 首年+2 各年获奖各一次；其间跳过的年度以后不再补奖。',
  'talentReward.parkLevels': '"省级以上"包括省级（POLICY.md §0）：国家级和省级园区。',
  'landDevelopmentFund.levels':
    '"各州（市）、县（市、区）"——地级市和自治州为"州市"级（prefecture）；县、县级市和区为"县"级（county）。省本级未被提及。',
  'parkTaxRetention.parkLevels':
    '原文为"省级工业园区"；我们按字面理解，与 §14 的 landPrice.parkLevels 一致，因此除非修改此列表，国家级园区不包括在内。',
  'parkTaxRetention.provincialShare':
    '占位值。原文提到"现行财政体制"（现行省与州市的收入分享体制）但未给出分享比例，POLICY.md 也未给出。此处的数值（各税种地方级收入的 0.30）是占位值，须由财政部门设定；请求可覆盖整张表。提供给该计算的收入是各税种扣除中央分享后的地方级收入。此处没有条目的税种是输入错误，而不是零。',
  'fundConcentration.minimumKeyShare': '"不少于60%"包括 60% 本身：比例 ≥ 0.60 即通过。',
  'fundConcentration.keyDesignations':
    '按已保存的决定计算该检查时使用（GET /v1/finance/fund-concentration）。原文提到重点产业、重点企业和重点项目，但未列出；我们从每个决定所含的事实中读取："emerging-industry"（项目属于 §5 六大新兴产业之一）、"key-transformation-library"（项目列入省重点技术改造项目库，§15）、"major-transformation-project"（认定为重大转型升级工业项目，§14）、"emerging-top3-enterprise"（企业在某一新兴产业中排名在 top3Reward.maxRank 以内，§18）。一笔拨付只要具有此处所列的任一标识即属重点；财政部门可缩小此列表。',
  'indicators.science-technology-contribution':
    '原文未给出 2013 年数值：计算是否达标，不计算进度和线性路径。',
  'indicators.new-national-rd-platforms': '"新增5个以上"：自基期以来新增平台的累计数，因此基期值为 0。',
  'indicators.new-provincial-enterprise-tech-centers':
    '"新增省级企业技术中心60个"：自基期以来的累计数（基期值 0）；达到 60 即达标。',
  'indicators.enterprises-with-rd-institution-share': '原文未给出 2013 年数值。',
  'indicators.enterprise-patents-granted-growth': YEARLY_GROWTH,
  'indicators.industrial-value-added-growth': YEARLY_GROWTH,
  'indicators.profit-and-tax-growth': YEARLY_GROWTH,
  'indicators.light-industry-sales':
    '2017 年"增加到2450亿元"达到 2450 即达标；2020 年"超过4000亿元"须超过 4000。',
  'indicators.petrochemical-sales-increase':
    '"到2017年净增600亿元以上"：原文未给出 2013 年水平，因此该指标为比 2013 年的增加额（基期值 0）。',
  'indicators.petrochemical-sales': '"2020年达到1000亿元以上"；原文未给出 2013 年水平。',
  'indicators.industrial-investment-growth':
    '"到2020年，力争工业投资（不含电力）每年增长20%以上"：2020 年之前每年增长率 ≥ 20%。',
  'indicators.industrial-investment-share-of-fixed-assets':
    '该比例计入全部工业投资（含电力），与增长率指标不同；原文未给出 2013 年数值。',
}

/** A parameter's interpretation in both languages (the English from its definition); none, none. */
export const interpretationOf = (name: string, en: string | undefined): Text | undefined =>
  en === undefined ? undefined : { zh: CHINESE_INTERPRETATIONS[name] ?? en, en }
