import { describe, expect, it } from 'vitest'
import { newId } from '../src/db/ids'

describe('row ids', () => {
  it('are 24 characters, a lowercase letter then letters and digits, as cuid2 made them, and do not repeat', () => {
    const ids = Array.from({ length: 10_000 }, newId)
    for (const id of ids) expect(id).toMatch(/^[a-z][a-z0-9]{23}$/)
    expect(new Set(ids).size).toBe(ids.length)
  })

})
