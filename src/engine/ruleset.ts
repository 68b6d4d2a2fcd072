// The ruleset's identity, recorded with every decision. Bump the version whenever a measure's logic
// or a parameter's default values change, so a stored decision names the rules that made it.
//
// Versions the engine can still run (a stored decision replays under the version that made it):
// - 1.0.0: the first rules (decisions stored before 2026-12-03);
// - 1.1.0: POLICY.md §0 "Rulings added 2026-12-03" — events count once they have happened, each
//   tax day rewarded once, ledgers keyed by the enterprise, crude-steel expansions barred, amounts
//   below one fen ineligible, one rounding per outcome with the last fen spread by largest
//   remainder, gates with a parameter not in force skipped, the policy window in every trace;
// - 1.2.0: the same rules, explained differently: intermediate quantities that do not terminate show
//   as decimals ("316438.356164…", never fractions such as "23100000/73") and the one rounding of a
//   measure (half-up to the fen) is shown as its last step; of a table parameter, a decision records
//   only the rows it read. Decisions are replayed field by field, so a change of what a decision
//   shows is a version of its own: 1.0.0 and 1.1.0 decisions still render as they were stored;
// - 1.3.0: the same rules, worded for people: a reason that names an input's value from a vocabulary
//   (build type, park level, catalogue class, platform kind) names it by its label in each language
//   ("项目建设性质为扩建", "the project is an expansion"), not by its id inside Chinese text
//   ("项目建设性质为expansion"). Reasons are stored with the decision, so 1.0.0–1.2.0 keep their words;
// - 1.4.0 (2026-12-06): a ledger's identifier is written one way. The ids that key a limit (a project's,
//   a platform's, an institute's or achievement's, a standard's or certificate's, a person's) are
//   refused unless in their standard form: no spaces at either end, no invisible (format or control)
//   characters, Unicode NFKC (no full-width letters, composed accents), dashes as "-", no Cyrillic or
//   Greek lookalike among Latin letters. Before, "nerc-1 " and
//   "ｎｅｒｃ－１" were other platforms than "nerc-1" and each was granted (src/engine/validate.ts). And
//   §19's three consecutive years are the years awarded, whichever was decided first: a claim for a
//   year before the person's earliest award year starts the run there when every year awarded still
//   lies within it (a correction that gives back the first year and decides it again, unchanged, no
//   longer finds it outside the run; src/engine/measures/talent-iit-reward.ts). An unfunded outcome's
//   reason names its budget by the measure's title and the prefecture's name (src/engine/budgets.ts),
//   as 1.3.0 did for vocabulary values;
// - 1.5.0 (2026-12-06, evening): a ledger's identifier is one subject whatever the case of its Latin
//   letters. "NERC-1" and "nerc-1" had each been granted the §18 platform award, and "qj-copper-foil"
//   had been paid another 7 200 000.00 of interest subsidy on "QJ-COPPER-FOIL", already at its cap.
//   Ledger keys are stored with a–z upper-cased (src/engine/ledgers.ts foldKey; migration
//   2026-12-06T2100 re-keyed the rows stored before), and the engine compares keys so. The facts keep
//   the id as sent. Earlier decisions replay comparing keys as written. And a §18 standards award
//   whose amount the province has not set (needs-review) holds its standard or certificate for the
//   decision that claimed it: a second claim, by any enterprise, is ALREADY_CLAIMED naming that
//   decision. Before, both were needs-review and a reviewer could approve the award twice.
// - 1.6.0 (2026-12-06, night): a ledger's identifier holds printable ASCII and Chinese characters only.
//   Characters 1.4.0's standard form lets through made new subjects, each granted again: a combining
//   grapheme joiner, variation selectors, Hangul fillers or a braille blank inside "AEC-1", an id
//   wholly in Cyrillic ("ВХТ-7") or a person's id ending in a Cyrillic or Greek "Х", Arabic-Indic or
//   Devanagari digits, a modifier-letter minus as a dash. Now any character outside printable ASCII,
//   the unified CJK ideographs and 〇 is refused, naming it (src/engine/validate.ts). And §19's
//   run of three years counts a person's years within one application without letter case too:
//   "zhang-san" 2014 and "ZHANG-SAN" 2015 are one person (before, each spelling began its own run
//   inside the application, though the ledger folded them). And an unfunded outcome (POLICY.md §3
//   budget pools) holds the one-time grants it would make — a platform, an institute or achievement,
//   a person-year, a top-3 award-year — without an amount, as a standards award under review does,
//   until a top-up funds it or a correction gives them back; a second claim of a held grant is
//   ALREADY_CLAIMED naming the waiting decision (src/engine/one-time-grants.ts heldBy), as nothing
//   was paid. Before, an unfunded outcome claimed
//   nothing: the same person-year claimed again waited twice in the queue (its amount due counted
//   twice), and claimed under another year's budget it was paid at once, ahead of the queue.

