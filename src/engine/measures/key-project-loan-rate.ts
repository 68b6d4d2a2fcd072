// §15 要加强政府引导: "省重点转型升级项目贷款利率，按照浮动区间下限执行" — loans to projects in the provincial
// key transformation-and-upgrading project library carry the lower bound of the lender's floating
// interest range (POLICY.md §2). Non-cash: the benefit is the rate rule, not an amount; the
// library membership is a declared fact (project.keyTransformationLibrary).

import { defineCondition } from '../facts.ts'
import type { Measure } from '../measure.ts'

const IN_LIBRARY = defineCondition('key-project-loan-rate', {
  key: 'in-key-transformation-library',
  input: (a) => a.project!.keyTransformationLibrary ?? false,
  threshold: () => true,
  description: {
    zh: '项目列入省重点转型升级项目库',
    en: 'the project is in the provincial key transformation project library',
  },
  comparison: 'is',
})

export const keyProjectLoanRate: Measure = {
  id: 'key-project-loan-rate',
  clause: '§15',
  title: {
    zh: '省重点转型升级项目贷款利率下限执行',
    en: 'Lowest floating loan rate for provincial key transformation projects',
  },
  summary: {
    zh: '省重点转型升级项目贷款利率按照浮动区间下限执行。',
    en: 'Loans to provincial key transformation projects at the lower bound of the floating range.',
  },
  cash: false,
  inputs: ['/project/keyTransformationLibrary'],

  evaluate(run) {
    const project = run.application.project
    if (!project) return run.missing(['/project'])

    const inLibrary = run.test(IN_LIBRARY, undefined, undefined, project.keyTransformationLibrary === true)
    if (!inLibrary) {
      return run.ineligible(
        'NOT_KEY_TRANSFORMATION_PROJECT',
        {
          zh: '项目未列入省重点转型升级项目库',
          en: 'the project is not in the provincial key transformation project library',
        },
        '/project/keyTransformationLibrary',
      )
    }
    return run.benefit({
      loanRate: 'lower-bound-of-floating-range',
      description: {
        zh: '贷款利率按照浮动区间下限执行',
        en: "the loan rate is the lower bound of the lender's floating range",
      },
    })
  },
}
