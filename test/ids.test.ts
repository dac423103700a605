import { describe, expect, it } from 'vitest'
import { newId } from '../src/db/ids'

describe('row ids', () => {
  it('are 24 characters, a lowercase letter then letters and digits, as cuid2 made them, and do not repeat', () => {
    const ids = Array.from({ length: 10_000 }, newId)
    for (const id of ids) expect(id).toMatch(/^[a-z][a-z0-9]{23}$/)
    expect(new Set(ids).size).toBe(ids.length)
  })

  it('use every character of the alphabet about equally (no modulo bias)', () => {
    const counts = new Map<string, number>()
    for (let i = 0; i < 10_000; i++) for (const character of newId().slice(1)) counts.set(character, (counts.get(character) ?? 0) + 1)
    expect(counts.size).toBe(36)
    // 230,000 characters over 36: 6,389 each, give or take 78. Taking a byte modulo 36 without
    // skipping would give four of them 8/256 instead of 7/256 (about 7,190): ten times that away.
    for (const [character, count] of counts) {
      expect(count, character).toBeGreaterThan(6_000)
      expect(count, character).toBeLessThan(6_780)
    }
  })
})
