// Every batch column described in Chinese, for the template's columns sheet (template.xlsx "列说明").
// The English descriptions are the schema's own (src/schemas/application.ts), which also describe the
// OpenAPI document; these say the same for the finance bureau, who read Chinese. Clauses as in the
// English (§…); parameters by name. test/batches/columns.test.ts checks every column has one.

export const CHINESE_DESCRIPTIONS: Readonly<Record<string, string>> = {
  applicationDate:
    '申请日期；默认的评估日期，须在政策适用期 2014-01-01…2020-12-31 内（POLICY.md §0）。格式 YYYY-MM-DD，年份 1900 至 2999。',
  'enterprise.creditCode': '统一社会信用代码：18 位，字符取自 GB 32100-2015 字符集，校验码经核验。',
  'enterprise.name': '企业登记名称。',
  'enterprise.registeredOn':
    '企业注册日期；"新注册"指政策实施日 2014-01-01 或之后注册（§18 初创期奖励）。格式 YYYY-MM-DD，年份 1900 至 2999。',
  'enterprise.techSmeCertified': '已认定为科技型中小企业（§18 初创期奖励）。',
  'enterprise.taxRecords':
    '企业本身的纳税记录（§18 初创期奖励与前三名奖励），JSON 数组；至多 100 条，远多于实际申请所需。',
  'enterprise.emergingIndustryRanking.industry': '§5 所列六大新兴产业之一。',
  'enterprise.emergingIndustryRanking.year': '综合排名的年度，例如 2015（§18 前三名奖励）。',
  'enterprise.emergingIndustryRanking.rank':
    '在该产业中的名次，1 为第一；第 1–3 名符合条件（参数 top3Reward.maxRank，§18）。',
  'project.id': '项目的固定编号：跨申请的上限按项目累计（§18）。',
  'project.name': '项目名称。',
  'project.buildType': '建设性质：新建（new-build）、扩建（expansion）或改造（renovation）。',
  'project.industryCode':
    'GB/T 4754-2017 行业代码：可带门类字母，后接 2 至 4 位数字，例如 "C3311" 或 "33"（§14 容积率标准，§17 清单）。',
  'project.emergingIndustry': '项目所属的新兴产业（§5），不属于任何一类时留空（§18 项目税收奖励）。',
  'project.policyClass': '在国家《产业结构调整指导目录》中的类别，由负面清单检验（§17）。',
  'project.meetsAccessConditions': '符合本行业准入条件（§6、§17）。',
  'project.prefecture':
    '项目所在州、市（§14 地价分档，§17 滇中清单）：拼音编号（"yuxi"）、GB/T 2260 代码（"530400"）或中文全称、简称（"玉溪市"、"玉溪"）均可；按拼音编号保存和决定（GET /v1/prefectures 列出全部）。',
  'project.park.id': '工业园区编号。',
  'project.park.name': '工业园区名称。',
  'project.park.level': '工业园区级别：省级园区适用 §14 地价政策，省级及以上适用 §19。',
  'project.park.pilot': '5 个试点园区之一，适用更严格的负面清单（§17）。',
  'project.inCentralYunnanZone': '位于滇中产业聚集区（新区）内（§14、§17）。',
  'project.capacityProduct': '项目生产的产能控制产品，无则留空（§6）。',
  'project.capacity.newCapacity': '新增产能，吨（或该产品的计量单位）/年，非负小数字符串（§6）。',
  'project.capacity.replacedCapacity':
    '在别处淘汰用以置换的产能（产能等量置换），单位同新增产能，非负小数字符串；须不少于新增产能（§6）。',
  'project.capacity.selfProducedRawMaterialShare':
    '自产原料比例，0–1 之间的小数字符串，例如 "0.55"；铜、铅、锌、锡冶炼须不低于 0.50（§6）。',
  'project.capacity.resourcesOutsideProvince': '粗钢：资源来自省外（三头在外，§6）。',
  'project.capacity.energyOutsideProvince': '粗钢：能源来自省外（三头在外，§6）。',
  'project.capacity.marketOutsideProvince': '粗钢：市场在省外（三头在外，§6）。',
  'project.deepProcessing': '认定为精深加工项目（§18 贷款贴息）。',
  'project.chainExtension': '认定为延长产业链项目（§18 贷款贴息）。',
  'project.investment': '本次申请的投资额，元，至多两位小数的小数字符串（§18）。',
  'project.commissionedOn': '项目投产日期（§18 项目税收奖励）。格式 YYYY-MM-DD，年份 1900 至 2999。',
  'project.taxRecords':
    '项目本身的纳税记录（§18 新兴产业项目税收奖励），JSON 数组；至多 100 条，远多于实际申请所需。',
  'project.keyTransformationLibrary': '已列入省重点技术改造项目库（§15）。',
  'project.majorTransformationProject': '认定为重大转型升级工业项目（§14）。',
  'project.land.areaMu': '用地面积，亩，非负小数字符串（§14）。',
  'project.land.quotedPricePerMu': '出让报价，元/亩，至多两位小数的小数字符串；与限价相比得出节省额（§14）。',
  'project.land.plotRatio': '容积率，非负小数字符串；须不低于所属行业大类国家标准的 1.4 倍（§14）。',
  'project.land.buildingCoefficient': '建筑系数，0–1 之间的小数字符串；须不低于 1.4 × 0.30 = 0.42（§14）。',
  'project.land.inPriorityCatalogue':
    '申报列入全省优先发展产业目录；在参数 landPrice.priorityCatalogue 未设定时使用（§14）。',
  'project.land.meetsInvestmentIntensity': '达到目录规定的投资强度（§14）。',
  'project.land.existingLandPlotRatioIncrease':
    '现有工业用地在符合规划、不改变用途的前提下提高容积率（免收地价款，§14）。',
  'project.land.newLandFloorAreaAboveStandard': '新增工业用地的建筑面积超过容积率标准（免收地价款，§14）。',
  'project.land.assessedAdditionalPremium':
    '原应补缴的地价款，元，至多两位小数的小数字符串（如已评估）：即免收的价值（§14）。',
  'project.power.voltageKv': '用电电压等级，千伏，非负小数字符串；35 千伏及以上符合条件（§16）。',
  'project.power.unitEnergyConsumption': '项目单位产品能耗，非负小数字符串，单位同行业标准（§16）。',
  'project.power.industryStandard':
    '行业单位产品能耗标准，单位相同，非负小数字符串；项目须严格低于该标准（§16）。',
  'claims.top3AwardYear': '前三名奖励的奖励年度 Y：奖励地方税收比 Y−1 年度的增量（§18）。',
  'claims.rdPlatforms': '申报的研发平台（§18），JSON 数组；每份申请至多 50 个。',
  'claims.researchEvents': '新设立的研究院或产业化的科研成果（§18），JSON 数组；每份申请至多 50 项。',
  'claims.standards': '主导制定的标准或认证的新产品（§18），JSON 数组；每份申请至多 50 项。',
  'claims.talents': '申报的人才及纳税年度（§19），JSON 数组；每份申请至多 50 项。',
}
