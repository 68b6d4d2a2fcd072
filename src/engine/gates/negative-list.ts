// §17 实施产业负面清单: "将国家颁布的《产业结构调整指导目录》中淘汰类、不符合行业准入条件的项目，以及属于
// 限制类的新建项目纳入负面清单管理。制订重点区域和园区负面清单，对滇中地区及选择5个重点园区试行更加严格的
// 负面清单管理制度。对列入清单的项目实行立项禁批、用地禁供、环保禁评、金融禁贷措施。"
//
// A project is on the negative list when its catalogue class is eliminated, when it does not meet
// its industry's access conditions, or when it is a new build of the restricted class (POLICY.md §1
// G1). The stricter lists of Central Yunnan and the 5 pilot parks are data (parameters, empty until
// published), tested only when the project lies there. Every condition is tested and every failure
// reported, so the decision says all the reasons at once. A listed project incurs the four
// consequences of §17 and is ineligible for every measure (reason NEGATIVE_LIST, added by evaluate).

import { defineCondition, defineNote } from '../facts.ts'
import { defineGate } from '../gate.ts'
import { industryMatches } from '../industry-codes.ts'
import { labelOf, POLICY_CLASS_LABELS } from '../labels.ts'
import { prefecture } from '../prefectures.ts'
import type { Text } from '../trace.ts'

/** §17's four consequences, by stable id. */
export const NEGATIVE_LIST_CONSEQUENCES: readonly { id: string; text: Text }[] = [
  { id: 'no-project-approval', text: { zh: '立项禁批', en: 'no project approval' } },
  { id: 'no-land-supply', text: { zh: '用地禁供', en: 'no land supply' } },
  { id: 'no-environmental-review', text: { zh: '环保禁评', en: 'no environmental impact review' } },
  { id: 'no-loans', text: { zh: '金融禁贷', en: 'no bank loans' } },
]

const SCOPE = 'negative-list'
const CLASS_NOT_DENIED = defineCondition(SCOPE, {
  key: 'class-not-denied',
  input: (a) => a.project!.policyClass,
  description: {
    zh: '项目不属于《产业结构调整指导目录》淘汰类',
    en: 'the project is not of an eliminated class of the Industrial Structure Adjustment Catalogue',
  },
  comparison: 'not-in',
  threshold: (value) => value('negativeList.deniedClasses') ?? [],
})
const MEETS_ACCESS = defineCondition(SCOPE, {
  key: 'meets-access-conditions',
  input: (a) => a.project!.meetsAccessConditions,
  threshold: () => true,
  description: { zh: '项目符合行业准入条件', en: "the project meets its industry's access conditions" },
  comparison: 'is',
})
const NOT_RESTRICTED_NEW_BUILD = defineCondition(SCOPE, {
  key: 'not-restricted-new-build',
  input: (a) => ({ buildType: a.project!.buildType, policyClass: a.project!.policyClass }),
  threshold: (value) => ({
    buildType: 'new-build',
    policyClass: value('negativeList.newBuildDeniedClasses') ?? [],
  }),
  description: { zh: '项目不是限制类新建项目', en: 'the project is not a new build of a restricted class' },
  comparison: 'not-in',
})
const NOT_ON_CENTRAL_LIST = defineCondition(SCOPE, {
  key: 'not-on-central-yunnan-list',
  input: (a) => a.project!.industryCode,
  description: {
    zh: '项目行业不在滇中地区负面清单内',
    en: 'the industry is not on the Central Yunnan negative list',
  },
  comparison: 'not-in',
  threshold: (value) => value('negativeList.centralYunnanDeniedIndustries') ?? [],
})
const NOT_ON_PILOT_LIST = defineCondition(SCOPE, {
  key: 'not-on-pilot-park-list',
  input: (a) => a.project!.industryCode,
  description: {
    zh: '项目行业不在重点园区负面清单内',
    en: 'the industry is not on the pilot parks negative list',
  },
  comparison: 'not-in',
  threshold: (value) => value('negativeList.pilotParkDeniedIndustries') ?? [],
})
const NO_PROJECT = defineNote(SCOPE, {
  key: 'no-project',
  text: () => ({ zh: '申请中没有项目：无需审查', en: 'no project in the application: nothing to test' }),
})
const OUTSIDE_CENTRAL = defineNote(SCOPE, {
  key: 'outside-central-yunnan',
  text: ([id]) => ({
    zh: `${prefecture(id as string)?.zh ?? id}不在滇中地区：不适用其更严格的清单`,
    en: `${id} is outside Central Yunnan: its stricter list does not apply`,
  }),
})
const NOT_IN_PILOT_PARK = defineNote(SCOPE, {
  key: 'not-in-pilot-park',
  text: () => ({
    zh: '项目不在试点园区内：不适用试点园区清单',
    en: 'the project is not in a pilot park: the pilot parks list does not apply',
  }),
})
const CONSEQUENCES = defineNote(SCOPE, {
  key: 'consequences',
  // The English rendering has always been this sentence in Chinese with the ids (the goldens hold it).
  text: () => ({
    zh: `列入负面清单的项目实行${NEGATIVE_LIST_CONSEQUENCES.map((c) => c.text.zh).join('、')}措施`,
    en: `列入负面清单的项目实行${NEGATIVE_LIST_CONSEQUENCES.map((c) => `${c.text.zh}（${c.id}）`).join('、')}`,
  }),
})

