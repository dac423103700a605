import { and, eq, inArray, isNull, sql, type SQL } from 'drizzle-orm'
import { clock } from '../clock'
import type { Database } from '../db/client'
import { recoveryCodes } from '../db/schema'
import { accountIdQuery, type AccountRef } from './account-ref'
import { hashSecret } from './secrets'

// Recovery codes: the way in for someone who lost the phone with the
// authenticator app. Shown once, stored only as hashes, each spent once.

export const RECOVERY_CODE_COUNT = 10
/** No 0/o, 1/l/i: a code copied by hand from paper is typed back right. */
const ALPHABET = 'abcdefghjkmnpqrstuvwxyz23456789'
const CODE_LENGTH = 16

/**
 * Ten new codes, `xxxx-xxxx-xxxx-xxxx`: about 79 bits each from the
 * platform CSPRNG. Online guessing is bounded by the second step's attempt
 * limits; the length is for a database dump. A fast hash (SHA-256 with the
 * user id, so equal codes of two accounts differ) of a 49-bit code falls to
 * one GPU in hours (the fifth attacker review's finding); of a 79-bit code,
 * not in any lifetime, with no key to lose and no slow hash to pay per try.
 */
export function generateRecoveryCodes(): string[] {
  return Array.from({ length: RECOVERY_CODE_COUNT }, () => {
    // Rejection sampling: every letter equally likely (256 is not a multiple of the alphabet).
    let code = ''
    while (code.length < CODE_LENGTH) {
      const [byte] = crypto.getRandomValues(new Uint8Array(1))
      if (byte! < 256 - (256 % ALPHABET.length)) code += ALPHABET[byte! % ALPHABET.length]
    }
    return code.match(/.{4}/g)!.join('-')
  })
}

/** Whether typed text has the shape of a recovery code (a 6-digit TOTP code never does). */
export function looksLikeRecoveryCode(typed: string): boolean {
  return normalizeRecoveryCode(typed).length === CODE_LENGTH && /^[a-z0-9]+$/.test(normalizeRecoveryCode(typed))
}

export function hashRecoveryCode(userId: string, typed: string): Promise<string> {
  return hashSecret(`${userId}:${normalizeRecoveryCode(typed)}`)
}

/** Case, spaces and the dash do not matter: the code is what the letters are. */
function normalizeRecoveryCode(typed: string): string {
  return typed.toLowerCase().replace(/[\s-]/g, '')
}

/** The account's codes, all of them, used or not (before new ones are stored, or when two-step is turned off). */
export function deleteRecoveryCodes(db: Database, account: AccountRef) {
  return db.delete(recoveryCodes).where(inArray(recoveryCodes.userId, accountIdQuery(account)))
}

/** Stores the codes' hashes for the account `account` yields (none written if it yields nothing). */
export function storeRecoveryCodes(db: Database, account: AccountRef, hashes: string[]) {
  // One bound JSON array read by json_each: D1 refuses a compound SELECT of ten terms.
  return db.insert(recoveryCodes).select(sql`SELECT account.id, codes.value, NULL FROM ${accountIdQuery(account)} AS account, json_each(${JSON.stringify(hashes)}) AS codes`)
}

/** True (in SQL) while the code is the account's and unused: the guard of the batch that spends it. */
export function recoveryCodeUnused(userId: string, hash: string) {
  return sql`EXISTS (SELECT 1 FROM ${recoveryCodes} WHERE ${recoveryCodes.userId} = ${userId} AND ${recoveryCodes.codeHash} = ${hash} AND ${recoveryCodes.usedAt} IS NULL)`
}

/** True (in SQL) when the hash is one of the account's codes, used or not: a used one retried is its owner's, not a guess. */
export function recoveryCodeExists(userId: string, hash: string) {
  return sql`EXISTS (SELECT 1 FROM ${recoveryCodes} WHERE ${recoveryCodes.userId} = ${userId} AND ${recoveryCodes.codeHash} = ${hash})`
}

/** Spends the code: last in its batch, since it changes what recoveryCodeUnused reads. */
export function spendRecoveryCode(db: Database, userId: string, hash: string, when: SQL = sql`true`) {
  return db
    .update(recoveryCodes)
    .set({ usedAt: clock.now() })
    .where(and(eq(recoveryCodes.userId, userId), eq(recoveryCodes.codeHash, hash), isNull(recoveryCodes.usedAt), when))
    .returning({ codeHash: recoveryCodes.codeHash })
}

/** How many unused codes the account has (read after a batch that spent one: "le quedan N"). */
export function countUnusedRecoveryCodes(db: Database, account: AccountRef) {
  return db
    .select({ count: sql<number>`count(*)` })
    .from(recoveryCodes)
    .where(and(inArray(recoveryCodes.userId, accountIdQuery(account)), isNull(recoveryCodes.usedAt)))
}
