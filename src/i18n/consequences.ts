// §17's consequences of the negative list in words: a failed gate lists them by id (`consequences`,
// as the engine records them and the goldens and stored decisions hold them), and every response
// carries them also as {id, zh, en} (`consequenceTexts`) — both languages side by side, as reasons
// carry their messages, so a response body (and the stored bytes an idempotent retry replays) does
// not depend on the request's language.

import { NEGATIVE_LIST_CONSEQUENCES } from '../engine/gates/negative-list.ts'
import type { Text } from './language.ts'

export interface ConsequenceText extends Text {
  id: string
}

const BY_ID = new Map(NEGATIVE_LIST_CONSEQUENCES.map((c) => [c.id, c.text]))

/** A consequence id with its text (an id we do not know keeps the id as its text). */
export const consequenceText = (id: string): ConsequenceText => {
  const text = BY_ID.get(id)
  return { id, zh: text?.zh ?? id, en: text?.en ?? id }
}

/** An evaluation (full or summary) whose gates carry their consequences in words. */
export const withConsequenceTexts = <
  G extends { consequences: readonly string[] },
  E extends { gates: readonly G[] },
>(
  evaluation: E,
): Omit<E, 'gates'> & { gates: (E['gates'][number] & { consequenceTexts: ConsequenceText[] })[] } => ({
  ...evaluation,
  gates: evaluation.gates.map((g) => ({ ...g, consequenceTexts: g.consequences.map(consequenceText) })),
})
