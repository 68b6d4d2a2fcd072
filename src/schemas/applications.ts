// Stored applications and decisions, as the API shows them.

import { Type } from 'typebox'
import { PREFECTURE_SPELLINGS } from '../engine/prefectures.ts'
import { Application, CREDIT_CODE_PATTERN, History, Id, IsoDate } from './application.ts'
import {
  CURSOR_PATTERN,
  HEADER_VALUE_PATTERN,
  LIST_LIMIT_PATTERN,
  PlainText,
  SHA256_PATTERN,
  YEAR_PATTERN,
} from './common.ts'
import { LedgerHistory, MeasureId, OUTCOME_STATUSES, OutcomeStatus } from './evaluation.ts'
import { EvaluationAnswer } from './explain.ts'

const Uuid = (description: string) => Type.String({ format: 'uuid', description })
const Sha256 = (description: string) => Type.String({ pattern: SHA256_PATTERN, description })
const Timestamp = (description: string) => Type.String({ format: 'date-time', description })

export const Decision = Type.Object(
  {
    id: Uuid('Id of the decision.'),
    applicationId: Uuid('The application decided.'),
    createdAt: Timestamp('When the decision was made.'),
    decidedBy: Uuid('Id of the API key that made the decision (submitted or corrected it).'),
    supersedes: Type.Union([Uuid('The decision this one corrects.'), Type.Null()], {
      description: 'The decision this one corrects, or null for an original decision.',
    }),
    supersededBy: Type.Union([Uuid('The decision that corrected this one.'), Type.Null()], {
      description: 'The decision that corrected this one, or null while it is current.',
    }),
    correctionReason: Type.Union([Type.String(), Type.Null()], {
      description: 'Why the correction was made.',
    }),
    decisionHash: Type.String({
      pattern: SHA256_PATTERN,
      description: 'SHA-256 of the decision’s canonical JSON (RFC 8785), as recorded in the audit trail.',
    }),
    history: Type.Union([LedgerHistory, History], {
      description:
        "What was already granted when the decision was made: the ledger's grants for the subjects it read (ruleset 1.1.0), or the summary decisions of ruleset 1.0.0 stored.",
    }),
    evaluation: EvaluationAnswer,
    traceLanguage: Type.Optional(
      Type.Union([Type.Literal('zh-CN'), Type.Literal('en')], {
        description:
          'With explain=full: the language of the trace’s steps and notes — the request’s (Accept-Language), ' +
          'English for a decision stored in full before compact records, and for an idempotent replay the ' +
          'first request’s (the stored bytes are returned as they were; Content-Language says the same).',
      }),
    ),
  },
  {
    additionalProperties: false,
    description:
      'An immutable decision: outcomes and amounts; with explain=full, its ruleset’s trace and parameters.',
  },
)

export const StoredApplication = Type.Object(
  {
    id: Uuid('Id of the application.'),
    enterpriseCreditCode: Type.String({ description: 'The applicant’s unified social credit code.' }),
    projectId: Type.Union([Type.String(), Type.Null()], { description: 'The project id, if any.' }),
    applicationDate: Type.String({
      format: 'date',
      description: 'The application date (rules are read as of it).',
    }),
    inputHash: Sha256('SHA-256 of the canonical JSON (RFC 8785) of the facts as submitted.'),
    submittedBy: Uuid('Id of the API key that submitted it.'),
    createdAt: Timestamp('When it was stored.'),
    facts: Application,
    decisions: Type.Array(Decision, {
      description: 'Its decisions, oldest first: the original, then corrections; the last is current.',
    }),
  },
  { additionalProperties: false, description: 'A stored application with its decisions.' },
)

export const ApplicationSummary = Type.Object(
  {
    id: Uuid('Id of the application.'),
    enterpriseCreditCode: Type.String({ description: 'The applicant’s unified social credit code.' }),
    projectId: Type.Union([Type.String(), Type.Null()], { description: 'The project id, if any.' }),
    applicationDate: Type.String({ format: 'date', description: 'The application date.' }),
    year: Type.Integer({ description: 'Year of the application date (the grant report’s year).' }),
    prefecture: Type.Union([Type.String(), Type.Null()], {
      description: 'Prefecture id of the project (facts /project/prefecture); null without a project.',
    }),
    measures: Type.Array(MeasureId, {
      description:
        'Measures the current decision does not find ineligible (eligible, capped, needs-review, unfunded); ' +
        'every outcome is in `outcomes`.',
    }),
    createdAt: Timestamp('When it was stored.'),
    decisionId: Type.Union([Uuid('The current decision.'), Type.Null()], {
      description:
        'The current decision; null when a correction with corrected facts took it (`correctedBy`).',
    }),
    correctedBy: Type.Union(
      [
        Type.Object(
          {
            applicationId: Uuid('The application the correction stored.'),
            decisionId: Uuid('The correcting decision (it supersedes this application’s last decision).'),
          },
          { additionalProperties: false },
        ),
        Type.Null(),
      ],
      {
        description:
          'A correction with corrected facts is a new application: it names it here, and this application ' +
          'keeps no current decision (no outcomes). Null otherwise.',
      },
    ),
    totalAmount: Type.Union([Type.String(), Type.Null()], {
      description: 'Total cash amount of the current decision, yuan with two decimals.',
    }),
    outcomes: Type.Array(
      Type.Object(
        {
          measure: MeasureId,
          status: OutcomeStatus,
          amount: Type.Union([Type.String(), Type.Null()]),
        },
        { additionalProperties: false },
      ),
      { description: 'Status and amount per measure, from the current decision.' },
    ),
  },
  { additionalProperties: false },
)

