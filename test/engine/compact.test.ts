// The compact record of a decision (decideCompact) and the summary the API shows by default
// (summarizeEvaluation): plain JSON, each parameter value once, traces referring to them, and a
// summary that is the explained evaluation without its explanation.

import t from 'tap'
import { FULL_APPLICATION } from '../../bench/application.ts'
import { decideCompact, renderEvaluation, summarizeEvaluation } from '../../src/engine/evaluate.ts'
import { packClaim, unpackClaim } from '../../src/engine/ledgers.ts'
import { DEFAULT_PARAMETERS } from '../../src/engine/parameters/index.ts'
import { isParameterRef } from '../../src/engine/parameters/parameter-set.ts'
import { RULESET } from '../../src/engine/ruleset.ts'

t.test('the compact record is plain JSON', async (t) => {
  const compact = decideCompact(FULL_APPLICATION)
  t.strictSame(JSON.parse(JSON.stringify(compact)), compact, 'nothing lost or changed by JSON')
  t.equal(compact.ruleset.version, RULESET.version)
})

t.test('each parameter value is recorded once; traces refer to it by index', async (t) => {
  const compact = decideCompact(FULL_APPLICATION)
  const names = compact.parametersUsed.map((p) => (isParameterRef(p) ? `${p[0]}@${p[1]}` : `${p[0]}@${p[2]}`))
  t.equal(new Set(names).size, names.length, 'once per name and period')
  for (const o of compact.outcomes) {
    for (const i of o.trace.p) t.ok(compact.parametersUsed[i], `${o.measure}: reference ${i} resolves`)
  }
  const plot = compact.parametersUsed.find((p) => p[0] === 'landPrice.standardPlotRatio')
  t.same(
    plot,
    ['landPrice.standardPlotRatio', '2014-01-01', ['39']],
    'of the plot-ratio table, only the row read',
  )
  const full = renderEvaluation(compact, FULL_APPLICATION, 'en')
  t.same(
    full.parametersUsed.find((p) => p.name === 'landPrice.standardPlotRatio')?.value,
    { '39': '0.7' },
    'rendered: the row read (division 39) with its value',
  )
})

t.test("the ruleset's values are recorded by reference, any other by copy", async (t) => {
  const compact = decideCompact(FULL_APPLICATION)
  const rate = compact.parametersUsed.find((p) => p[0] === 'interestSubsidy.rate')
  t.same(rate, ['interestSubsidy.rate', '2014-01-01'], 'a value of the ruleset: [name, from]')
  const list = compact.parametersUsed.find((p) => p[0] === 'emergingIndustries')
  t.same(list, ['emergingIndustries', '2014-01-01'], 'a list is not copied either')
  const rendered = renderEvaluation(compact, FULL_APPLICATION, 'en').parametersUsed
  const expected = DEFAULT_PARAMETERS.lookup('emergingIndustries', FULL_APPLICATION.applicationDate)
  t.same(
    rendered.find((p) => p.name === 'emergingIndustries'),
    { ...expected, overridden: false },
    'rendered with its value, period and clause',
  )

  const overridden = decideCompact(FULL_APPLICATION, {
    parameters: DEFAULT_PARAMETERS.withOverrides({ 'interestSubsidy.rate': '0.07' }),
  })
  t.same(
    overridden.parametersUsed.find((p) => p[0] === 'interestSubsidy.rate'),
    ['interestSubsidy.rate', '0.07', '0000-01-01', null, '§18', true],
    "an override's value is copied (it is in no ruleset)",
  )
  t.same(
    overridden.parametersUsed.find((p) => p[0] === 'emergingIndustries'),
    ['emergingIndustries', '2014-01-01'],
    'the parameters not overridden are still references',
  )

  // A replay reads the values a stored decision read (ParameterSet.pinned): copies, whatever the
  // ruleset holds now.
  const pinnedValue = ['light-industry']
  const pinned = decideCompact(FULL_APPLICATION, {
    parameters: DEFAULT_PARAMETERS.pinned([
      { name: 'emergingIndustries', value: pinnedValue, from: '2014-01-01', to: null, clause: '§5' },
    ]),
  })
  t.same(
    pinned.parametersUsed.find((p) => p[0] === 'emergingIndustries'),
    ['emergingIndustries', pinnedValue, '2014-01-01', null, '§5'],
    "a pinned value is copied, even under a name of the ruleset's",
  )
})

t.test('a reference that names no value of the ruleset is an engine bug, not a silent null', async (t) => {
  const compact = decideCompact(FULL_APPLICATION)
  compact.parametersUsed = compact.parametersUsed.map((p) =>
    p[0] === 'interestSubsidy.rate' ? ['interestSubsidy.rate', '2014-02-01'] : p,
  )
  t.throws(() => renderEvaluation(compact, FULL_APPLICATION, 'en'), /names no value of the ruleset/)
})

