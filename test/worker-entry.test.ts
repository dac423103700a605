import { describe, expect, it } from 'vitest'
import * as main from '../src/index'

describe("the Worker's main module", () => {
  // workerd takes every export of the main module for an entrypoint and
  // refuses to start (`wrangler dev`, deploy) when one is a plain value.
  it('exports only functions and handlers, so the Worker starts', () => {
    for (const [name, value] of Object.entries(main)) {
      const handler = typeof value === 'object' && value !== null && 'fetch' in value
      expect(typeof value === 'function' || handler, `export "${name}"`).toBe(true)
    }
  })
})
