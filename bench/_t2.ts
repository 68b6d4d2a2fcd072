import { decideCompact } from '../src/engine/decide.ts'
import { evaluate } from '../src/engine/evaluate.ts'
import { summarizeEvaluation } from '../src/engine/render.ts'
import { DEFAULT_PARAMETERS } from '../src/engine/parameters/index.ts'
import { withConsequenceTexts } from '../src/i18n/consequences.ts'
import { DEFAULT_LANGUAGE } from '../src/i18n/language.ts'
import { FULL_REQUEST } from './application.ts'
const text = JSON.stringify(FULL_REQUEST.application)
const N = 20000
const opts = () => ({ parameters: DEFAULT_PARAMETERS.withOverrides({}) })
const t = (name: string, f: () => unknown) => { for (let i=0;i<2000;i++) f(); const s = process.cpuUsage(); for (let i=0;i<N;i++) f(); const u = process.cpuUsage(s); console.log(name.padEnd(30), ((u.user+u.system)/N).toFixed(1), 'µs') }
const summary = () => withConsequenceTexts(summarizeEvaluation(decideCompact(JSON.parse(text), opts())))
const full = () => withConsequenceTexts(evaluate(JSON.parse(text), opts(), DEFAULT_LANGUAGE))
const mode = process.argv[2]
if (mode === 'fullfirst') for (let r=0;r<2;r++) t('full', full)
for (let r=0;r<3;r++) t('summary', summary)
