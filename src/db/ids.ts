import { createId } from '@paralleldrive/cuid2'

/**
 * Row ids (accounts, sessions, tokens, events, outbox rows, passkeys): cuid2,
 * the stack's choice — 24 characters, unguessable (a session id appears in
 * URLs to revoke it). cuid2 hashes with SHA3 on every id, about 5% of a
 * sign-in's CPU in test/bench/profile.mjs; swapping it for raw random bytes
 * is the user's call, not ours (see docs/performance.md).
 */
export const newId: () => string = createId
