// The fuzzer (test/helpers/fuzz-bodies.ts) on the routes that store: applications, batches,
// corrections, keys, budgets.

import t from 'tap'
import { fuzzBodies } from '../helpers/fuzz-bodies.ts'

await fuzzBodies(t, 'stored')