t.test('the summary is the evaluation without traces and parameters', async (t) => {
  const compact = decideCompact(FULL_APPLICATION)
  const full = renderEvaluation(compact, FULL_APPLICATION, 'en')
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

t.test('tax-days claims are recorded packed and shown as the subject objects they stand for', async (t) => {
  const compact = decideCompact(FULL_APPLICATION)
  const full = renderEvaluation(compact, FULL_APPLICATION, 'en')
  const summary = summarizeEvaluation(compact)
  const startup = compact.outcomes.find((o) => o.measure === 'startup-tech-sme-tax-reward')!
  t.same(
    startup.ledger[0],
    ['days', 'vat', '2015-03-01', '2015-12-31', FULL_APPLICATION.enterprise.creditCode],
    "an enterprise's taxes: [kind, tax, from, to, credit code]",
  )
  const project = compact.outcomes.find((o) => o.measure === 'emerging-project-tax-reward')!
  t.equal(project.ledger[0]?.[5 as never], FULL_APPLICATION.project?.id, "a project's taxes: + its id")
  for (const [i, o] of compact.outcomes.entries()) {
    for (const [k, c] of o.ledger.entries()) {
      t.same(
        unpackClaim(o.measure, packClaim(o.measure, unpackClaim(o.measure, c))),
        full.outcomes[i]!.ledger[k],
      )
    }
  }
  t.same(full.outcomes[2]!.ledger[0], {
    kind: 'days',
    subject: {
      ledger: 'tax-days',
      measure: 'startup-tech-sme-tax-reward',
      creditCode: FULL_APPLICATION.enterprise.creditCode,
      projectId: null,
      tax: 'vat',
    },
    period: { from: '2015-03-01', to: '2015-12-31' },
  })
  t.same(
    summary.outcomes.map((o) => o.ledger),
    full.outcomes.map((o) => o.ledger),
    'the summary shows the same claims',
  )
  const other = { kind: 'days', subject: { ...full.outcomes[2]!.ledger[0]!.subject, measure: 'x' } } as never
  t.equal(packClaim('startup-tech-sme-tax-reward', other), other, "another measure's claim is kept whole")
})

t.test(
  'tax-record steps are shown from the records; a record that holds them (stored before) renders the same',
  async (t) => {
    const compact = decideCompact(FULL_APPLICATION)
    const keys = compact.outcomes.flatMap((o) => o.trace.s.map((s) => s[0]))
    t.notOk(keys.includes('tax-record'), 'no step fact per tax counted')
    // The same decision as records made before held it: one "tax-record" step per tax of each
    // record a total counts, before it, and totals with three args.
    const before = JSON.parse(JSON.stringify(compact)) as typeof compact
    let shown = 0
    for (const o of before.outcomes) {
      o.trace.s = o.trace.s.flatMap((s) => {
        if (s[0] !== 'local-taxes' || !s[3]) return [s]
        const [label, from, to, first, count] = s[3] as [string, string, string, number, number]
        const records = (o.trace.r ?? []) as [
          unknown,
          unknown,
          unknown,
          unknown,
          unknown,
          unknown,
          unknown,
          unknown[],
        ][]
        const steps: typeof o.trace.s = []
        for (let r = first; r < first + count; r++)
          for (let k = 0; k < records[r]![7].length; k++) steps.push(['tax-record', 0, [], [r, k, label]])
        shown += steps.length
        return [...steps, [s[0], s[1], s[2], [label, from, to]]]
      })
    }
    t.ok(shown >= 8, `the full application counts taxes of several records (${shown})`)
    t.same(
      renderEvaluation(before, FULL_APPLICATION, 'en'),
      renderEvaluation(compact, FULL_APPLICATION, 'en'),
    )
  },
)

// decideCompact lists parametersUsed through a dense table of (name, period) slots, and falls back
// to sorting when a read has no slot (a period index beyond the table). The two must give the same
// order and the same trace references: here one reform of the interest rate (its read in a slot)
// against five chained reforms (its read is the sixth period: the fallback).
t.test('parametersUsed: the same order and references with or without the slot table', async (t) => {
  const reform = (from: string, value: string) => ({ 'interestSubsidy.rate': { from, value } })
  const once = DEFAULT_PARAMETERS.withOverrides(reform('2016-01-01', '0.05'))
  let chained = DEFAULT_PARAMETERS
  for (const [from, value] of [
    ['2015-01-01', '0.01'],
    ['2015-03-01', '0.02'],
    ['2015-05-01', '0.03'],
    ['2015-07-01', '0.04'],
    ['2016-01-01', '0.05'],
  ] as const)
    chained = chained.withOverrides(reform(from, value))
  const rate = (p: typeof chained) => p.definition('interestSubsidy.rate')!.values
  t.equal(rate(once).length, 2, 'one reform: the read is the 2nd period (a slot)')
  t.equal(rate(chained).length, 6, 'five reforms: the read is the 6th period (no slot)')
  // a decision that reads fewer parameters (no project: no gate), before and after the fallback
  const { project: _, ...withoutProject } = FULL_APPLICATION
  const few = () => decideCompact(withoutProject, { measures: ['startup-tech-sme-tax-reward'] })
  const before = few()
  const slotted = decideCompact(FULL_APPLICATION, { parameters: once })
  const sorted = decideCompact(FULL_APPLICATION, { parameters: chained })
  t.strictSame(sorted.outcomes, slotted.outcomes, 'every outcome and trace reference alike')
  t.strictSame(sorted.gates, slotted.gates)
  t.strictSame(sorted.parametersUsed, slotted.parametersUsed, 'the same entries in the same order')
  const names = slotted.parametersUsed.map((p) => p[0])
  t.strictSame(names, [...names].sort(), 'by name (code-unit order)')
  // the fallback leaves the table empty: the next decision lists what it read, nothing else
  const after = few()
  t.ok(after.parametersUsed.length < slotted.parametersUsed.length)
  t.strictSame(after, before, 'the same record as before the fallback')
})
