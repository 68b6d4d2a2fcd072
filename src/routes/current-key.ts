// Who am I: the record of the key that signs the request. A client holding only the secret (the web
// console at /console, a script) learns its role, label and enterprise from the API itself, under the
// same Bearer authentication as every other route — the console adds no authorization path of its
// own. Every role may read its own record; never a secret or a hash.

import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { Type } from 'typebox'
import { ROLES } from '../auth/api-keys.ts'
import { findKeyById } from '../db/keys-repository.ts'
import { callerOf } from '../plugins/auth.ts'
import { problemResponses } from '../schemas/problem.ts'
import { notFound } from './applications.ts'

const CurrentKey = Type.Object(
  {
    id: Type.String({ format: 'uuid', description: 'The key id (as in decidedBy and audit actors).' }),
    prefix: Type.String({ description: 'The public part of the key.' }),
    role: Type.Enum(ROLES, { description: 'enterprise, finance, auditor or admin.' }),
    enterprise: Type.Union([Type.String(), Type.Null()], {
      description: 'Credit code, for enterprise keys.',
    }),
    label: Type.String({ description: 'The label given at creation.' }),
    createdAt: Type.String({ format: 'date-time' }),
    createdBy: Type.Union([Type.String(), Type.Null()], { description: 'The key id that created it.' }),
    revokedAt: Type.Union([Type.String({ format: 'date-time' }), Type.Null()]),
  },
  { additionalProperties: false, description: 'The calling key’s own record.' },
)

const currentKey: FastifyPluginAsyncTypebox = async (app) => {
  app.get(
    '/v1/keys/current',
    {
      preValidation: app.requireRole('enterprise', 'finance', 'auditor', 'admin'),
      schema: {
        tags: ['keys'],
        operationId: 'getCurrentApiKey',
        summary: 'The calling key’s own record',
        description:
          'The id, role, label and enterprise of the key in the Authorization header (any role). ' +
          'A client that holds only the key learns what it may do; never a secret or a hash.',
        security: [{ apiKey: [] }],
        response: { 200: CurrentKey, ...problemResponses(401) },
      },
    },
    async (request) => {
      // The key was found a moment ago by the auth hook; a key deleted in between is simply gone.
      const record = await findKeyById(app.database.db, callerOf(request).keyId)
      if (!record) throw notFound('API key')
      return record
    },
  )
}

export default currentKey
