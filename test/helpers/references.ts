// The references migrations 2026-12-05T1900 (one decision's rows) and 2026-12-07T2200 (a batch's
// results) dropped as foreign keys, checked by a query: for each, how many rows name a parent
// (checked) and how many of those name one that does not exist (dangling). Plain SQL text, so a
// pg.Client (the fault suite) and Kysely (sql.raw) both run it.

import { DROPPED as DECISION_ROWS } from '../../migrations/2026-12-05T1900-append-only-references.ts'
import { DROPPED as BATCH_RESULTS } from '../../migrations/2026-12-07T2200-batch-results-references.ts'

/** [table, constraint, column, parent table] of every reference no longer a foreign key */
export const DROPPED = [...DECISION_ROWS, ...BATCH_RESULTS]

export interface ReferenceCount {
  reference: string
  checked: number
  dangling: number
}

export const REFERENCES_SQL = DROPPED.map(
  ([table, , column, parent]) =>
    `select '${table}.${column}' as reference, count(*)::int as checked,
            (count(*) filter (where p.id is null))::int as dangling
       from ${table} c left join ${parent} p on p.id = c.${column}
      where c.${column} is not null`,
).join('\nunion all\n')
