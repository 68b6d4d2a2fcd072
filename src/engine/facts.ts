// The explanation of a decision, recorded as facts and rendered to prose only when someone reads it.
//
// A measure (or gate) records, on its hot path, what it tested and computed as small JSON facts: a
// condition's key, its input, its threshold and whether it held; a step's key, its exact value and
// its operands; a note's key and arguments; the parameters it read (by reference). The words — the
// condition's description in Chinese and English, the clause it cites, the step's description and
// expression, the note's sentence — live in definitions declared beside the rule that uses them
// (defineCondition, defineStep, defineNote), and are applied by renderTrace when the explanation is
// asked for. Nothing an auditor reads is lost: the rendered trace is the one the engine built
// eagerly before (test/engine/golden.test.ts holds it to that), but the decision pays only for facts.

import { Rational } from './money.ts'
import type { ParameterRead } from './parameters/types.ts'
import { presentsDecimals, type RulesetVersion } from './ruleset.ts'
import {
  type Comparison,
  inLanguage,
  type Text,
  type Trace,
  type TraceCondition,
  type TraceLanguage,
  type TraceStep,
} from './trace.ts'
import type { Application } from './types.ts'

/** An argument of a fact: plain JSON (ids, pointers, dates, counts), or an exact value (see Exact). */
export type Arg = unknown

/**
 * An exact value in a fact: an integer, [numerator, denominator] as safe integers, or "n/d" when
 * either does not fit a safe integer (Rational.toCompact). Never a binary floating-point fraction.
 */
export type Exact = number | readonly [number, number] | string

/**
 * [key, holds, input, threshold, args], trailing members left out when absent. An input the
 * definition reads from the application, or a threshold it reads from the parameters, is not
 * stored (0 holds its place when a later member follows).
 */
export type ConditionFact = [
  key: string,
  holds: boolean,
  input?: unknown,
  threshold?: unknown,
  args?: readonly Arg[],
]
/** [key, value, operands] or [key, value, operands, args]: operands are the exact values in the expression */
export type StepFact =
  | [key: string, value: Exact, operands: readonly Exact[]]
  | [key: string, value: Exact, operands: readonly Exact[], args: readonly Arg[]]
/** [key] or [key, args] */
export type NoteFact = [key: string] | [key: string, args: readonly Arg[]]

/** The facts of one trace. `p` holds indices into the decision's parametersUsed. */
export interface TraceFacts {
  p: number[]
  c: ConditionFact[]
  s: StepFact[]
  n: NoteFact[]
  /**
   * Records a rule counted, each once (the tax records of src/engine/tax.ts): the steps shown from
   * them refer to them, and the outcome's details show them where they hold {"$ref": "#/trace/r"}.
   */
  r?: unknown[]
}

/** How exact values are shown: the presentation of the ruleset that made the decision. */
export interface Presentation {
  /** a money value: two decimals when whole fen, else the exact value */
  yuan(q: Rational): string
  /** any other value, exactly */
  number(q: Rational): string
  /** ruleset ≥ 1.2.0: decimals with the rounding shown as a step (never fractions) */
  decimals: boolean
}

/** Rulesets 1.0.0 and 1.1.0: a value that does not terminate shows as a reduced fraction ("23100000/73"). */
const FRACTIONS: Presentation = {
  yuan: (q) => q.toYuan(),
  number: (q) => q.toString(),
  decimals: false,
}

/**
 * Ruleset 1.2.0 on: a value that does not terminate shows as a decimal with six places and an
 * ellipsis ("316438.356164…"); the exact value is kept (in the facts) and the one rounding of a
 * measure (half-up to the fen, POLICY.md §0) is shown as its last step.
 */
const DECIMALS: Presentation = {
  yuan: (q) => q.toYuanDecimal(),
  number: (q) => q.toDecimal(),
  decimals: true,
}

export const presentation = (version: RulesetVersion): Presentation =>
  presentsDecimals(version) ? DECIMALS : FRACTIONS

