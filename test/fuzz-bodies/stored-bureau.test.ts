// The fuzzer (test/helpers/fuzz-bodies.ts) on the other routes that store: batches, keys, budgets.

import t from 'tap'
import { fuzzBodies } from '../helpers/fuzz-bodies.ts'

await fuzzBodies(t, 'stored-bureau')
