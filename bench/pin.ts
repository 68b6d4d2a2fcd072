// Pinning to CPU cores (taskset), shared by bench/run.ts and bench/engine.ts. BENCH_PIN=0 turns it
// off; without taskset or with one core nothing is pinned (and the reports say so).
//
// Why: on the 2-core machines here the cores are not equally fast for the engine's work at every
// moment. A plain arithmetic loop runs at the same speed on both (1 900–2 060 loops/s, 2026-12-05),
// but the engine's 12-measure compact decision (allocation-heavy: ~66 kB each), in 12 rounds of
// 0.5 s per process, ran at 40–42k/s in 6 of 6 processes on CPU 0 and at 23–26k/s in 4 of 4 on
// CPU 1, in the same quarter of an hour (earlier, CPU 1 also gave 42k); unpinned, 2 processes of 3
// ran at 25k. Whatever the cause (by the look of it, another tenant on CPU 1's cache: no steal time
// is reported), a figure measured on whichever core the scheduler picked moved by 1.7× between
// runs. So in-process figures are measured on CPU 0, with their GC threads on it too: "one core", as
// the issue asks. The other half of that noise was V8's young generation (BENCHMARKS.md).

import { execFileSync } from 'node:child_process'
import { availableParallelism } from 'node:os'

export const CORES = availableParallelism()

const hasTaskset = (): boolean => {
  try {
    execFileSync('taskset', ['-p', String(process.pid)], { stdio: 'ignore' })
    return true
  } catch {
    return false
  }
}

export const PIN = process.env['BENCH_PIN'] !== '0' && CORES >= 2 && hasTaskset()

/** Sets the CPU affinity of every thread of a process (a child's later threads inherit it). */
export const pin = (pid: number, cpus: string): void => {
  execFileSync('taskset', ['-a', '-p', '-c', cpus, String(pid)], { stdio: 'ignore' })
}

/** The core in-process figures are measured on: the one the HTTP tests give the server. */
export const MEASURING_CORE = '0'

/**
 * Runs `measure` with this process (every thread) on MEASURING_CORE, then frees it; `pinned` says
 * whether it was (for the report).
 */
export const onOneCore = <T>(measure: () => T): { result: T; pinned: boolean } => {
  if (!PIN) return { result: measure(), pinned: false }
  pin(process.pid, MEASURING_CORE)
  try {
    return { result: measure(), pinned: true }
  } finally {
    pin(process.pid, `0-${CORES - 1}`)
  }
}

/**
 * onOneCore for work that awaits (section 7: the batches' server, queue and client in this process,
 * and the engine's reference on the same rows): pinned from its start until it settles.
 */
export const onOneCoreWhile = async <T>(
  measure: () => Promise<T>,
): Promise<{ result: T; pinned: boolean }> => {
  if (!PIN) return { result: await measure(), pinned: false }
  pin(process.pid, MEASURING_CORE)
  try {
    return { result: await measure(), pinned: true }
  } finally {
    pin(process.pid, `0-${CORES - 1}`)
  }
}
