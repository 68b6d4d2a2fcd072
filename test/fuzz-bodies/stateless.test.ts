// The fuzzer (test/helpers/fuzz-bodies.ts) on the routes that store nothing: evaluations, the
// finance computations, indicator progress, replay; and the check that every route is fuzzed.

import t from 'tap'
import { fuzzBodies } from '../helpers/fuzz-bodies.ts'

await fuzzBodies(t, 'stateless')
