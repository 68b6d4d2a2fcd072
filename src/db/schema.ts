// Every table, as Kysely sees it. Row types stay inside src/db: repositories map them to domain
// objects. numeric and int8 columns arrive as strings on both drivers (see database.ts).

// biome-ignore lint/complexity/noBannedTypes: tables are added by later migrations
export type Database = {}
