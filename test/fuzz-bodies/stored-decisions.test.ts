// The fuzzer (test/helpers/fuzz-bodies.ts) on the routes that store decisions: applications and
// corrections.

import t from 'tap'
import { fuzzBodies } from '../helpers/fuzz-bodies.ts'

await fuzzBodies(t, 'stored-decisions')
