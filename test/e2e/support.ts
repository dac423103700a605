import { mkdirSync, readFileSync } from 'node:fs'
import { randomUUID } from 'node:crypto'
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core'
import { expect, inject } from 'vitest'

export const baseUrl = inject('baseUrl')
const sinkUrl = inject('sinkUrl')

/**
 * Debian's Chromium, headless, with the flags this machine needs (no
 * sandbox as root, no background networking on a closed network).
 */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--disable-quic'],
  })
}

export const PHONE = { width: 390, height: 844 }
export const SMALL_PHONE = { width: 320, height: 568 }
/** The two phones issue 19 asks every new page to be checked on. */
export const PHONES = [PHONE, SMALL_PHONE]
export const DESKTOP = { width: 1280, height: 800 }

/**
 * A fresh browser profile, as one visitor: its own cookies and its own
 * client address (CF-Connecting-IP, which wrangler dev passes through) in
 * its own IPv6 /64 — per-IP limits key on the /64 — so they see many
 * visitors, not one machine.
 */
export function newVisitor(browser: Browser, options: { javaScript?: boolean; viewport?: { width: number; height: number } } = {}) {
  return browser.newContext({
    javaScriptEnabled: options.javaScript ?? true,
    viewport: options.viewport ?? PHONE,
    extraHTTPHeaders: { 'CF-Connecting-IP': `2001:db8:${randomUUID().slice(0, 4)}:${randomUUID().slice(0, 4)}::1` },
  })
}

export function uniqueEmail(label: string) {
  return `${label}-${randomUUID().slice(0, 8)}@example.com`
}

type SinkMail = { To: string; Tag: string; Subject: string; TextBody: string; HtmlBody: string; serverToken: string }

/**
 * How long a mail may take to reach the sink: the app sends it after the
 * response (waitUntil). A ceiling, not a delay: on a machine busy with other
 * test runs, 10 s was once not enough.
 */
const MAIL_WAIT_MS = 30_000

/** Every mail the Postmark sink received, in the order it received them (it only ever appends). */
async function receivedMails(): Promise<SinkMail[]> {
  return (await (await fetch(`${sinkUrl}/messages`)).json()) as SinkMail[]
}

/**
 * Runs `action` (the click that asks for a mail) and returns the first mail
 * of this kind to this address that the sink received after it began. A
 * mail already there beforehand — an earlier link or code to the same
 * address — never counts, so a request that sends nothing fails here instead
 * of handing back an old mail. Throws if none arrives within MAIL_WAIT_MS.
 */
export async function mailAfter(email: string, tag: string, action: () => Promise<unknown>): Promise<SinkMail> {
  const seen = (await receivedMails()).length
  await action()
  const deadline = Date.now() + MAIL_WAIT_MS
  for (;;) {
    const received = await receivedMails()
    const mail = received.slice(seen).find((m) => m.To === email && m.Tag === tag)
    if (mail) return mail
    if (Date.now() > deadline) {
      const earlier = received.slice(0, seen).filter((m) => m.To === email && m.Tag === tag).length
      throw new Error(`no new ${tag} mail to ${email} within ${MAIL_WAIT_MS / 1000} s of the action (${earlier} from before it)`)
    }
    await new Promise((resolve) => setTimeout(resolve, 100))
  }
}

export async function countMails(email: string, tag: string): Promise<number> {
  return (await receivedMails()).filter((m) => m.To === email && m.Tag === tag).length
}

export function linkIn(mail: SinkMail, path: string): string {
  const match = mail.TextBody.match(new RegExp(`${baseUrl}${path}\\S+`))
  if (!match) throw new Error(`no ${path} link in ${mail.Subject}`)
  return match[0]
}

export function codeIn(mail: SinkMail): string {
  return mail.TextBody.match(/^\s{4}(\d{6})$/m)![1]!
}

/**
 * Runs `action` — a click or a key press that submits a form or follows a
 * link — and returns once the page it leads to has loaded. Playwright's
 * click returns when the click is dispatched, not when the page it starts
 * has arrived: a step taken before then reads or fills the page being left,
 * or starts a navigation that the form's own one interrupts ("Navigation to
 * … is interrupted by another navigation to …/signup"). Waiting for the
 * next page, not for a URL, also covers a form that answers at its own
 * address (a page with errors, "Revise su correo").
 */
