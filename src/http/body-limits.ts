// Not in src/index.tsx: the Worker's main module may export only handlers
// (workerd treats every export there as an entrypoint).

/**
 * The largest form a person can send is the profile: name (100) + email
 * (254) + current, new and confirmed password (3 × 256) = 1,122 characters.
 * At worst 4 bytes of UTF-8 each, percent-encoded ×3 = 12 bytes: 13,464
 * bytes, plus ~70 bytes of field names and separators = ~13.6 KB (the same
 * form as multipart is smaller: no percent-encoding, ~130 bytes per part).
 * Rounded up to 16 KiB. Anything bigger is refused before it is parsed
 * (413), so no handler ever reads, decodes or normalises more than that —
 * a pasted megabyte gets the "too large" page, not a field message.
 */
export const MAX_BODY_BYTES = 16 * 1024
/** Bounce webhooks are authenticated and written by Postmark, not typed by people: a bounced message fits. */
export const MAX_WEBHOOK_BYTES = 1024 * 1024
