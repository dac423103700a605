import { integer, primaryKey, sqliteTable, text } from 'drizzle-orm/sqlite-core'

// Mirrors migrations/*.sql; the SQL files are what runs.
export const users = sqliteTable('users', {
  id: text('id').primaryKey(),
  email: text('email').notNull().unique(),
  name: text('name').notNull(),
  passwordHash: text('password_hash').notNull(),
  emailVerifiedAt: integer('email_verified_at'),
  createdAt: integer('created_at').notNull(),
  updatedAt: integer('updated_at').notNull(),
  // migrations/0006_bounces.sql
  mailBouncedAt: integer('mail_bounced_at'),
  mailBounceType: text('mail_bounce_type'),
  // migrations/0007_passkeys.sql
  webauthnUserId: text('webauthn_user_id'),
  // migrations/0011_two_step.sql
  twoStepSecret: text('two_step_secret'),
  twoStepPendingSecret: text('two_step_pending_secret'),
  twoStepLastStep: integer('two_step_last_step').notNull().default(0),
})

// migrations/0011_two_step.sql
export const recoveryCodes = sqliteTable(
  'recovery_codes',
  { userId: text('user_id').notNull(), codeHash: text('code_hash').notNull(), usedAt: integer('used_at') },
  (table) => [primaryKey({ columns: [table.userId, table.codeHash] })],
)

export const secondSteps = sqliteTable('second_steps', {
  tokenHash: text('token_hash').primaryKey(),
  userId: text('user_id').notNull(),
  method: text('method').$type<SignInMethod>().notNull(),
  deviceHash: text('device_hash').notNull(),
  createdAt: integer('created_at').notNull(),
  expiresAt: integer('expires_at').notNull(),
})

export const sessions = sqliteTable('sessions', {
  id: text('id').primaryKey(),
  tokenHash: text('token_hash').notNull().unique(),
  userId: text('user_id').notNull(),
  createdAt: integer('created_at').notNull(),
  expiresAt: integer('expires_at').notNull(),
  // migrations/0003_account_safety.sql
  method: text('method').$type<SignInMethod>().notNull().default('password'),
  userAgent: text('user_agent'),
  city: text('city'),
  country: text('country'),
  lastSeenAt: integer('last_seen_at').notNull().default(0),
  // migrations/0009_session_device.sql: the browser it runs in (known_devices.device_hash).
  deviceHash: text('device_hash'),
  // migrations/0011_two_step.sql: 1 or 2 factors proven (see src/apps/session-info.ts).
  aal: integer('aal').$type<1 | 2>().notNull().default(1),
})

export const knownDevices = sqliteTable(
  'known_devices',
  {
    userId: text('user_id').notNull(),
    deviceHash: text('device_hash').notNull(),
    createdAt: integer('created_at').notNull(),
    // migrations/0011_two_step.sql
    secondStepSkippedUntil: integer('second_step_skipped_until'),
  },
  (table) => [primaryKey({ columns: [table.userId, table.deviceHash] })],
)

export const securityEvents = sqliteTable('security_events', {
  id: text('id').primaryKey(),
  userId: text('user_id').notNull(),
  type: text('type').$type<SecurityEventType>().notNull(),
  method: text('method').$type<SignInMethod>(),
  createdAt: integer('created_at').notNull(),
  ip: text('ip'),
  userAgent: text('user_agent'),
  city: text('city'),
  country: text('country'),
  // migrations/0010_passkey_origin.sql: what a reset closed (JSON counts).
  detail: text('detail'),
})

export const oneTimeTokens = sqliteTable('one_time_tokens', {
  id: text('id').primaryKey(),
  tokenHash: text('token_hash').notNull().unique(),
  userId: text('user_id').notNull(),
  purpose: text('purpose').$type<TokenPurpose>().notNull(),
  createdAt: integer('created_at').notNull(),
  expiresAt: integer('expires_at').notNull(),
  // Access-link requests only (migrations/0002_passwordless.sql: the name it shipped with).
  browserHash: text('browser_hash'),
  codeHash: text('code_hash'),
  fromForgot: integer('from_forgot', { mode: 'boolean' }).notNull().default(false),
  // migrations/0008_return_to.sql: where to go once the link is spent.
  next: text('next'),
})

export const throttles = sqliteTable('throttles', {
  key: text('key').primaryKey(),
  count: integer('count').notNull(),
  resetAt: integer('reset_at').notNull(),
})

