import type { Context } from 'hono'
import { checkEmail, normalizeEmail } from '../addresses/email'
import { checkName, normalizeName } from '../auth/names'
import { fromBase64Url, toBase64Url } from '../crypto/encoding'
import { MINUTE } from '../clock'
import { hostCookie } from './cookies'
import type { AppEnv } from '../env'
import { nextFor } from './forms'

/**
 * What a person typed, carried between the sign-in, "Olvidé mi contraseña",
 * link, throttled and expired pages so nobody types their address twice,
 * and where they were going (`next`); and the name typed on the profile
 * before "¿No la recuerda?" left it for the mailbox. In a short-lived HttpOnly cookie, not
 * in a URL: a URL reaches logs, history and Referer. Both are read back
 * through the same checks as the forms, so a planted value can prefill a
 * field at most (the cookie is `__Host-`, so not even that from a sibling).
 */
const rememberedInputCookie = hostCookie('typed', 15 * MINUTE) // `__Host-typed`: the name browsers already hold

export type RememberedInput = { email?: string; next?: string; name?: string }

/**
 * Merged over what this browser already carries (`current`, read from the
 * request unless given). A `next` belongs to the address it was typed with:
 * another address typed replaces it (with no `next`, unless one comes with
 * it), so the next person at a shared computer does not inherit it.
 */
export function rememberInput(c: Context<AppEnv>, input: RememberedInput, current: RememberedInput = rememberedInputOf(c)) {
  const anotherAddress = input.email !== undefined && current.email !== undefined && input.email !== current.email
  const merged = { email: input.email ?? current.email, next: input.next ?? (anotherAddress ? undefined : current.next), name: input.name ?? current.name }
  rememberedInputCookie.set(c, toBase64Url(new TextEncoder().encode(JSON.stringify(merged))))
}

/**
 * Where a request for a mailed link should lead once the link is spent: the
 * form's `next`, else the one carried from the sign-in page; checked against
 * this site's pages and RETURN_ORIGINS. Stored with the link, so it works
 * from another device too. Null: the profile. Anyone can ask for a link to
 * someone else's address, so the link carries no choice of theirs beyond
 * which page (linkNext): never a query (`?aviso=` would make our page tell
 * the owner her password was changed), never an app's path.
 */
export function requestedNext(c: Context<AppEnv>, form: Record<string, string>, email: string): string | null {
  return linkNext(nextFor(c, form.next ?? rememberedNextFor(c, email), ''))
}

/**
 * What a mailed link may store of a checked `next`: one of this site's
 * pages without query or fragment, or an app's origin (RETURN_ORIGINS) —
 * not the path and query a freshly signed-in person lands on in a
 * first-party app (a GET-CSRF channel into it). Null for anything else.
 */
export function linkNext(next: string | null | undefined): string | null {
  if (!next) return null
  return next.startsWith('/') ? next.split(/[?#]/, 1)[0]! : `${new URL(next).origin}/`
}

/**
 * Where the reset's review (on Seguridad) offers to continue: the landing a
 * sign-in would have had, checked again and cut like a mailed link's (a
 * page without query, or an app's origin), since it travels in the URL
 * and anyone can type that. Null for nothing, or for Seguridad itself.
 */
export function onwardAfterReview(c: Context<AppEnv>, next: string | undefined): string | null {
  const to = linkNext(nextFor(c, next, ''))
  return to === '/security' ? null : to
}

/**
 * Where this browser was going, for a sign-in (or a link asked) as `email`:
 * only for the address it was typed with. The next person at a shared
 * computer, who signs in as someone else, does not land on the page (or
 * the app) the previous one chose and left behind. A `next` no address was
 * typed with yet (an app sent the browser to /login?next=…) goes with the
 * first address typed after it (rememberInput binds it).
 */
export function rememberedNextFor(c: Context<AppEnv>, email: string): string | undefined {
  const remembered = rememberedInputOf(c)
  return remembered.email === undefined || remembered.email === email ? remembered.next : undefined
}

/**
 * "Olvidé mi contraseña" and "Recibir un enlace de acceso" clicked on
 * /login: the page's script adds the address typed so far as `?email=`
 * (views/scripts.ts). It is kept like any typed address, in this cookie,
 * and the answer is a redirect to the same page without it, so the address
 * stays out of history and logs after this one request. Not when another
 * site sent the browser here: it would choose the address prefilled.
 * Null when there is no `email` in the query.
 */
export function carryEmailFromQuery(c: Context<AppEnv>): string | null {
  const url = new URL(c.req.url)
  if (!url.searchParams.has('email')) return null
  const email = normalizeEmail(url.searchParams.get('email') ?? undefined)
  // Only from this site's own pages: a link in a mail, a chat or an old
  // browser (Sec-Fetch-Site none or missing) must not choose what is prefilled.
  const fromThisSite = c.req.header('Sec-Fetch-Site') === 'same-origin'
  if (fromThisSite && !checkEmail(email)) rememberInput(c, { email })
  url.searchParams.delete('email')
  return url.pathname + url.search
}

/** Once what was carried has been used (the profile saved), nothing lingers. */
export function forgetRememberedInput(c: Context) {
  rememberedInputCookie.clear(c)
}

export function rememberedInputOf(c: Context<AppEnv>): RememberedInput {
  const value = rememberedInputCookie.read(c)
  if (!value || value.length > 1024) return {}
  try {
    const parsed = JSON.parse(new TextDecoder().decode(fromBase64Url(value))) as RememberedInput
    const email = typeof parsed.email === 'string' ? normalizeEmail(parsed.email) : undefined
    const next = typeof parsed.next === 'string' ? nextFor(c, parsed.next, '') || undefined : undefined
    const name = typeof parsed.name === 'string' ? normalizeName(parsed.name) : undefined
    return { email: email && !checkEmail(email) ? email : undefined, next, name: name && !checkName(name) ? name : undefined }
  } catch {
    return {}
  }
}
