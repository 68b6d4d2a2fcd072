// An enterprise's ledger: what its projects were granted against their caps, its one-time grants and
// the tax days rewarded to it (finance and auditors; an enterprise sees only its own, others are 404).

import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { Type } from 'typebox'
import { enterpriseLedger } from '../db/ledger-repository.ts'
import { callerOf, visibleTo } from '../plugins/auth.ts'
import { CREDIT_CODE_PATTERN } from '../schemas/application.ts'
import { EnterpriseLedger } from '../schemas/ledger.ts'
import { problemResponses } from '../schemas/problem.ts'
import { notFound } from './applications.ts'

const enterprises: FastifyPluginAsyncTypebox = async (app) => {
  app.get(
    '/v1/enterprises/:creditCode/ledger',
    {
      preValidation: app.requireRole('enterprise', 'finance', 'auditor'),
      schema: {
        tags: ['audit'],
        summary: 'An enterprise’s ledger',
        description:
          'What the ledgers hold for one enterprise (README "For auditors"): its projects’ running totals ' +
          'against their caps, the one-time grants made to it, the tax days rewarded to it per tax, and the ' +
          'journal of its decisions’ ledger movements. Finance and auditor keys; an enterprise key reads ' +
          'only its own credit code.',
        security: [{ apiKey: [] }],
        params: Type.Object({
          creditCode: Type.String({
            pattern: CREDIT_CODE_PATTERN,
            description:
              'Unified social credit code (统一社会信用代码), 18 characters of the GB 32100-2015 alphabet.',
          }),
        }),
        response: { 200: EnterpriseLedger, ...problemResponses(400, 401, 403, 404) },
      },
    },
    async (request) => {
      const { creditCode } = request.params
      if (!visibleTo(callerOf(request), creditCode)) throw notFound('enterprise')
      return enterpriseLedger(app.database.db, creditCode)
    },
  )
}

export default enterprises
