// §16 降低工业用电成本: "优先支持35千伏及以上能耗指标低于行业标准的电力用户与发电企业直接交易" — a power user
// supplied at 35 kV or above ("及以上" includes 35 kV) whose unit energy consumption is below the
// industry standard ("低于" is strict: equal to the standard does not qualify) may trade directly
// with generators (POLICY.md §2). Non-cash: the benefit is access to direct trading.

import { defineCondition } from '../facts.ts'
import type { Measure } from '../measure.ts'
import { Rational } from '../money.ts'

const SCOPE = 'direct-power-trading'
const VOLTAGE = defineCondition(SCOPE, {
  key: 'voltage-at-least-minimum',
  input: (a) => a.project!.power!.voltageKv,
  threshold: (value) => String(value('directPower.minVoltageKv')),
  description: { zh: '电压等级35千伏及以上', en: 'supplied at 35 kV or above' },
  comparison: '>=',
})
const CONSUMPTION = defineCondition(SCOPE, {
  key: 'energy-consumption-below-standard',
  input: (a) => a.project!.power!.unitEnergyConsumption,
  threshold: (_, __, a) => a.project!.power!.industryStandard,
  description: {
    zh: '能耗指标低于行业标准',
    en: 'unit energy consumption is below the industry standard',
  },
  comparison: '<',
})

export const directPowerTrading: Measure = {
  id: 'direct-power-trading',
  clause: '§16',
  title: {
    zh: '电力用户与发电企业直接交易',
    en: 'Direct power trading with generators',
  },
  summary: {
    zh: '35千伏及以上、能耗指标低于行业标准的电力用户，优先支持与发电企业直接交易。',
    en: 'Power users at 35 kV or above with energy consumption below the industry standard may trade directly with generators.',
  },
  cash: false,
  inputs: [
    '/project/power/voltageKv',
    '/project/power/unitEnergyConsumption',
    '/project/power/industryStandard',
  ],

  evaluate(run) {
    const project = run.application.project
    if (!project) return run.missing(['/project'])
    const power = project.power
    if (!power) return run.missing(['/project/power'])

    const minVoltage = Rational.int(run.params.integer('directPower.minVoltageKv', run.asOf))
    const voltageOk = run.test(VOLTAGE, undefined, undefined, Rational.parse(power.voltageKv).gte(minVoltage))
    if (!voltageOk) {
      run.reason(
        'VOLTAGE_TOO_LOW',
        {
          zh: `电压等级${power.voltageKv}千伏低于${minVoltage}千伏`,
          en: `supply voltage ${power.voltageKv} kV < ${minVoltage} kV`,
        },
        '/project/power/voltageKv',
      )
    }

    const consumptionOk = run.test(
      CONSUMPTION,
      undefined,
      undefined,
      Rational.parse(power.unitEnergyConsumption).lt(Rational.parse(power.industryStandard)),
    )
    if (!consumptionOk) {
      run.reason(
        'ENERGY_CONSUMPTION_NOT_BELOW_STANDARD',
        {
          zh: `能耗指标${power.unitEnergyConsumption}不低于行业标准${power.industryStandard}`,
          en: `unit energy consumption ${power.unitEnergyConsumption} is not below the industry standard ${power.industryStandard}`,
        },
        '/project/power/unitEnergyConsumption',
      )
    }

    if (!(voltageOk && consumptionOk)) return run.ineligibleWithReasons()
    return run.benefit({ directTrading: true, voltageKv: power.voltageKv })
  },
}