export async function navigate(page: Page, action: () => Promise<unknown>): Promise<void> {
  // The next page's load event, not framenavigated: htmx 4 stamps the history entry
  // (replaceState) on its first swap, and an inline-validation swap landing after the
  // click is a same-document "navigation" that would let us go on before the form's.
  // A limit, not a wait: on a busy two-core machine a sign-up (PBKDF2, D1,
  // workerd) and its page have taken over Playwright's default 30 s.
  await Promise.all([page.waitForEvent('load', { timeout: 90_000 }), action()])
}

/** Clicks what `selector` names and waits for the page it leads to (see navigate). */
export function clickThrough(page: Page, selector: string): Promise<void> {
  return navigate(page, () => page.click(selector))
}

/** Signs up and confirms through the mail, as a person would; leaves the page on the profile. */
export async function signUp(page: Page, person: { name: string; email: string; password: string }) {
  await page.goto(`${baseUrl}/signup`)
  await page.fill('#name', person.name)
  await page.fill('#email', person.email)
  await page.fill('#password', person.password)
  await page.fill('#password_confirmation', person.password)
  // The mail goes out after the response (waitUntil), so it can reach the sink before the answer page has loaded.
  const mail = await mailAfter(person.email, 'email-verification', () => clickThrough(page, 'button.button'))
  await page.goto(linkIn(mail, '/email/verify/'))
  await clickThrough(page, 'button.button')
  await page.waitForURL(/\/profile/)
}

const axeSource = readFileSync(new URL('../../node_modules/axe-core/axe.min.js', import.meta.url), 'utf8')

/**
 * Runs axe-core in the page (evaluated through the DevTools protocol, which
 * the page's CSP does not govern, so the app's CSP stays as strict as in
 * production) and returns the serious and critical violations.
 *
 * With `javaScript: false` (a page of a visitor without JavaScript) axe
 * cannot run in that page: evaluation works there, but no timer or message
 * callback ever fires, and axe waits on them forever. So it checks a copy:
 * the document as this browser holds it, served at the same address to a
 * page with JavaScript on, where a CSP of script-src 'none' keeps the
 * page's own scripts (htmx, passkeys) from changing it. The stylesheet
 * comes from the app as usual, so contrast is judged on the real styles.
 */
export async function seriousViolations(page: Page, options: { javaScript?: boolean } = {}) {
  if (options.javaScript ?? true) return seriousViolationsIn(page)
  // Without its fragment (#llaves): a request never carries one, so the copy is served at the address without it.
  const url = page.url().replace(/#.*$/, '')
  const html = await page.content()
  const context = await page.context().browser()!.newContext({ viewport: page.viewportSize() ?? PHONE })
  try {
    const copy = await context.newPage()
    let served = false
    await copy.route(
      (address) => address.href === url,
      (route) => {
        served = true
        return route.fulfill({ status: 200, headers: { 'Content-Type': 'text/html; charset=utf-8', 'Content-Security-Policy': "script-src 'none'" }, body: html })
      },
    )
    await copy.goto(url)
    // Otherwise axe would have checked whatever the server answers a GET of that address with.
    if (!served) throw new Error(`the copy of ${url} was not served`)
    return await seriousViolationsIn(copy)
  } finally {
    await context.close()
  }
}

async function seriousViolationsIn(page: Page) {
  await page.evaluate(axeSource)
  const result = await page.evaluate(async () => {
    const axe = (window as unknown as { axe: { run: (context: Document, options: object) => Promise<{ violations: { id: string; impact: string; nodes: { target: string[] }[] }[] }> } }).axe
    return axe.run(document, { resultTypes: ['violations'] })
  })
  return result.violations
    .filter((violation) => violation.impact === 'serious' || violation.impact === 'critical')
    .map((violation) => `${violation.id}: ${violation.nodes.map((node) => node.target.join(' ')).join(', ')}`)
}

export type { Browser, BrowserContext, Page }

/** Where the README's screenshot set lives (docs/operations.md shows it). */
const SCREENSHOTS = new URL('../../docs/screenshots/', import.meta.url)

/** Saves the whole page as docs/screenshots/`file`. */
export async function saveScreenshot(page: Page, file: string) {
  mkdirSync(SCREENSHOTS, { recursive: true })
  await page.screenshot({ path: new URL(file, SCREENSHOTS).pathname, fullPage: true })
}

/** One state of a walk (docs/operations.md's walks): loaded, no serious accessibility violation, and its full-page screenshot as `file`. */
export async function walkState(page: Page, file: string) {
  await page.waitForLoadState('load')
  expect(await seriousViolations(page)).toEqual([])
  await saveScreenshot(page, file)
}

/** The text a person reads in the page's main area, spaces collapsed. */
export async function mainText(page: Page) {
  return ((await page.textContent('main')) ?? '').replace(/\s+/g, ' ')
}
