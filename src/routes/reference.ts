// The rules as data: the measures (what each grants, under which clause, from which inputs) and the
// dated parameters (every rate, cap, threshold and date, with its clause, our interpretation where
// the source is silent, and its full history). Read-only and stateless.

import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { Type } from 'typebox'
import type { Measure as EngineMeasure } from '../engine/measure.ts'
import { MEASURES } from '../engine/measures/index.ts'
import { DEFAULT_PARAMETERS } from '../engine/parameters/index.ts'
import { interpretationOf } from '../engine/parameters/interpretations-zh.ts'
import type { ParameterDefinition } from '../engine/parameters/types.ts'
import { PREFECTURES } from '../engine/prefectures.ts'
import { type Text as Bilingual, type Language, localize } from '../i18n/language.ts'
import { REASON_CODES, REASONS } from '../i18n/reasons.ts'
import { HttpProblem } from '../plugins/problems.ts'
import { IsoDate } from '../schemas/application.ts'
import { CalendarDate, PARAMETER_NAME_PATTERN, TEXT_PATTERN } from '../schemas/common.ts'
import { MeasureId, NullableParameterValue, Text, TextOf } from '../schemas/evaluation.ts'
import { problemResponses } from '../schemas/problem.ts'

const Measure = Type.Object(
  {
    id: MeasureId,
    clause: Type.String({ description: 'Clause of the source, e.g. "§18".' }),
    title: Text,
    name: Type.String({
      description: 'The title in the language of the request (Accept-Language; Chinese by default).',
    }),
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
    TextOf('The reading we chose where the source is silent or ambiguous (POLICY.md), in both languages.'),
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

const measureView = (m: EngineMeasure, language: Language) => ({
  id: m.id,
  clause: m.clause,
  title: m.title,
  name: localize(m.title, language),
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
  ...(p.interpretation === undefined ? {} : { interpretation: interpretationOf(p.name, p.interpretation) }),
  values: p.values.map((v) => ({ from: v.from, to: v.to, value: v.value })),
})

const ReasonInfo = Type.Object(
  {
    code: Type.String({ description: 'The reason code (Reason.code).' }),
    message: Text,
    text: Type.String({ description: 'The message in the language of the request.' }),
  },
  { additionalProperties: false, description: 'What a reason code means in general.' },
)

const PrefectureInfo = Type.Object(
  {
    id: Type.String({ description: 'Pinyin id: what decisions and parameters hold, e.g. "yuxi".' }),
    code: Type.String({ description: 'GB/T 2260 administrative division code, e.g. "530400".' }),
    names: Type.Object(
      {
        zh: Type.String({ description: 'Official Chinese name, e.g. "玉溪市".' }),
        zhShort: Type.String({ description: 'Short Chinese name, e.g. "玉溪".' }),
        en: Type.String({ description: 'English name.' }),
      },
      { additionalProperties: false },
    ),
    name: Type.String({ description: 'The name in the language of the request.' }),
  },
  {
    additionalProperties: false,
    description:
      'A prefecture (州、市) of Yunnan; every request field `prefecture` accepts id, code or either Chinese name.',
  },
)

const notFound = (detail: Bilingual) =>
  new HttpProblem({ type: 'about:blank', title: 'Not Found', status: 404, detail })

const reference: FastifyPluginAsyncTypebox = async (app) => {
  app.get(
    '/v1/reasons',
    {
      schema: {
        tags: ['reference'],
        summary: 'Every reason code with its message in Chinese and English',
        description:
          'The general meaning of each Reason.code an outcome, gate, finance computation or indicator may ' +
          'carry (the outcome’s own message gives the figures of its case). `text` follows Accept-Language.',
        response: { 200: Type.Array(ReasonInfo) },
      },
    },
    async (request) =>
      REASON_CODES.map((code) => ({
        code,
        message: REASONS[code],
        text: localize(REASONS[code], request.language),
      })),
  )

  app.get(
    '/v1/prefectures',
    {
      schema: {
        tags: ['reference'],
        summary: 'The 16 prefectures of Yunnan: id, GB/T 2260 code and names',
        response: { 200: Type.Array(PrefectureInfo) },
      },
    },
    async (request) =>
      PREFECTURES.map((p) => ({
        id: p.id,
        code: p.code,
        names: { zh: p.zh, zhShort: p.short, en: p.en },
        name: request.language === 'en' ? p.en : p.zh,
      })),
  )

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
    async (request) => MEASURES.map((m) => measureView(m, request.language)),
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
      if (!measure)
        throw notFound({
          zh: `没有措施 "${request.params.id}"：GET /v1/measures 列出全部措施。`,
          en: `No measure "${request.params.id}": GET /v1/measures lists them.`,
        })
      return measureView(measure, request.language)
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
      if (!definition)
        throw notFound({
          zh: `没有参数 "${name}"：GET /v1/parameters 列出全部参数。`,
          en: `No parameter "${name}": GET /v1/parameters lists them.`,
        })
      const view = parameterView(definition)
      if (at === undefined) return view
      const read = DEFAULT_PARAMETERS.lookup(name, at)!
      return { ...view, at, inForce: { value: read.value, from: read.from, to: read.to } }
    },
  )
}

export default reference
