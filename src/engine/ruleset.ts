// The ruleset's identity, recorded with every decision. Bump the version whenever a measure's logic
// or a parameter's default values change, so a stored decision names the rules that made it.
//
// Versions the engine can still run (a stored decision replays under the version that made it):
// - 1.0.0: the first rules (decisions stored before 2026-12-03);
// - 1.1.0: POLICY.md §0 "Rulings added 2026-12-03" — events count once they have happened, each
//   tax day rewarded once, ledgers keyed by the enterprise, crude-steel expansions barred, amounts
//   below one fen ineligible, one rounding per outcome with the last fen spread by largest
//   remainder, gates with a parameter not in force skipped, the policy window in every trace.

export const RULESET_VERSIONS = ['1.0.0', '1.1.0'] as const
export type RulesetVersion = (typeof RULESET_VERSIONS)[number]

export const RULESET = { id: 'yunnan-2014-industrial-transformation', version: '1.1.0' } as const satisfies {
  id: string
  version: RulesetVersion
}

export const isRulesetVersion = (v: string): v is RulesetVersion =>
  (RULESET_VERSIONS as readonly string[]).includes(v)

/** Whether a ruleset version applies the rulings of 2026-12-03 (POLICY.md §0). */
export const appliesRulings20261203 = (version: RulesetVersion): boolean => version !== '1.0.0'
