// The auditor's side of the audit trail: listing entries, the checkpoint to keep outside the system,
// and verification. Query numbers are strings with a pattern (Ajv never coerces here), so a bad
// number is a 400 naming the parameter.

import { type Static, Type } from 'typebox'
import { PlainText, SHA256_PATTERN } from './common.ts'

/** An entry's seq (a cursor of the log). */
export const SEQ_PATTERN = '^[0-9]{1,15}$'
/** A seq of an entry: 1 or more. */
export const FROM_SEQ_PATTERN = '^[1-9][0-9]{0,14}$'
/** Entries per page: 1 to 500 (MAX_PAGE_SIZE, src/db/audit-repository.ts). */
export const PAGE_SIZE_PATTERN = '^([1-9][0-9]?|[1-4][0-9]{2}|500)$'
/** An entity type, or type:id. */
export const ENTITY_FILTER_PATTERN = '^[a-z][a-z0-9-]*(:[^\\s\\u0000\\ud800-\\udfff]+)?$'

const SeqParameter = (description: string) => Type.String({ pattern: SEQ_PATTERN, description })
const Hash = (description: string) => Type.String({ pattern: SHA256_PATTERN, description })

export const AuditEntry = Type.Object(
  {
    seq: Type.Integer({ minimum: 1, description: '1, 2, 3… without gaps.' }),
    time: Type.String({ description: 'When the change was made (ISO 8601, UTC).' }),
    actor: Type.Object(
      {
        keyId: Type.String({ description: 'The API key that acted, or "system".' }),
        role: Type.String(),
      },
      { additionalProperties: false },
    ),
    action: Type.String({ description: 'What happened, e.g. "api-key.revoked".' }),
    entity: Type.Object(
      {
        type: Type.String({ description: 'application, decision, ledger-entry, api-key…' }),
        id: Type.String(),
      },
      { additionalProperties: false },
    ),
    entity_hash: Hash('SHA-256 of the RFC 8785 canonical JSON of the entity’s state after the change.'),
    prev_hash: Hash('entry_hash of the entry before (64 zeros for seq 1).'),
    entry_hash: Hash(
      'SHA-256 of prev_hash followed by the canonical JSON (RFC 8785) of this object without entry_hash.',
    ),
  },
  {
    additionalProperties: false,
    description:
      'One audit entry, exactly as hashed: an auditor recomputes entry_hash from these fields alone ' +
      '(src/audit/chain.ts states the definition).',
  },
)

export const AuditEntriesQuery = Type.Object(
  {
    from_seq: Type.Optional(
      Type.String({ pattern: FROM_SEQ_PATTERN, description: 'Entries with seq ≥ this (1 or more).' }),
    ),
    to_seq: Type.Optional(SeqParameter('Entries with seq ≤ this.')),
    entity: Type.Optional(
      Type.String({
        pattern: ENTITY_FILTER_PATTERN,
        maxLength: 200,
        description:
          'An entity type ("api-key"), or one entity as type:id ("decision:<uuid>"). A decision’s ' +
          'entries include the `decision.superseded` entry of the decision that corrected it (filed ' +
          'under the correcting decision’s id, which supersedes this one).',
      }),
    ),
    actor: Type.Optional(PlainText('The acting API key id, or "system".', { minLength: 1, maxLength: 200 })),
    action: Type.Optional(PlainText('e.g. "api-key.created".', { minLength: 1, maxLength: 200 })),
    from: Type.Optional(
      Type.String({ format: 'date-time', description: 'Entries at or after this instant.' }),
    ),
    to: Type.Optional(
      Type.String({ format: 'date-time', description: 'Entries at or before this instant.' }),
    ),
    limit: Type.Optional(
      Type.String({ pattern: PAGE_SIZE_PATTERN, description: 'Entries per page, 1 to 500 (default 100).' }),
    ),
    cursor: Type.Optional(
      Type.String({ pattern: SEQ_PATTERN, description: 'next_cursor of the previous page (opaque).' }),
    ),
  },
  { additionalProperties: false },
)
export type AuditEntriesQuery = Static<typeof AuditEntriesQuery>

export const AuditEntriesPage = Type.Object(
  {
    entries: Type.Array(AuditEntry, { description: 'In seq order.' }),
    next_cursor: Type.Union([Type.String(), Type.Null()], {
      description: 'Pass as `cursor` for the next page; null on the last page.',
    }),
  },
  { additionalProperties: false },
)

const CheckpointFields = {
  size: Type.Integer({ minimum: 0, description: 'Number of entries covered (entries 1..size).' }),
  root: Hash(
    'RFC 6962 Merkle tree hash over the entry hashes 1..size in seq order, each leaf being the 32 ' +
      'bytes of an entry_hash: leaf = SHA-256(0x00 ‖ entry_hash), node = SHA-256(0x01 ‖ left ‖ right).',
  ),
  head_hash: Hash('entry_hash of entry `size` (64 zeros when size is 0).'),
}

export const AuditCheckpoint = Type.Object(
  {
    ...CheckpointFields,
    head_seq: Type.Integer({ minimum: 0, description: 'The seq of the last entry (equal to size).' }),
    issued_at: Type.String({
      format: 'date-time',
      description:
        'When the checkpoint was issued: the instant of the database snapshot it was computed from ' +
        '(ISO 8601, UTC). Informative: verification needs only size, root and head_hash.',
    }),
  },
  {
    additionalProperties: false,
    description:
      'Keep it outside the system: GET /v1/audit/verify with it later proves the log only grew since.',
  },
)