export const negativeList = defineGate({
  id: 'negative-list',
  clause: '§17',
  title: { zh: '产业负面清单', en: 'industry negative list' },
  reasonCode: 'NEGATIVE_LIST',
  consequences: NEGATIVE_LIST_CONSEQUENCES.map((c) => c.id),

  decide(run, application, asOf) {
    const { params } = run
    const project = application.project
    if (!project) {
      run.note(NO_PROJECT)
      return
    }
    const denied = params.list('negativeList.deniedClasses', asOf)
    run.check(CLASS_NOT_DENIED, undefined, undefined, !denied.includes(project.policyClass), () => ({
      code: 'ELIMINATED_CLASS',
      message: run.labels
        ? {
            zh: `项目属于《产业结构调整指导目录》${labelOf(POLICY_CLASS_LABELS, project.policyClass).zh}，列入负面清单`,
            en: `the project's catalogue class (${labelOf(POLICY_CLASS_LABELS, project.policyClass).en}) is on the negative list`,
          }
        : {
            zh: `项目属于《产业结构调整指导目录》${project.policyClass}类（淘汰类）`,
            en: `the project's catalogue class "${project.policyClass}" is on the negative list (eliminated)`,
          },
      field: '/project/policyClass',
    }))

    run.check(MEETS_ACCESS, undefined, undefined, project.meetsAccessConditions === true, () => ({
      code: 'ACCESS_CONDITIONS_NOT_MET',
      message: {
        zh: '项目不符合行业准入条件',
        en: "the project does not meet its industry's access conditions",
      },
      field: '/project/meetsAccessConditions',
    }))

    const newBuildDenied = params.list('negativeList.newBuildDeniedClasses', asOf)
    const isNewBuild = project.buildType === 'new-build'
    run.check(
      NOT_RESTRICTED_NEW_BUILD,
      undefined,
      undefined,
      !(isNewBuild && newBuildDenied.includes(project.policyClass)),
      () => ({
        code: 'RESTRICTED_NEW_BUILD',
        message: {
          zh: '项目属于限制类新建项目',
          en: run.labels
            ? `the project is a new build of the ${labelOf(POLICY_CLASS_LABELS, project.policyClass).en}`
            : `the project is a new build of the "${project.policyClass}" class (restricted)`,
        },
        field: '/project/policyClass',
      }),
    )

    // Stricter area lists: tested only where the project lies.
    const centralPrefectures = params.list('negativeList.centralYunnanPrefectures', asOf)
    const inCentralYunnan =
      project.inCentralYunnanZone === true || centralPrefectures.includes(project.prefecture)
    if (inCentralYunnan) {
      const list = params.list('negativeList.centralYunnanDeniedIndustries', asOf)
      const hit = list.filter((code) => industryMatches(project.industryCode, code))
      run.check(NOT_ON_CENTRAL_LIST, undefined, undefined, hit.length === 0, () => ({
        code: 'CENTRAL_YUNNAN_NEGATIVE_LIST',
        message: {
          zh: `项目行业${project.industryCode}列入滇中地区负面清单（${hit.join('、')}）`,
          en: `industry ${project.industryCode} is on the Central Yunnan negative list (${hit.join(', ')})`,
        },
        field: '/project/industryCode',
      }))
    } else {
      run.note(OUTSIDE_CENTRAL, [project.prefecture])
    }

    const pilotParks = params.list('negativeList.pilotParkIds', asOf)
    const park = project.park
    const inPilotPark = !!park && (park.pilot === true || pilotParks.includes(park.id))
    if (inPilotPark) {
      const list = params.list('negativeList.pilotParkDeniedIndustries', asOf)
      const hit = list.filter((code) => industryMatches(project.industryCode, code))
      run.check(NOT_ON_PILOT_LIST, undefined, undefined, hit.length === 0, () => ({
        code: 'PILOT_PARK_NEGATIVE_LIST',
        message: {
          zh: `项目行业${project.industryCode}列入重点园区负面清单（${hit.join('、')}）`,
          en: `industry ${project.industryCode} is on the pilot parks negative list (${hit.join(', ')})`,
        },
        field: '/project/industryCode',
      }))
    } else {
      run.note(NOT_IN_PILOT_PARK)
    }

    if (!run.passed) run.note(CONSEQUENCES)
  },
})
