/**
 * Row ids (accounts, sessions, tokens, events, outbox rows, passkeys): 24
 * characters, a lowercase letter then 23 of [a-z0-9], the shape cuid2 gave
 * them, so rows written before and after read alike. Straight from the
 * platform's CSPRNG (~119 bits): cuid2 hashed a counter, the time and random
 * bytes with SHA3 and converted it with bignumber.js on every id, several per
 * sign-in, for nothing a random id needs (test/bench/profile.mjs showed it).
 * A session id appears in URLs (revoke): it must be unguessable, and is.
 */
const LETTERS = 'abcdefghijklmnopqrstuvwxyz'
const ALPHABET = `${LETTERS}0123456789`

export function newId(): string {
  let id = ''
  while (id.length < 24) {
    for (const byte of crypto.getRandomValues(new Uint8Array(32))) {
      // Bytes past the last whole multiple of the alphabet are skipped, so every character is equally likely.
      const size = id ? ALPHABET.length : LETTERS.length
      if (byte >= 256 - (256 % size) || id.length === 24) continue
      id += (id ? ALPHABET : LETTERS)[byte % size]
    }
  }
  return id
}