export const outbox = sqliteTable('outbox', {
  id: text('id').primaryKey(),
  kind: text('kind').notNull(),
  recipient: text('recipient').notNull(),
  subject: text('subject').notNull(),
  textBody: text('text_body').notNull(),
  htmlBody: text('html_body').notNull(),
  stream: text('stream').notNull(),
  holdsSecret: integer('holds_secret', { mode: 'boolean' }).notNull().default(false),
  status: text('status').$type<OutboxStatus>().notNull().default('pending'),
  attempts: integer('attempts').notNull().default(0),
  nextAttemptAt: integer('next_attempt_at').notNull(),
  claimedUntil: integer('claimed_until'),
  lastError: text('last_error'),
  messageId: text('message_id'),
  expiresAt: integer('expires_at'),
  createdAt: integer('created_at').notNull(),
  sentAt: integer('sent_at'),
  // migrations/0014_outbox_account.sql: the account the mail is about.
  accountId: text('account_id'),
})

// migrations/0007_passkeys.sql
export const passkeys = sqliteTable('passkeys', {
  id: text('id').primaryKey(),
  userId: text('user_id').notNull(),
  credentialId: text('credential_id').notNull().unique(),
  publicKey: text('public_key').notNull(),
  signCount: integer('sign_count').notNull(),
  transports: text('transports'),
  backupEligible: integer('backup_eligible', { mode: 'boolean' }).notNull(),
  backedUp: integer('backed_up', { mode: 'boolean' }).notNull(),
  aaguid: text('aaguid').notNull(),
  name: text('name').notNull(),
  createdAt: integer('created_at').notNull(),
  lastUsedAt: integer('last_used_at'),
  // migrations/0010_passkey_origin.sql: where it was added from.
  userAgent: text('user_agent'),
  city: text('city'),
  country: text('country'),
})

export const webauthnChallenges = sqliteTable('webauthn_challenges', {
  challengeHash: text('challenge_hash').primaryKey(),
  browserHash: text('browser_hash').notNull(),
  ceremony: text('ceremony').$type<Ceremony>().notNull(),
  userId: text('user_id'),
  expiresAt: integer('expires_at').notNull(),
})

// migrations/0012_email_changes.sql
export const emailChanges = sqliteTable('email_changes', {
  id: text('id').primaryKey(),
  userId: text('user_id').notNull(),
  oldEmail: text('old_email').notNull(),
  newEmail: text('new_email').notNull(),
  status: text('status').$type<EmailChangeStatus>().notNull().default('pending'),
  createdAt: integer('created_at').notNull(),
  endedAt: integer('ended_at'),
})

export const emailChangeLinks = sqliteTable('email_change_links', {
  tokenHash: text('token_hash').primaryKey(),
  changeId: text('change_id').notNull(),
  kind: text('kind').$type<EmailChangeLinkKind>().notNull(),
  expiresAt: integer('expires_at').notNull(),
})

export type EmailChangeStatus = 'pending' | 'confirmed' | 'cancelled' | 'undone'
export type EmailChangeLinkKind = 'confirm' | 'undo'

// migrations/0013_account_events.sql
export const accountEvents = sqliteTable('account_events', {
  id: text('id').primaryKey(),
  type: text('type').$type<AccountEventType>().notNull(),
  accountId: text('account_id').notNull(),
  at: integer('at').notNull(),
  status: text('status').$type<'pending' | 'sending' | 'sent'>().notNull().default('pending'),
  attempts: integer('attempts').notNull().default(0),
  nextAttemptAt: integer('next_attempt_at').notNull(),
  claimedUntil: integer('claimed_until'),
  sentAt: integer('sent_at'),
})

/** What the apps are told on the ACCOUNT_EVENTS queue (see src/auth/account-events.ts, docs/apps.md). */
export type AccountEventType = 'account.email_changed' | 'account.deleted' | 'account.password_changed' | 'session.revoked'

export type Ceremony = 'register' | 'sign_in'
export type Passkey = typeof passkeys.$inferSelect

/** 'withheld': development only, a mail a budget held back, listed by /dev/mail (see recordWithheldMail); never sent. */
export type OutboxStatus = 'pending' | 'sending' | 'sent' | 'failed' | 'expired' | 'withheld'
export type OutboxRow = typeof outbox.$inferSelect

export type SignInMethod = 'password' | 'link' | 'code' | 'verification' | 'reset' | 'passkey'
export type SecurityEventType =
  | 'sign_in'
  | 'sign_in_failed'
  | 'reset_requested'
  | 'password_changed'
  | 'session_revoked'
  | 'sessions_revoked'
  | 'email_verified'
  | 'reauthentication_failed'
  | 'passkey_added'
  | 'passkey_removed'
  | 'two_step_enabled'
  | 'two_step_disabled'
  | 'two_step_disabled_by_support'
  | 'evicted_by_support'
  | 'second_step_failed'
  | 'recovery_code_used'
  | 'recovery_codes_renewed'
  | 'email_change_requested'
  | 'email_changed'
  | 'email_change_undone'
  | 'data_exported'
export type SecurityEvent = typeof securityEvents.$inferSelect
export type TokenPurpose = 'password_reset' | 'email_verification' | 'login'
export type User = typeof users.$inferSelect
export type Session = typeof sessions.$inferSelect
