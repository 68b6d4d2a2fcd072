// POST /v1/evaluations: stateless "what am I entitled to?". The facts, an evaluation date, parameter
// overrides (what-if) and what was already granted go in; every measure decided, with amounts and
// the explanation, comes out. Nothing is stored; a persisted decision is an application's business.
// Input the engine cannot decide on leaves as a problem naming the field: an unknown parameter →
// 400 at #/parameters/<name>; a tax record straddling a change of local share → 422 with the date.

import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { decideCompact } from '../engine/decide.ts'
import { EngineError, isEngineError } from '../engine/errors.ts'
import { evaluate } from '../engine/evaluate.ts'
import { historyFromSummary } from '../engine/history.ts'
import { DEFAULT_PARAMETERS } from '../engine/parameters/index.ts'
import { summarizeEvaluation } from '../engine/render.ts'
import { withConsequenceTexts } from '../i18n/consequences.ts'
import { EvaluationRequest } from '../schemas/evaluation.ts'
import { EvaluationAnswer, Explain } from '../schemas/explain.ts'
import { problemResponses } from '../schemas/problem.ts'
import { jsonBytesCompiler } from './json-bytes.ts'
import { explainFor } from './negotiate.ts'

/**
 * The engine points into the application ("/project/taxRecords/0"); the request body holds it under
 * "/application", so the problem's pointers are moved there to name the field the caller sent.
 */
/** A JSON pointer into the application, at the start of a message or after a space or bracket. */
const ENGINE_POINTER = /(^|[\s(（，,])(\/(?:applicationDate|enterprise|project|claims)(?=[\s/:：)），,]|$))/g

const underApplication = (error: EngineError): EngineError => {
  const listed = error.details['errors'] as { pointer: string }[] | undefined
  // The message names fields by the engine's pointers ("/project/taxRecords/0: …"): the request's.
  const moved = (text: string) => text.replace(ENGINE_POINTER, '$1/application$2')
  const text = { zh: moved(error.text.zh), en: moved(error.text.en) }
  return new EngineError(error.code, `/application${error.pointer}`, text, {
    ...error.details,
    ...(listed ? { errors: listed.map((e) => ({ ...e, pointer: `/application${e.pointer}` })) } : {}),
  })
}

const evaluations: FastifyPluginAsyncTypebox = async (app) => {
  app.post(
    '/v1/evaluations',
    {
      schema: {
        tags: ['evaluation'],
        summary: 'Evaluate an application: every measure, its amount and its explanation',
        description:
          'Stateless: nothing is stored. Gates (§17 negative list, §6 capacity control) are tested first; ' +
          'then each measure gives an outcome with a clause-by-clause trace. `parameters` overrides ' +
          'parameter values for this evaluation only (what-if); `history` states what was already ' +
          'granted, for limits that span applications. A tax record whose period straddles the date a ' +
          'local retained share changes (2016-05-01) is refused with 422: split it at that date. The answer ' +
          'is the summary (outcomes, amounts, reasons in Chinese and English) unless `explain=full` asks ' +
          'for the traces and the parameters used.',
        querystring: Explain,
        body: EvaluationRequest,
        response: { 200: EvaluationAnswer, ...problemResponses(400, 401, 422) },
      },
      // JSON.stringify, sent as bytes (./json-bytes.ts): faster than the compiled serializer for
      // these large, union-typed answers (BENCHMARKS.md); the schema documents them and the tests
      // validate them against it.
      serializerCompiler: jsonBytesCompiler,
    },
    async (request, reply) => {
      const explain = explainFor(request, reply)
      const { application, asOf, measures, parameters, history } = request.body
      // Overrides are checked first: their errors already point at "/parameters/<name>".
      const parameterSet = DEFAULT_PARAMETERS.withOverrides(parameters ?? {})
      try {
        const options = {
          asOf,
          measures,
          parameters: parameterSet,
          ...(history ? { history: historyFromSummary(application, history) } : {}),
        }
        // The summary needs no trace: it is read off the compact decision, nothing rendered.
        return withConsequenceTexts(
          explain === 'full'
            ? evaluate(application, options, request.language)
            : summarizeEvaluation(decideCompact(application, options)),
        )
      } catch (error) {
        throw isEngineError(error) ? underApplication(error) : error
      }
    },
  )
}

export default evaluations
