// The audit log's hashes stored as their 32 bytes (issue #10 "reduce the stored size by ≥ 3×").
// entity_hash, prev_hash and entry_hash of audit_log, and audit_head.hash, were 64-character hex
// text (65 B each on disk); as bytea they are 33 B: about 96 B less per entry, three entries per
// application. Nothing hashed changes: an entry's canonical JSON (src/audit/chain.ts) still holds
// the hashes as lowercase hex, and audit_append below computes entry_hash from exactly the same text
// as before (the hex of the previous hash, then the canonical JSON), so every entry written before
// this migration still verifies. Readers (src/db/audit-repository.ts) select encode(x, 'hex'), so
// the API and the verifier see the same text as before, on PostgreSQL and PGlite alike.
//
// Existing rows are converted with decode(x, 'hex'). That is lossless only for lowercase hex of 64
// digits (encode gives lowercase back): every stored hash was written by encode(sha256(..), 'hex')
// or Node's digest('hex'), but the migration checks rather than assumes, and refuses to run if any
// stored value is not, since re-encoding it would change the entry's canonical JSON and break the
// chain.
//
// audit_log.at, the entry's `time`, was Date#toISOString text (25 B); it becomes timestamptz (8 B,
// where the text column was, right after seq, so aligned without padding). Readers render it with
// to_char(at at time zone 'UTC', ISO_MS), which gives back the very text written: the migration and
// audit_append both check that round trip (milliseconds, UTC, four-digit year) and refuse a time
// that would not come back byte for byte, rather than store an entry that could never verify.
// The listing's from/to filters were already normalised with toISOString (routes/audit.ts), so
// comparing them as instants selects exactly the entries the text comparison selected.
//
// idempotency_keys.request_hash (hashCanonical of the request: 64 lowercase hex digits) becomes bytea
// the same way: 32 B less per key, written by store_decision alone (migration 2026-12-04T1810) and
// read by findKey (src/db/idempotency-repository.ts) as encode(request_hash, 'hex'). store_decision
// is redefined from its own current definition (pg_get_functiondef) with its one
// `v_key ->> 'request_hash'` decoded, rather than a 110-line copy that could drift from it; the
// migration stops if that text is not found exactly once.
// Runs unchanged on PGlite and PostgreSQL 15.

import { type Kysely, sql } from 'kysely'

const HEX_HASH = '^[0-9a-f]{64}$'
/** Date#toISOString for years 0000–9999: what every writer of `at` produces. */
const ISO_MS = '^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}[.][0-9]{3}Z$'

const KEY_HASH_TEXT = "v_key ->> 'request_hash'"
const KEY_HASH_BYTES = "decode(v_key ->> 'request_hash', 'hex')"

/** Redefines store_decision with `from` replaced by `to` (exactly one occurrence). */
// biome-ignore lint/suspicious/noExplicitAny: migrations are frozen in time and see no app types
const rewriteStoreDecision = async (db: Kysely<any>, from: string, to: string): Promise<void> => {
  const result = await sql<{ def: string }>`
    select pg_get_functiondef(p.oid) as def from pg_proc p join pg_namespace n on n.oid = p.pronamespace
     where n.nspname = current_schema() and p.proname = 'store_decision'`.execute(db)
  const defs = result.rows.map((r) => r.def)
  if (defs.length !== 1 || defs[0]!.split(from).length !== 2) {
    throw new Error(`audit-bytea: store_decision does not hold ${from} exactly once`)
  }
  await sql.raw(defs[0]!.replace(from, to)).execute(db)
}

