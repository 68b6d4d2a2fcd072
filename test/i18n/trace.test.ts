// Traces in Chinese and English (issue 12): every condition, step and note definition of the engine
// has its text in both languages, and a trace renders in the language asked for — Chinese by
// default over HTTP (Accept-Language), English in the engine's reference rendering (the goldens of
// test/engine/golden.test.ts hold the English byte for byte).

import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import t from 'tap'
import { FULL_APPLICATION } from '../../bench/application.ts'
import { decideCompact, type EvaluateOptions, renderEvaluation } from '../../src/engine/evaluate.ts'
import { definitions, presentation, renderTrace } from '../../src/engine/facts.ts'
import { type GrantedSummary, historyFromSummary } from '../../src/engine/history.ts'
import { subjectKey } from '../../src/engine/ledgers.ts'
import { DEFAULT_PARAMETERS } from '../../src/engine/parameters/index.ts'
import type { ParameterOverride } from '../../src/engine/parameters/types.ts'
import { RULESET_VERSIONS } from '../../src/engine/ruleset.ts'
import type { Text, Trace } from '../../src/engine/trace.ts'
import type { Application, Evaluation, MeasureId } from '../../src/engine/types.ts'
import { testApp } from '../helpers/app.ts'
import { deepProcessing } from '../helpers/fixtures.ts'

const ROOT = join(import.meta.dirname, '..', '..')
const readJson = <T>(path: string): T => JSON.parse(readFileSync(path, 'utf8')) as T
/** A CJK ideograph: Chinese text has some; the English texts of notes and steps may quote a term. */
const HAN = /\p{Script=Han}/u

const isText = (x: unknown): x is Text =>
  x !== null &&
  typeof x === 'object' &&
  typeof (x as Text).zh === 'string' &&
  typeof (x as Text).en === 'string'

const textProblems = (name: string, text: unknown): string[] => {
  if (!isText(text)) return [`${name}: not a {zh, en} text: ${JSON.stringify(text)}`]
  const out: string[] = []
  if (text.zh.trim() === '' || !HAN.test(text.zh))
    out.push(`${name}: zh is not Chinese: ${JSON.stringify(text.zh)}`)
  if (text.en.trim() === '' || !/[a-z]/i.test(text.en))
    out.push(`${name}: en is empty: ${JSON.stringify(text.en)}`)
  return out
}

// Every definition's text function is wrapped to collect what it gives, so the texts built from a
// fact's arguments are checked too, on every case the engine's tests decide.
const given = new Map<string, unknown[]>()
const seen = (name: string, value: unknown) => {
  given.set(name, [...(given.get(name) ?? []), value])
  return value
}
const defs = definitions()
for (const [name, def] of defs.conditions) {
  const d = def.description
  if (typeof d === 'function') def.description = (args) => seen(`condition ${name}`, d(args)) as Text
}
for (const [name, def] of defs.steps) {
  const d = def.description
  if (typeof d === 'function') def.description = (args, ctx) => seen(`step ${name}`, d(args, ctx)) as Text
}
for (const [name, def] of defs.notes) {
  const text = def.text
  def.text = (args, ctx) => seen(`note ${name}`, text(args, ctx)) as Text
}

interface Case {
  name: string
  application: Application
  asOf?: string
  history?: GrantedSummary
  parameters?: Record<string, ParameterOverride>
  measures?: MeasureId[]
}

/** Every example, the full application and every case of the case files, as [name, application, options]. */
const inputs = (): [string, Application, EvaluateOptions][] => {
  const out: [string, Application, EvaluateOptions][] = []
  for (const file of readdirSync(join(ROOT, 'examples')).filter((f) => f.endsWith('.json'))) {
    const request = readJson<{ application: Application; measures?: MeasureId[] }>(
      join(ROOT, 'examples', file),
    )
    out.push([file, request.application, request.measures ? { measures: request.measures } : {}])
  }
  out.push(['full application', FULL_APPLICATION, {}])
  // A budget pool: its condition is in the trace.
  const budget = (amount: string) => ({
    key: subjectKey({ ledger: 'budget', year: 2015, measure: 'interest-subsidy', prefecture: null }),
    year: 2015,
    measure: 'interest-subsidy' as const,
    prefecture: null,
    queued: 0,
    amount,
    drawn: '0.00',
  })
  const subsidy = deepProcessing('p-1', '1000000.00', '2015-06-01')
  out.push(['budget covers', subsidy, { history: { budgets: [budget('1000000.00')] } }])
  out.push(['budget short', subsidy, { history: { budgets: [budget('10.00')] } }])
  const dir = join(ROOT, 'test', 'engine', 'cases')
  for (const file of readdirSync(dir).filter((f) => f.endsWith('.json'))) {
    for (const c of readJson<Case[]>(join(dir, file))) {
      out.push([
        `${file}: ${c.name}`,
        c.application,
        {
          ...(c.asOf ? { asOf: c.asOf } : {}),
          ...(c.history ? { history: historyFromSummary(c.application, c.history) } : {}),
          ...(c.measures ? { measures: c.measures } : {}),
          parameters: DEFAULT_PARAMETERS.withOverrides(c.parameters ?? {}),
        },
      ])
    }
  }
  return out
}

const traces = (e: Evaluation): [string, Trace][] => [
  ...e.gates.map((g): [string, Trace] => [g.gate, g.trace]),
  ...e.outcomes.map((o): [string, Trace] => [o.measure, o.trace]),
]

/** Every step description and note of a Chinese rendering that has no Chinese in it. */
const notChinese = (e: Evaluation): string[] =>
  traces(e).flatMap(([id, trace]): string[] => [
    ...trace.steps.filter((s) => !HAN.test(s.description)).map((s) => `${id} step: ${s.description}`),
    ...trace.notes.filter((n) => !HAN.test(n)).map((n) => `${id} note: ${n}`),
    ...trace.conditions.filter((c) => !HAN.test(c.description.zh)).map((c) => `${id} condition: ${c.id}`),
  ])

