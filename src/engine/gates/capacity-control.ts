// §6 严格控制产能盲目扩张: "新建铜、铅、锌、锡冶炼，电石、焦炭、黄磷生产项目，在满足国家行业准入条件基础上，
// 须落实产能等量置换指标，其中有色金属自产资源须达到50%以上。除资源、能源、市场三头在外的钢铁项目外，不再
// 新增钢铁产能。"
//
// New builds (新建) of a replacement-controlled product are tested (POLICY.md §1 G2): they must meet
// the access conditions, retire at least as much capacity elsewhere as they add (replaced ≥ 1 × new),
// and for copper, lead, zinc and tin smelting use at least 50% self-produced raw material ("以上"
// includes 50%). Any project that adds crude-steel capacity — new build or expansion, parameter
// capacityControl.barredBuildTypes (ruling of 2026-12-03: 不再新增钢铁产能 bars every addition; under
// ruleset 1.0.0 only new builds were tested) — is barred unless resources, energy and market are all
// outside the province (三头在外). A controlled new build whose facts are missing cannot pass: the gate fails
// with MISSING_INPUT naming what is missing. Every condition is tested and every failure reported.
// The 2017 province-wide caps are parameters (capacityControl.cap2017.*) for a capacity ledger.

import { defineCondition, defineNote, defineStep } from '../facts.ts'
import { defineGate } from '../gate.ts'
import { BUILD_TYPE_LABELS, CAPACITY_PRODUCT_LABELS, labelOf, labelsOf } from '../labels.ts'
import { Rational } from '../money.ts'
import { appliesRulings20261203 } from '../ruleset.ts'
import type { Text } from '../trace.ts'
import type { CapacityProduct, Reason } from '../types.ts'

const PRODUCT_NAMES: Readonly<Record<CapacityProduct, Text>> = CAPACITY_PRODUCT_LABELS

const SCOPE = 'capacity-control'
/** args: [barred] — a barred product (crude steel) adds capacity; the others are new builds */
const CONTROLLED = defineCondition(SCOPE, {
  key: 'controlled-new-build',
  description: ([barred]) => ({
    zh: barred ? '项目新增产能控制产品的产能' : '项目为产能控制产品的新建项目',
    en: barred
      ? 'the project adds capacity of a controlled product'
      : 'the project is a new build of a controlled product',
  }),
  comparison: 'in',
})
const OUTSIDE = defineCondition(SCOPE, {
  key: 'resources-energy-market-outside',
  input: (a) => {
    const c = a.project!.capacity!
    return {
      resourcesOutsideProvince: c.resourcesOutsideProvince,
      energyOutsideProvince: c.energyOutsideProvince,
      marketOutsideProvince: c.marketOutsideProvince,
    }
  },
  threshold: () => ({
    resourcesOutsideProvince: true,
    energyOutsideProvince: true,
    marketOutsideProvince: true,
  }),
  description: {
    zh: '资源、能源、市场三头在外',
    en: 'resources, energy and market are all outside the province',
  },
  comparison: '==',
})
const MEETS_ACCESS = defineCondition(SCOPE, {
  key: 'meets-access-conditions',
  input: (a) => a.project!.meetsAccessConditions,
  threshold: () => true,
  description: { zh: '满足国家行业准入条件', en: 'meets the national access conditions of the industry' },
  comparison: 'is',
})
const REPLACED = defineCondition(SCOPE, {
  key: 'capacity-replaced',
  input: (a) => a.project!.capacity!.replacedCapacity,
  description: {
    zh: '落实产能等量置换指标：置换产能不少于新增产能',
    en: 'capacity retired in exchange is at least the new capacity',
  },
  comparison: '>=',
})
const SELF_PRODUCED = defineCondition(SCOPE, {
  key: 'self-produced-share',
  input: (a) => a.project!.capacity!.selfProducedRawMaterialShare,
  description: {
    zh: '有色金属自产资源达到50%以上',
    en: 'self-produced raw material share is at least the minimum',
  },
  comparison: '>=',
})
const REQUIRED = defineStep(SCOPE, {
  key: 'replacement-required',
  description: { zh: '须落实的产能等量置换指标', en: 'replacement capacity required (产能等量置换)' },
  expression: ([ratio, added], _, { show }) => `${show.number(ratio!)} × ${show.number(added!)}`,
  unit: 'number',
})
/** args: [product | null, buildType, buildTypes] */
const NOT_APPLICABLE = defineNote(SCOPE, {
  key: 'not-applicable',
  text: ([product, buildType, buildTypes]) =>
    product === null
      ? {
          zh: '项目不生产产能控制类产品：不适用§6',
          en: 'the project makes no capacity-controlled product: §6 does not apply',
        }
      : {
          zh: `${labelOf(PRODUCT_NAMES, product).zh}项目的${labelOf(BUILD_TYPE_LABELS, buildType).zh}不新增§6控制的产能（${labelsOf(BUILD_TYPE_LABELS, buildTypes as string[]).zh}）：不适用§6`,
          en: `a ${buildType} of ${product} adds no capacity §6 controls (${(buildTypes as string[]).join(', ')}): §6 does not apply`,
        },
})