/** What a definition's text functions may read besides the fact's own arguments. */
export interface RenderContext {
  /** the application decided (stored with the decision): inputs the facts do not copy (traces only) */
  application?: Application
  /** the rulings of 2026-12-03 apply (ruleset ≥ 1.1.0) */
  rulings: boolean
  show: Presentation
  /** the facts of the trace being rendered (the records its steps refer to) */
  facts?: TraceFacts
  /** the language of the steps' descriptions and the notes (conditions carry both languages) */
  language: TraceLanguage
}

/** A text of a definition in the language being rendered (for steps a definition expands to). */
export const say = (ctx: RenderContext, text: Text): string => inLanguage(text, ctx.language)

export interface ConditionDef {
  key: string
  /** the condition's id in the trace, from the fact's arguments; default: the key */
  id?: (args: readonly Arg[]) => string
  /** default: the trace's clause */
  clause?: string | ((ctx: RenderContext, args: readonly Arg[]) => string)
  description: Text | ((args: readonly Arg[]) => Text)
  comparison: Comparison | ((args: readonly Arg[]) => Comparison)
  /**
   * The input, read from the application (which is stored with the decision), when the condition
   * tests an application fact as given: the fact does not copy it.
   */
  input?: (application: Application, args: readonly Arg[]) => unknown
  /**
   * The threshold, from the parameters the trace read (`value(name)`: the value read, undefined if
   * not read), when it is a parameter's value: the decision records it once, in parametersUsed.
   */
  threshold?: (value: (name: string) => unknown, args: readonly Arg[], application: Application) => unknown
}

export interface StepDef {
  key: string
  /**
   * Steps that are shown from facts recorded once elsewhere (a tax record's proration and local share
   * are in the trace's records, `r`): the fact holds only arguments, and this gives the steps.
   */
  expand?: (args: readonly Arg[], ctx: RenderContext) => TraceStep[]
  /** Steps shown before this one, from facts recorded once elsewhere (see expand). */
  preceding?: (args: readonly Arg[], ctx: RenderContext) => TraceStep[]
  /** in both languages; the trace shows the one it is rendered in */
  description: Text | ((args: readonly Arg[], ctx: RenderContext) => Text)
  /** the arithmetic with the values substituted; `q` are the fact's operands */
  expression: (q: readonly Rational[], args: readonly Arg[], ctx: RenderContext) => string
  /** how the result shows: money (default) or a plain number */
  unit?: 'yuan' | 'number'
}

export interface NoteDef {
  key: string
  /** in both languages; the trace shows the one it is rendered in */
  text: (args: readonly Arg[], ctx: RenderContext) => Text
}

// One registry per kind, keyed by scope (a measure or gate id, or "" for the shared rules) and key.
const CONDITIONS = new Map<string, ConditionDef>()
const STEPS = new Map<string, StepDef>()
const NOTES = new Map<string, NoteDef>()

/**
 * The same definitions by scope, then key: what rendering looks them up in. Building the
 * "scope:key" string for every fact rendered (a new string, flattened and hashed each time) was
 * about 9 % of a full render.
 */
type ByScope<D> = Map<string, Map<string, D>>
const CONDITIONS_BY_SCOPE: ByScope<ConditionDef> = new Map()
const STEPS_BY_SCOPE: ByScope<StepDef> = new Map()
const NOTES_BY_SCOPE: ByScope<NoteDef> = new Map()

const register = <D extends { key: string }>(
  registry: Map<string, D>,
  byScope: ByScope<D>,
  scope: string,
  def: D,
): D => {
  const name = `${scope}:${def.key}`
  if (registry.has(name)) throw new Error(`engine bug: "${name}" is defined twice`)
  registry.set(name, def)
  let keys = byScope.get(scope)
  if (!keys) {
    keys = new Map()
    byScope.set(scope, keys)
  }
  keys.set(def.key, def)
  return def
}

// Every definition of a kind is stored with the same members in the same order (an absent one
// undefined): recording a fact reads def.key (and def.input, def.threshold) of a hundred
// definitions, and one hidden class per kind keeps those reads monomorphic instead of one shape per
// combination of the optional members written.

