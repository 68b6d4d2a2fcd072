import type { Application } from './types.ts'

// Placeholder until the identifier validation lands (credit code, prefecture, GB/T 4754, dates).
export const validateApplication = (_application: Application): void => {}
