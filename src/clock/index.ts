/**
 * The one clock the account code reads. Tests move it (vi.spyOn(clock, 'now'))
 * to expire tokens and sessions without waiting, as Django's token generator
 * lets its tests override _now().
 */
export const clock = {
  now: (): number => Date.now(),
}

export const MINUTE = 60_000
export const HOUR = 60 * MINUTE
export const DAY = 24 * HOUR