export const RULESET_VERSIONS = ['1.0.0', '1.1.0', '1.2.0', '1.3.0', '1.4.0', '1.5.0', '1.6.0'] as const
export type RulesetVersion = (typeof RULESET_VERSIONS)[number]

export const RULESET = { id: 'yunnan-2014-industrial-transformation', version: '1.6.0' } as const satisfies {
  id: string
  version: RulesetVersion
}

export const isRulesetVersion = (v: string): v is RulesetVersion =>
  (RULESET_VERSIONS as readonly string[]).includes(v)

/** Whether a ruleset version applies the rulings of 2026-12-03 (POLICY.md §0). */
export const appliesRulings20261203 = (version: RulesetVersion): boolean => version !== '1.0.0'

/**
 * Whether a ruleset version presents exact values as decimals with the rounding shown, and records
 * only the rows read of a table parameter (1.2.0 on); earlier versions render as they were stored.
 */
export const presentsDecimals = (version: RulesetVersion): boolean =>
  version !== '1.0.0' && version !== '1.1.0'

/** Whether a ruleset version's reasons name vocabulary values by their labels (1.3.0 on). */
export const namesValuesByLabel = (version: RulesetVersion): boolean =>
  version !== '1.0.0' && version !== '1.1.0' && version !== '1.2.0'

/** POLICY.md §0 (ruling of 2026-12-03): the window's clauses are §4 (2013 base year, 2017 targets)
 * and §8–§9 (the 2020 horizon); the first rules cited §1. */
export const windowClause = (rulings: boolean): string => (rulings ? '§4, §8–§9' : '§1')

/**
 * Whether a ruleset version applies the rulings of 2026-12-06 (1.4.0 on): ledger identifiers in one
 * written form, and §19's run of years counted from the earliest year awarded.
 */
export const appliesRulings20261206 = (version: RulesetVersion): boolean =>
  version !== '1.0.0' && version !== '1.1.0' && version !== '1.2.0' && version !== '1.3.0'

/**
 * Whether a ruleset version applies the rulings of 2026-12-06 evening (1.5.0 on): ledger keys compared
 * without the letter case of their ids, and a one-time award awaiting its amount held for its claimant.
 */
export const foldsLedgerKeys = (version: RulesetVersion): boolean =>
  appliesRulings20261206(version) && version !== '1.4.0'

/** The versions whose decisions stored ledger keys as written (src/db/ledger-repository.ts releaseGrants). */
export const KEYS_AS_WRITTEN: readonly RulesetVersion[] = RULESET_VERSIONS.filter((v) => !foldsLedgerKeys(v))

/** The same rulings, by what a measure asks: whether an award awaiting its amount is held. */
export const holdsPendingAwards = foldsLedgerKeys

/**
 * Whether a ruleset version applies the rulings of 2026-12-06 night (1.6.0 on): a ledger identifier
 * holds printable ASCII and Chinese characters only, and a person's years within one application are
 * one run whatever the letter case of the id.
 */
export const restrictsIdentifiers = (version: RulesetVersion): boolean =>
  foldsLedgerKeys(version) && version !== '1.5.0'

/** The same rulings, by what §19 asks: a person's years in one application counted without case. */
export const foldsPersonYears = restrictsIdentifiers

/**
 * The same rulings, by what a budget asks: an unfunded outcome holds the one-time grants it would
 * make (a platform, an institute or achievement, a person-year, an award-year), without an amount,
 * until a top-up funds it or a correction gives them back.
 */
export const holdsUnfundedGrants = restrictsIdentifiers