export const ApplicationPage = Type.Object(
  {
    items: Type.Array(ApplicationSummary, { description: 'Newest first.' }),
    nextCursor: Type.Union([Type.String(), Type.Null()], {
      description: 'Pass as `cursor` for the next page; null on the last page.',
    }),
  },
  { additionalProperties: false },
)

export const ApplicationQuery = Type.Object(
  {
    enterprise: Type.Optional(
      Type.String({
        pattern: CREDIT_CODE_PATTERN,
        description: 'Credit code (enterprise keys see only their own).',
      }),
    ),
    project: Type.Optional(Id('Project id.')),
    measure: Type.Optional(MeasureId),
    prefecture: Type.Optional(
      Type.String({
        enum: [...PREFECTURE_SPELLINGS],
        description:
          'Prefecture of the project: its id (pinyin, "qujing"), GB/T 2260 code ("530300") or Chinese name ("曲靖市", "曲靖").',
      }),
    ),
    year: Type.Optional(
      Type.String({
        pattern: YEAR_PATTERN,
        description: 'Year of the application date, e.g. "2015".',
      }),
    ),
    status: Type.Optional(Type.Enum(OUTCOME_STATUSES)),
    from: Type.Optional(IsoDate('Application date on or after.')),
    to: Type.Optional(IsoDate('Application date on or before.')),
    cursor: Type.Optional(Type.String({ pattern: CURSOR_PATTERN, description: 'From the previous page.' })),
    limit: Type.Optional(
      Type.String({ pattern: LIST_LIMIT_PATTERN, description: 'Page size, 1 to 100 (default 20).' }),
    ),
  },
  { additionalProperties: false },
)

export const IdempotencyHeaders = Type.Object({
  'idempotency-key': Type.String({
    minLength: 1,
    maxLength: 255,
    pattern: HEADER_VALUE_PATTERN,
    description:
      'Required (IETF httpapi Idempotency-Key). The same key with the same body returns the stored response, ' +
      'byte for byte; with another body, 422. A request sent while the first with its key is still being ' +
      'decided waits for it and returns its response (409, with Retry-After, only in the rare case that the ' +
      'key is held but its response cannot be read yet). Keys are scoped to your API key and kept 48 hours.',
  }),
})

export const Correction = Type.Object(
  {
    reason: PlainText('Why the decision is corrected.', { minLength: 3, maxLength: 2000 }),
    facts: Type.Optional(Application),
  },
  { additionalProperties: false },
)

export const ReplayResult = Type.Object(
  {
    decisionId: Uuid('The decision replayed.'),
    against: Type.Enum(['stored', 'current'] as const, {
      description: 'stored: the stored parameter values; current: today’s ruleset.',
    }),
    identical: Type.Boolean({
      description: 'Whether the replayed evaluation equals the stored one, field by field.',
    }),
    storedRuleset: Type.Object(
      { id: Type.String(), version: Type.String() },
      { additionalProperties: false },
    ),
    replayedRuleset: Type.Object(
      { id: Type.String(), version: Type.String() },
      { additionalProperties: false },
    ),
    differences: Type.Array(
      Type.Object(
        {
          path: Type.String({ description: 'JSON pointer into the evaluation.' }),
          stored: Type.Unknown(),
          replayed: Type.Unknown(),
        },
        { additionalProperties: false },
      ),
    ),
    measures: Type.Array(
      Type.Object(
        {
          measure: Type.String(),
          stored: Type.Object({ status: Type.String(), amount: Type.Union([Type.String(), Type.Null()]) }),
          replayed: Type.Union([
            Type.Object({ status: Type.String(), amount: Type.Union([Type.String(), Type.Null()]) }),
            Type.Null(),
          ]),
          changed: Type.Boolean(),
        },
        { additionalProperties: false },
      ),
      { description: 'Per measure: stored and replayed status and amount.' },
    ),
  },
  { additionalProperties: false },
)
