import { vi } from 'vitest'
import { clock } from '../../src/clock'

/** Sets the clock every module reads (src/clock). */
export function setClock(at: number) {
  vi.spyOn(clock, 'now').mockReturnValue(at)
}

/** Moves the clock on by `ms` from wherever it is now (mocked or not). */
export function advance(ms: number) {
  setClock(clock.now() + ms)
}
