import type { ParameterDefinition } from './types.ts'

// §16 降低工业用电成本: "优先支持35千伏及以上能耗指标低于行业标准的电力用户与发电企业直接交易。"
export const powerParameters: ParameterDefinition[] = [
  {
    name: 'directPower.minVoltageKv',
    kind: 'integer',
    unit: 'kV',
    clause: '§16',
    description: {
      zh: '参与直接交易的电力用户最低电压等级（35千伏及以上，含本数）',
      en: 'minimum supply voltage of a power user for direct trading (35 kV and above, inclusive)',
    },
    values: [{ from: '2014-01-01', to: null, value: 35 }],
  },
]
