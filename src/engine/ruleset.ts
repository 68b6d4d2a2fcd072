// The ruleset's identity, recorded with every decision. Bump the version whenever a measure's logic
// or a parameter's default values change, so a stored decision names the rules that made it.
export const RULESET = { id: 'yunnan-2014-industrial-transformation', version: '1.0.0' } as const