// biome-ignore lint/suspicious/noExplicitAny: migrations are frozen in time and see no app types
export async function up(db: Kysely<any>): Promise<void> {
  const bad = await sql<{ n: string }>`
    select (select count(*) from audit_log
             where entity_hash !~ ${HEX_HASH} or prev_hash !~ ${HEX_HASH} or entry_hash !~ ${HEX_HASH})
         + (select count(*) from audit_head where hash !~ ${HEX_HASH}) as n`.execute(db)
  if (Number(bad.rows[0]!.n) > 0) {
    throw new Error(
      `audit-bytea: ${bad.rows[0]!.n} stored audit hashes are not 64 lowercase hex digits; converting them would change the entries' canonical JSON`,
    )
  }
  const badKeys = await sql<{ n: string }>`
    select count(*) as n from idempotency_keys where request_hash !~ ${HEX_HASH}`.execute(db)
  if (Number(badKeys.rows[0]!.n) > 0) {
    throw new Error(
      `audit-bytea: ${badKeys.rows[0]!.n} stored request hashes are not 64 lowercase hex digits`,
    )
  }
  const badTimes = await sql<{ n: string }>`
    select count(*) as n from audit_log where at !~ ${ISO_MS}
       or to_char(at::timestamptz at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') <> at`.execute(db)
  if (Number(badTimes.rows[0]!.n) > 0) {
    throw new Error(
      `audit-bytea: ${badTimes.rows[0]!.n} stored audit times are not Date#toISOString text; as timestamptz they would not read back the same`,
    )
  }
  // ALTER ... TYPE rewrites the table without firing the append-only UPDATE triggers.
  await sql`
    alter table audit_log
      alter column at type timestamptz using at::timestamptz,
      alter column entity_hash type bytea using decode(entity_hash, 'hex'),
      alter column prev_hash type bytea using decode(prev_hash, 'hex'),
      alter column entry_hash type bytea using decode(entry_hash, 'hex')`.execute(db)
  await sql`alter table audit_head alter column hash type bytea using decode(hash, 'hex')`.execute(db)
  await sql`alter table idempotency_keys alter column request_hash type bytea using decode(request_hash, 'hex')`.execute(
    db,
  )
  await rewriteStoreDecision(db, KEY_HASH_TEXT, KEY_HASH_BYTES)

  // As in the initial migration, with the hashes held as bytes: the hashed text is unchanged
  // (v_hex, the previous entry_hash as lowercase hex, then the canonical JSON with it as prev_hash).
  await sql`
    create or replace function audit_append(p_entries jsonb) returns bigint language plpgsql as $$
    declare
      v_seq bigint;
      v_hash bytea;
      v_hex text;
      v_entry_hash bytea;
      v_at timestamptz;
      e jsonb;
    begin
      select seq, hash into v_seq, v_hash from audit_head where id = 1 for update;
      for e in select value from jsonb_array_elements(p_entries) loop
        v_seq := v_seq + 1;
        v_at := (e ->> 'at')::timestamptz;
        if to_char(v_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') is distinct from e ->> 'at' then
          raise exception 'audit time % is not Date#toISOString text: it would not read back the same', e ->> 'at'
            using errcode = 'invalid_datetime_format';
        end if;
        v_hex := encode(v_hash, 'hex');
        v_entry_hash := sha256(convert_to(
          v_hex || (e ->> 'prefix') || '"prev_hash":"' || v_hex || '","seq":' || v_seq || (e ->> 'suffix'),
          'UTF8'));
        insert into audit_log (seq, at, actor_key_id, actor_role, action, entity_type, entity_id, entity_hash,
                               prev_hash, entry_hash)
        values (v_seq, v_at, e ->> 'actor_key_id', e ->> 'actor_role', e ->> 'action',
                e ->> 'entity_type', e ->> 'entity_id', decode(e ->> 'entity_hash', 'hex'), v_hash,
                v_entry_hash);
        v_hash := v_entry_hash;
      end loop;
      update audit_head set seq = v_seq, hash = v_hash where id = 1;
      return v_seq;
    end $$`.execute(db)
}

// biome-ignore lint/suspicious/noExplicitAny: migrations are frozen in time and see no app types
export async function down(db: Kysely<any>): Promise<void> {
  await sql`
    alter table audit_log
      alter column at type text using to_char(at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'),
      alter column entity_hash type text using encode(entity_hash, 'hex'),
      alter column prev_hash type text using encode(prev_hash, 'hex'),
      alter column entry_hash type text using encode(entry_hash, 'hex')`.execute(db)
  await sql`alter table audit_head alter column hash type text using encode(hash, 'hex')`.execute(db)
  await sql`alter table idempotency_keys alter column request_hash type text using encode(request_hash, 'hex')`.execute(
    db,
  )
  await rewriteStoreDecision(db, KEY_HASH_BYTES, KEY_HASH_TEXT)
  await sql`
    create or replace function audit_append(p_entries jsonb) returns bigint language plpgsql as $$
    declare
      v_seq bigint;
      v_hash text;
      v_entry_hash text;
      e jsonb;
    begin
      select seq, hash into v_seq, v_hash from audit_head where id = 1 for update;
      for e in select value from jsonb_array_elements(p_entries) loop
        v_seq := v_seq + 1;
        v_entry_hash := encode(sha256(convert_to(
          v_hash || (e ->> 'prefix') || '"prev_hash":"' || v_hash || '","seq":' || v_seq || (e ->> 'suffix'),
          'UTF8')), 'hex');
        insert into audit_log (seq, at, actor_key_id, actor_role, action, entity_type, entity_id, entity_hash,
                               prev_hash, entry_hash)
        values (v_seq, e ->> 'at', e ->> 'actor_key_id', e ->> 'actor_role', e ->> 'action',
                e ->> 'entity_type', e ->> 'entity_id', e ->> 'entity_hash', v_hash, v_entry_hash);
        v_hash := v_entry_hash;
      end loop;
      update audit_head set seq = v_seq, hash = v_hash where id = 1;
      return v_seq;
    end $$`.execute(db)
}
