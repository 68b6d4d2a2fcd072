// The rules as data: the measures (what each grants, under which clause, from which inputs) and the
// dated parameters (every rate, cap, threshold and date, with its clause, our interpretation where
// the source is silent, and its full history). Read-only and stateless.

import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { Type } from 'typebox'
import type { Measure as EngineMeasure } from '../engine/measure.ts'
import { MEASURES } from '../engine/measures/index.ts'
import { DEFAULT_PARAMETERS } from '../engine/parameters/index.ts'
import type { ParameterDefinition } from '../engine/parameters/types.ts'
import { HttpProblem } from '../plugins/problems.ts'
import { IsoDate } from '../schemas/application.ts'
import { CalendarDate, PARAMETER_NAME_PATTERN, TEXT_PATTERN } from '../schemas/common.ts'
import { MeasureId, NullableParameterValue, Text } from '../schemas/evaluation.ts'
import { problemResponses } from '../schemas/problem.ts'

const Measure = Type.Object(
  {
    id: MeasureId,
    clause: Type.String({ description: 'Clause of the source, e.g. "§18".' }),
    title: Text,
    summary: Text,
    cash: Type.Boolean({
      description:
        'True for cash amounts; false for non-cash benefits (loan rate, land price ceiling, direct power trading).',
    }),
    inputs: Type.Array(Type.String(), {
      description: 'JSON pointers of the application inputs the measure reads, e.g. "/project/investment".',
    }),
  },
  { $id: 'Measure', additionalProperties: false, description: 'A measure of POLICY.md §2.' },
)

const ParameterKind = Type.Enum(['rate', 'amount', 'integer', 'date', 'list', 'table'] as const, {
  description:
    'rate: decimal ratio string; amount: yuan decimal string; integer: a count; date: YYYY-MM-DD; list: ids; table: ids → decimal strings.',
})

const DatedValue = Type.Object(
  {
    from: CalendarDate('First day the value is in force; 0000-01-01 means always.'),
    to: Type.Union([CalendarDate('Last day the value is in force, inclusive.'), Type.Null()], {
      description: 'Last day the value is in force, inclusive; null = open-ended.',
    }),
    value: NullableParameterValue,
  },
  { additionalProperties: false, description: 'A value and its effective period.' },
)

const parameterProperties = {
  name: Type.String({ description: 'Dotted name, e.g. "interestSubsidy.rate".' }),
  kind: ParameterKind,
  unit: Type.String({
    description: 'Unit: "CNY", "ratio", "months", "kV", "CNY/mu", "years", "date", "ids"…',
  }),
  clause: Type.String({ description: 'Clause of the source it comes from, e.g. "§18".' }),
  description: Text,
  interpretation: Type.Optional(
    Type.String({ description: 'The reading we chose where the source is silent or ambiguous (POLICY.md).' }),
  ),
  values: Type.Array(DatedValue, { description: 'Every value, ordered by `from`, non-overlapping.' }),
}

const Parameter = Type.Object(parameterProperties, {
  $id: 'Parameter',
  additionalProperties: false,
  description: 'A dated parameter of the ruleset.',
})

const ParameterAt = Type.Object(
  {
    ...parameterProperties,
    at: Type.Optional(CalendarDate('The day asked for (`?at=`).')),
    inForce: Type.Optional(
      Type.Object(
        {
          value: NullableParameterValue,
          from: CalendarDate('First day of the period the value belongs to.'),
          to: Type.Union([CalendarDate('Last day of that period, inclusive.'), Type.Null()], {
            description: 'Last day of that period, inclusive; null = open-ended.',
          }),
        },
        {
          additionalProperties: false,
          description:
            'The value in force on `at` and its period; value null when the rule is not in force that day. Present only when `at` is given.',
        },
      ),
    ),
  },
  {
    $id: 'ParameterAt',
    additionalProperties: false,
    description: 'A parameter with its full history and, when a day is asked for, the value in force then.',
  },
)

const measureView = (m: EngineMeasure) => ({
  id: m.id,
  clause: m.clause,
  title: m.title,
  summary: m.summary,
  cash: m.cash,
  inputs: [...m.inputs],
})

const parameterView = (p: ParameterDefinition) => ({
  name: p.name,
  kind: p.kind,
  unit: p.unit,
  clause: p.clause,
  description: p.description,
  ...(p.interpretation === undefined ? {} : { interpretation: p.interpretation }),
  values: p.values.map((v) => ({ from: v.from, to: v.to, value: v.value })),
})

const notFound = (detail: string) =>
  new HttpProblem({ type: 'about:blank', title: 'Not Found', status: 404, detail })

const reference: FastifyPluginAsyncTypebox = async (app) => {
  app.get(
    '/v1/measures',
    {
      schema: {
        tags: ['reference'],
        summary: 'The measures (incentives) of the policy',
        response: {
          200: Type.Array(Measure, { description: 'Every measure, in the order of POLICY.md §2.' }),
          ...problemResponses(401),
        },
      },
    },
    async () => MEASURES.map(measureView),
  )

  app.get(
    '/v1/measures/:id',
    {
      schema: {
        tags: ['reference'],
        summary: 'One measure',
        params: Type.Object(
          {
            id: Type.String({
              description: 'Measure id, e.g. "interest-subsidy".',
              maxLength: 100,
              pattern: TEXT_PATTERN,
            }),
          },
          { additionalProperties: false },
        ),
        response: { 200: Measure, ...problemResponses(401, 404) },
      },
    },
    async (request) => {
      const measure = MEASURES.find((m) => m.id === request.params.id)
      if (!measure) throw notFound(`No measure "${request.params.id}": GET /v1/measures lists them.`)
      return measureView(measure)
    },
  )

  app.get(
    '/v1/parameters',
    {
      schema: {
        tags: ['reference'],
        summary: 'Every parameter of the ruleset, with its dated values',
        response: {
          200: Type.Array(Parameter, { description: 'Every parameter, in the order of the ruleset.' }),
          ...problemResponses(401),
        },
      },
    },
    async () => DEFAULT_PARAMETERS.definitions().map(parameterView),
  )

  app.get(
    '/v1/parameters/:name',
    {
      schema: {
        tags: ['reference'],
        summary: 'One parameter: its history and, with ?at=, the value in force that day',
        params: Type.Object(
          {
            name: Type.String({
              description: 'Dotted parameter name, e.g. "interestSubsidy.rate".',
              pattern: PARAMETER_NAME_PATTERN,
            }),
          },
          { additionalProperties: false },
        ),
        querystring: Type.Object(
          {
            at: Type.Optional(IsoDate('A day YYYY-MM-DD: answers the value in force then, with its period.')),
          },
          { additionalProperties: false },
        ),
        response: { 200: ParameterAt, ...problemResponses(400, 401, 404) },
      },
    },
    async (request) => {
      const { name } = request.params
      const { at } = request.query
      const definition = DEFAULT_PARAMETERS.definition(name)
      if (!definition) throw notFound(`No parameter "${name}": GET /v1/parameters lists them.`)
      const view = parameterView(definition)
      if (at === undefined) return view
      const read = DEFAULT_PARAMETERS.lookup(name, at)!
      return { ...view, at, inForce: { value: read.value, from: read.from, to: read.to } }
    },
  )
}

export default reference