const PlainCheckpoint = Type.Object(CheckpointFields, { additionalProperties: false })

export const AuditVerifyQuery = Type.Object(
  {
    from_seq: Type.Optional(
      Type.String({
        pattern: FROM_SEQ_PATTERN,
        description: 'First seq to verify, 1 or more (default 1; 1 when a checkpoint is given).',
      }),
    ),
    to_seq: Type.Optional(SeqParameter('Last seq to verify (default and at most the head).')),
    size: Type.Optional(SeqParameter('An earlier checkpoint’s size (with root and head_hash).')),
    root: Type.Optional(Hash('An earlier checkpoint’s root (with size and head_hash).')),
    head_hash: Type.Optional(Hash('An earlier checkpoint’s head_hash (with size and root).')),
  },
  { additionalProperties: false },
)
export type AuditVerifyQuery = Static<typeof AuditVerifyQuery>

const NullableString = (description: string) => Type.Union([Type.String(), Type.Null()], { description })

export const AuditVerification = Type.Object(
  {
    valid: Type.Boolean({ description: 'Nothing wrong in the range (and the checkpoint, if given, holds).' }),
    checked: Type.Integer({ minimum: 0, description: 'Entries verified before the first bad one.' }),
    from_seq: Type.Integer({ description: 'The range verified, first seq.' }),
    to_seq: Type.Integer({
      description: 'The range verified, last seq: clamped to the head, extended to a checkpoint’s size.',
    }),
    first_bad_seq: Type.Union([Type.Integer(), Type.Null()], {
      description: 'The seq at which the first problem shows; null when valid.',
    }),
    expected: NullableString('What the entry should have (a hash or a seq).'),
    actual: NullableString('What it has.'),
    problem: Type.Union(
      [
        Type.Literal('gap'),
        Type.Literal('reordered'),
        Type.Literal('prev-hash-mismatch'),
        Type.Literal('entry-hash-mismatch'),
        Type.Literal('entity-hash-mismatch'),
        Type.Literal('truncated'),
        Type.Literal('checkpoint-mismatch'),
        Type.Literal('head-mismatch'),
        Type.Literal('derived-state-mismatch'),
        Type.Null(),
      ],
      {
        description:
          'gap: an entry is missing; reordered: out of order or twice; prev-hash-mismatch / ' +
          'entry-hash-mismatch: an entry was altered, removed or moved; entity-hash-mismatch: the ' +
          'entity stored now differs from what its latest entry recorded ("missing": no row); ' +
          'truncated: the log stops before to_seq; checkpoint-mismatch: the log up to the ' +
          'checkpoint’s size is not the one it commits to; head-mismatch: the log does not end at the ' +
          'head the database keeps; derived-state-mismatch: the chain holds, but a table derived from the ' +
          'rows it vouches for does not follow from them (`derived` lists which; first_bad_seq is null).',
      },
    ),
    derived: Type.Optional(
      Type.Object(
        {
          checked: Type.Object(
            {
              subjects: Type.Integer({
                minimum: 0,
                description: 'Ledger subjects whose running total was checked.',
              }),
              decisions: Type.Integer({
                minimum: 0,
                description: 'Decisions whose outcome rows were checked.',
              }),
            },
            { additionalProperties: false },
          ),
          mismatches: Type.Array(
            Type.Object(
              {
                table: Type.Enum([
                  'ledger_subjects',
                  'ledger_once',
                  'ledger_periods',
                  'decision_outcomes',
                ] as const),
                row: Type.String({
                  description:
                    '"<ledger> <key>" (and the item or period) for a ledger; "<decision id> <measure>" for an outcome.',
                }),
                expected: Type.String({
                  description: 'What the audited rows imply ("unexpected": no row should be there).',
                }),
                actual: Type.String({ description: 'What the table holds ("missing": no row).' }),
              },
              { additionalProperties: false },
            ),
            {
              maxItems: 20,
              description: 'The first ones found (at most 20): ledgers, then outcomes in decision order.',
            },
          ),
        },
        {
          additionalProperties: false,
          description:
            'Present when the range reaches the head: the tables the service decides and reports from, recomputed ' +
            'from the rows the chain vouches for — running totals from the journal of the current decisions, ' +
            'one-time grants and rewarded days from their journal rows, each outcome row (the grant report’s ' +
            'amounts) from its decision’s record.',
        },
      ),
    ),
    checkpoint: Type.Optional(
      Type.Object(
        {
          ...CheckpointFields,
          consistent: Type.Boolean({
            description: 'Entries 1..size were verified and are exactly the ones the checkpoint commits to.',
          }),
          current: Type.Union([PlainCheckpoint, Type.Null()], {
            description: 'When consistent and valid: the checkpoint of the log now (up to to_seq).',
          }),
          consistency_proof: Type.Union([Type.Array(Type.String({ pattern: SHA256_PATTERN })), Type.Null()], {
            description:
              'RFC 6962 §2.1.2 consistency proof from the given checkpoint to `current`, checkable ' +
              'without this service (RFC 9162 §2.1.4.2).',
          }),
        },
        { additionalProperties: false, description: 'Present when a checkpoint was given.' },
      ),
    ),
  },
  { additionalProperties: false },
)