/** Declares a condition of `scope` (a measure or gate id; "" for one that several rules share). */
export const defineCondition = (scope: string, def: ConditionDef): ConditionDef =>
  register(CONDITIONS, CONDITIONS_BY_SCOPE, scope, {
    key: def.key,
    id: def.id,
    clause: def.clause,
    description: def.description,
    comparison: def.comparison,
    input: def.input,
    threshold: def.threshold,
  })
export const defineStep = (scope: string, def: StepDef): StepDef =>
  register(STEPS, STEPS_BY_SCOPE, scope, {
    key: def.key,
    expand: def.expand,
    preceding: def.preceding,
    description: def.description,
    expression: def.expression,
    unit: def.unit,
  })
export const defineNote = (scope: string, def: NoteDef): NoteDef =>
  register(NOTES, NOTES_BY_SCOPE, scope, { key: def.key, text: def.text })

/** Every definition, by kind (test/i18n/trace.test.ts checks each has both languages). */
export const definitions = () => ({
  conditions: [...CONDITIONS.entries()],
  steps: [...STEPS.entries()],
  notes: [...NOTES.entries()],
})

/** The definition of `key` in `scope`, else the shared one ("" scope). */
const find = <D>(byScope: ByScope<D>, scope: string, key: string): D => {
  const def = byScope.get(scope)?.get(key) ?? byScope.get('')?.get(key)
  if (!def) throw new Error(`engine bug: no definition of "${key}" for ${scope}`)
  return def
}

const NO_ARGS: readonly Arg[] = []

/** An exact value back from its fact form. */
export const exact = (v: Exact): Rational => Rational.fromCompact(v)

/**
 * The trace of one measure or gate, in words: each fact through its definition. `parameters` are
 * the decision's parametersUsed, which `facts.p` indexes.
 */
export const renderTrace = (
  scope: string,
  clause: string,
  facts: TraceFacts,
  parameters: readonly ParameterRead[],
  ctx: RenderContext,
): Trace => {
  const reads = facts.p.map((i) => parameters[i]!)
  if (facts.r) ctx = { ...ctx, facts }
  const value = (name: string) => reads.find((r) => r.name === name)?.value
  const conditions: TraceCondition[] = facts.c.map((f) => {
    const def = find(CONDITIONS_BY_SCOPE, scope, f[0])
    const args = f[4] ?? NO_ARGS
    const threshold = def.threshold ? def.threshold(value, args, ctx.application!) : f[3]
    return {
      id: def.id ? def.id(args) : def.key,
      clause:
        def.clause === undefined
          ? clause
          : typeof def.clause === 'string'
            ? def.clause
            : def.clause(ctx, args),
      description: typeof def.description === 'function' ? def.description(args) : def.description,
      input: def.input ? def.input(ctx.application!, args) : f[2],
      comparison: typeof def.comparison === 'function' ? def.comparison(args) : def.comparison,
      threshold,
      holds: f[1],
    }
  })
  // one array, pushed to (flatMap built an array per step, and another per expanded step)
  const steps: TraceStep[] = []
  for (const f of facts.s) {
    const def = find(STEPS_BY_SCOPE, scope, f[0])
    const args = f[3] ?? NO_ARGS
    if (def.expand) {
      for (const step of def.expand(args, ctx)) steps.push(step)
      continue
    }
    const value = exact(f[1])
    const step: TraceStep = {
      description: say(
        ctx,
        typeof def.description === 'function' ? def.description(args, ctx) : def.description,
      ),
      expression: def.expression(f[2].map(exact), args, ctx),
      result: def.unit === 'number' ? ctx.show.number(value) : ctx.show.yuan(value),
    }
    if (def.preceding) for (const s of def.preceding(args, ctx)) steps.push(s)
    steps.push(step)
  }
  const notes = facts.n.map((f) => say(ctx, find(NOTES_BY_SCOPE, scope, f[0]).text(f[1] ?? NO_ARGS, ctx)))
  return { clause, conditions, parameters: reads, steps, notes }
}
