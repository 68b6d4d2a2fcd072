// The compact record of a decision (decideCompact) and the summary the API shows by default
// (summarizeEvaluation): plain JSON, each parameter value once, traces referring to them, and a
// summary that is the explained evaluation without its explanation.

import t from 'tap'
import { FULL_APPLICATION } from '../../bench/application.ts'
import { decideCompact, renderEvaluation, summarizeEvaluation } from '../../src/engine/evaluate.ts'
import { RULESET } from '../../src/engine/ruleset.ts'

t.test('the compact record is plain JSON', async (t) => {
  const compact = decideCompact(FULL_APPLICATION)
  t.strictSame(JSON.parse(JSON.stringify(compact)), compact, 'nothing lost or changed by JSON')
  t.equal(compact.ruleset.version, RULESET.version)
})

t.test('each parameter value is recorded once; traces refer to it by index', async (t) => {
  const compact = decideCompact(FULL_APPLICATION)
  const names = compact.parametersUsed.map((p) => `${p[0]}@${p[2]}`)
  t.equal(new Set(names).size, names.length, 'once per name and period')
  for (const o of compact.outcomes) {
    for (const i of o.trace.p) t.ok(compact.parametersUsed[i], `${o.measure}: reference ${i} resolves`)
  }
  const plot = compact.parametersUsed.find((p) => p[0] === 'landPrice.standardPlotRatio')
  t.same(plot?.[1], { '39': '0.7' }, 'of the plot-ratio table, only the row read (division 39)')
})

t.test('the summary is the evaluation without traces and parameters', async (t) => {
  const compact = decideCompact(FULL_APPLICATION)
  const full = renderEvaluation(compact, FULL_APPLICATION)
  const summary = summarizeEvaluation(compact)
  t.same(
    summary,
    {
      ruleset: full.ruleset,
      asOf: full.asOf,
      gates: full.gates.map(({ trace: _, ...g }) => g),
      outcomes: full.outcomes.map(({ trace: _, ...o }) => o),
      totalAmount: full.totalAmount,
      overriddenParameters: full.overriddenParameters,
    },
    'outcomes with reasons (zh/en), details and ledger claims; gates with their reasons',
  )
  const startup = summary.outcomes.find((o) => o.measure === 'startup-tech-sme-tax-reward')
  t.match(
    startup?.details,
    { records: [{ record: '/enterprise/taxRecords/1', days: '306/365' }] },
    'tax records shown',
  )
})
