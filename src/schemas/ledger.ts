// An enterprise's ledger, as GET /v1/enterprises/{creditCode}/ledger shows it (README "For auditors").

import { Type } from 'typebox'
import { LedgerSubject } from './evaluation.ts'

const Amount = (description: string) => Type.String({ description: `${description} Yuan with two decimals.` })
const Uuid = (description: string) => Type.String({ format: 'uuid', description })
const Day = (description: string) => Type.String({ format: 'date', description })

export const EnterpriseLedger = Type.Object(
  {
    creditCode: Type.String({ description: 'The enterprise (unified social credit code).' }),
    caps: Type.Array(
      Type.Object(
        {
          subject: LedgerSubject,
          total: Amount('Granted so far (current decisions).'),
          cap: Type.Union([Amount('The cap.'), Type.Null()], {
            description: 'The cap, once a grant set it.',
          }),
          remaining: Type.Union([Amount('What the cap leaves.'), Type.Null()], {
            description: 'cap − total; null while no grant set the cap.',
          }),
        },
        { additionalProperties: false },
      ),
      {
        description:
          'Cumulative limits of the enterprise’s projects (§18 interest subsidy: 10 000 000.00 each).',
      },
    ),
    grants: Type.Array(
      Type.Object(
        {
          subject: LedgerSubject,
          item: Type.String({ description: 'The tier, the year, or "" for the identifier itself.' }),
          amount: Type.Union([Amount('Granted.'), Type.Null()]),
          decisionId: Uuid('The decision that holds the grant.'),
        },
        { additionalProperties: false },
      ),
      {
        description:
          'One-time grants made to the enterprise: platforms, institutes, standards, persons (once across all enterprises), top-3 award years.',
      },
    ),
    rewardedDays: Type.Array(
      Type.Object(
        {
          subject: LedgerSubject,
          from: Day('First day rewarded.'),
          to: Day('Last day rewarded (inclusive).'),
          days: Type.Integer({ minimum: 1, description: 'Days in the period.' }),
          decisionId: Uuid('The decision that rewarded them.'),
        },
        { additionalProperties: false },
      ),
      { description: 'Tax days each tax reward paid for, per tax and scope (each day is rewarded once).' },
    ),
    journal: Type.Array(
      Type.Object(
        {
          id: Type.String({ description: 'The journal entry (audited as entity ledger-entry:<id>).' }),
          decisionId: Uuid('The decision that made the movement.'),
          ledger: Type.String(),
          key: Type.String({
            description: 'The subject’s key as recorded (entries before 2026-12-03: the old key).',
          }),
          kind: Type.Enum(['cumulative', 'once', 'days', 'reversal'] as const),
          amount: Type.Union([Amount('Moved.'), Type.Null()]),
          item: Type.Union([Type.String(), Type.Null()]),
          period: Type.Union([
            Type.Object({ from: Day('From.'), to: Day('To.') }, { additionalProperties: false }),
            Type.Null(),
          ]),
          createdAt: Type.String({ format: 'date-time' }),
        },
        { additionalProperties: false },
      ),
      { description: 'Ledger movements of the enterprise’s decisions, grants and reversals, newest first.' },
    ),
    journalComplete: Type.Boolean({
      description: 'false when the journal was cut at its 1 000 newest entries.',
    }),
  },
  {
    $id: 'EnterpriseLedger',
    additionalProperties: false,
    description: 'What the ledgers hold for one enterprise.',
  },
)