/** What a controlled build lacks, as the gate's reason (module-level: no closure per decision under tsx's keepNames). */
const missingInput = (reasons: Reason[], pointers: string[]): void => {
  reasons.push({
    code: 'MISSING_INPUT',
    message: {
      zh: `产能控制新建项目缺少所需信息：${pointers.join('、')}`,
      en: `a new build of a controlled product needs: ${pointers.join(', ')}`,
    },
    field: pointers[0]!,
  })
}

export const capacityControl = defineGate({
  id: 'capacity-control',
  clause: '§6',
  title: { zh: '产能控制', en: 'capacity control' },
  reasonCode: 'CAPACITY_CONTROL',

  decide(run, application, asOf) {
    const { params, reasons } = run
    const project = application.project
    const product = project?.capacityProduct ?? null
    const replacementProducts = params.list('capacityControl.replacementProducts', asOf)
    const barredProducts = params.list('capacityControl.barredUnlessAllOutside', asOf)
    const barred = product !== null && barredProducts.includes(product)
    const controlled = product !== null && (replacementProducts.includes(product) || barred)
    // Which build types add capacity that §6 controls: new builds for the replacement rule; for a
    // barred product (crude steel), every addition since the ruling of 2026-12-03.
    const buildTypes =
      barred && appliesRulings20261203(run.ruleset)
        ? params.list('capacityControl.barredBuildTypes', asOf)
        : ['new-build']
    if (!project || !controlled || !buildTypes.includes(project.buildType)) {
      run.note(NOT_APPLICABLE, [
        product === null || !controlled ? null : product,
        project?.buildType ?? null,
        [...buildTypes],
      ])
      return
    }
    run.test(
      CONTROLLED,
      { buildType: project.buildType, capacityProduct: product },
      { buildType: buildTypes, capacityProduct: [...replacementProducts, ...barredProducts] },
      true,
      [barred],
    )

    const capacity = project.capacity

    if (barred) {
      if (!capacity) {
        missingInput(reasons, ['/project/capacity'])
        return
      }
      const flags = {
        resourcesOutsideProvince: capacity.resourcesOutsideProvince,
        energyOutsideProvince: capacity.energyOutsideProvince,
        marketOutsideProvince: capacity.marketOutsideProvince,
      }
      const absent = Object.entries(flags)
        .filter(([, v]) => v === undefined)
        .map(([k]) => `/project/capacity/${k}`)
      if (absent.length > 0) {
        missingInput(reasons, absent)
        return
      }
      run.check(
        OUTSIDE,
        undefined,
        undefined,
        Object.values(flags).every((v) => v === true),
        () => ({
          code: 'NEW_CAPACITY_BARRED',
          message: {
            zh: `不再新增${PRODUCT_NAMES[product].zh}产能（资源、能源、市场三头在外的除外）`,
            en: `no new ${PRODUCT_NAMES[product].en} capacity unless resources, energy and market are all outside the province`,
          },
          field: '/project/capacity',
        }),
      )
      return
    }

    run.check(MEETS_ACCESS, undefined, undefined, project.meetsAccessConditions === true, () => ({
      code: 'ACCESS_CONDITIONS_NOT_MET',
      message: { zh: '不满足国家行业准入条件', en: 'does not meet the national access conditions' },
      field: '/project/meetsAccessConditions',
    }))

    const shareProducts = params.list('capacityControl.selfProducedShareProducts', asOf)
    const needsShare = shareProducts.includes(product)
    const absent = [
      ...(capacity?.newCapacity === undefined ? ['/project/capacity/newCapacity'] : []),
      ...(capacity?.replacedCapacity === undefined ? ['/project/capacity/replacedCapacity'] : []),
      ...(needsShare && capacity?.selfProducedRawMaterialShare === undefined
        ? ['/project/capacity/selfProducedRawMaterialShare']
        : []),
    ]
    if (!capacity || absent.length > 0) {
      missingInput(reasons, absent)
      return
    }

    const ratio = params.requireDecimal('capacityControl.replacementRatio', asOf)
    const added = Rational.parse(capacity.newCapacity)
    const replaced = Rational.parse(capacity.replacedCapacity)
    const required = run.step(REQUIRED, ratio.times(added), [ratio, added])
    const show = run.show
    run.check(REPLACED, undefined, show.number(required), replaced.gte(required), () => ({
      code: 'REPLACEMENT_CAPACITY_SHORT',
      message: {
        zh: `置换产能${show.number(replaced)}少于须置换的${show.number(required)}`,
        en: `replaced capacity ${show.number(replaced)} < required ${show.number(required)}`,
      },
      field: '/project/capacity/replacedCapacity',
    }))

    if (needsShare) {
      const minimum = params.requireDecimal('capacityControl.minSelfProducedShare', asOf)
      const share = Rational.parse(capacity.selfProducedRawMaterialShare!)
      run.check(SELF_PRODUCED, undefined, show.number(minimum), share.gte(minimum), () => ({
        code: 'SELF_PRODUCED_SHARE_TOO_LOW',
        message: {
          zh: `自产资源比例${show.number(share)}低于${show.number(minimum)}`,
          en: `self-produced raw material share ${show.number(share)} < ${show.number(minimum)}`,
        },
        field: '/project/capacity/selfProducedRawMaterialShare',
      }))
    }
  },
})