t.test('every case renders in Chinese, and in English as before', async (t) => {
  let rendered = 0
  const notZh: string[] = []
  const otherwise: string[] = []
  for (const version of RULESET_VERSIONS) {
    for (const [name, application, options] of inputs()) {
      let compact: ReturnType<typeof decideCompact>
      try {
        compact = decideCompact(application, { ...options, ruleset: version })
      } catch {
        continue // a case that is refused (an EngineError) has no trace
      }
      const zh = renderEvaluation(compact, application, 'zh-CN')
      const en = renderEvaluation(compact, application, 'en')
      notZh.push(...notChinese(zh).map((x) => `${version} ${name}: ${x}`))
      // The languages differ only in the words of steps and notes (and the unit of an area).
      const words = (e: Evaluation) =>
        JSON.stringify({
          ...e,
          gates: traces(e).map(([, tr]) => ({
            ...tr,
            steps: tr.steps.map((s) => [s.expression.replace(/ (mu|亩)/g, ''), s.result]),
            notes: tr.notes.length,
          })),
          outcomes: e.outcomes.map((o) => ({ ...o, trace: null })),
        })
      if (words(zh) !== words(en)) otherwise.push(`${version} ${name}`)
      rendered++
    }
  }
  t.same(notZh, [], 'every step, note and condition of every zh-CN trace has Chinese')
  t.same(otherwise, [], 'zh-CN and en render the same decision, in other words')
  t.ok(rendered > 100, `${rendered} evaluations rendered in both languages`)
  // The negative list's note for an application without a project: decide() runs no gate then (no
  // project, no gate), but the gate records the note when asked directly.
  for (const language of ['zh-CN', 'en'] as const) {
    const trace = renderTrace('negative-list', '§17', { p: [], c: [], s: [], n: [['no-project']] }, [], {
      rulings: true,
      show: presentation('1.2.0'),
      language,
    })
    t.equal(HAN.test(trace.notes[0]!), language === 'zh-CN', `the no-project note in ${language}`)
  }
})

t.test('every condition, step and note has its text in both languages', async (t) => {
  const problems: string[] = []
  const neverRendered: string[] = []
  const check = (kind: string, name: string, text: unknown) => {
    if (typeof text !== 'function') {
      problems.push(...textProblems(`${kind} ${name}`, text))
      return
    }
    const values = given.get(`${kind} ${name}`)
    if (!values) neverRendered.push(`${kind} ${name}`)
    else for (const v of values) problems.push(...textProblems(`${kind} ${name}`, v))
  }
  for (const [name, def] of defs.conditions) check('condition', name, def.description)
  for (const [name, def] of defs.steps) check('step', name, def.description)
  for (const [name, def] of defs.notes) check('note', name, def.text)
  const count = defs.conditions.length + defs.steps.length + defs.notes.length
  t.ok(
    defs.steps.length + defs.notes.length >= 40,
    `${defs.steps.length} steps and ${defs.notes.length} notes defined`,
  )
  t.same(problems, [], `all ${count} definitions have Chinese and English text`)
  t.same(neverRendered, [], 'every text built from arguments was rendered by some case')
})

t.test('over HTTP, the trace is in the language of the request', async (t) => {
  const app = await testApp(t)
  const request = {
    application: FULL_APPLICATION,
  }
  const post = (headers: Record<string, string>) =>
    app.inject({ method: 'POST', url: '/v1/evaluations?explain=full', payload: request, headers })
  const zh = await post({})
  const zhExplicit = await post({ 'accept-language': 'zh-CN,zh;q=0.9' })
  const en = await post({ 'accept-language': 'en-GB,en;q=0.8' })
  t.equal(zh.statusCode, 200)
  t.equal(en.statusCode, 200)
  t.equal(zh.headers['content-language'], 'zh-CN')
  t.equal(en.headers['content-language'], 'en')
  const zhBody = zh.json() as Evaluation
  const enBody = en.json() as Evaluation
  t.equal(zhBody.outcomes.length, 12, 'all 12 measures')
  t.equal(zhExplicit.body, zh.body, 'Chinese by default')
  t.same(notChinese(zhBody), [], 'no step or note without Chinese in the zh-CN trace')
  const steps = (e: Evaluation) => traces(e).flatMap(([, tr]) => tr.steps.map((s) => s.description))
  const notes = (e: Evaluation) => traces(e).flatMap(([, tr]) => tr.notes)
  t.ok(steps(zhBody).length > 10, `${steps(zhBody).length} steps`)
  // English: what the engine renders in English (the goldens' language), and not Chinese.
  const reference = renderEvaluation(decideCompact(FULL_APPLICATION, {}), FULL_APPLICATION, 'en')
  t.same(steps(enBody), steps(reference), 'the en steps are the English rendering')
  t.same(notes(enBody), notes(reference), 'the en notes are the English rendering')
  t.ok(
    steps(enBody).every((s) => /^[\x20-\x7e]*$/.test(s.replace(/[§…×−→\u4e00-\u9fff（）]/g, ''))),
    'the en steps are English',
  )
  t.not(JSON.stringify(steps(enBody)), JSON.stringify(steps(zhBody)), 'the two languages differ')
  // The default summary holds no words that depend on the language (idempotent replays store it).
  const summary = (h: Record<string, string>) =>
    app.inject({ method: 'POST', url: '/v1/evaluations', payload: request, headers: h })
  t.equal(
    (await summary({ 'accept-language': 'en' })).body,
    (await summary({})).body,
    'the summary is the same bytes',
  )
})
