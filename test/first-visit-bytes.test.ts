import { describe, expect, it } from 'vitest'
import { Browser, requestReset, signedInUser, uniqueEmail, type Page } from './helpers'

/**
 * What a first visit costs a person on a slow phone line: the page and every
 * file it loads on arrival (stylesheet, scripts, modules), each compressed
 * with gzip as Cloudflare would send it. Brotli does a little better, so gzip
 * is the honest upper bound.
 */
async function gzipSize(text: string): Promise<number> {
  const stream = new Blob([text]).stream().pipeThrough(new CompressionStream('gzip'))
  return (await new Response(stream).arrayBuffer()).byteLength
}

/** The same-origin files a page loads on arrival: <link rel=stylesheet href> and <script src>. */
function subresourcesOf(html: string): string[] {
  const links = [...html.matchAll(/<link rel="stylesheet" href="([^"]+)"/g)].map((m) => m[1]!)
  const scripts = [...html.matchAll(/<script[^>]* src="([^"]+)"/g)].map((m) => m[1]!)
  return [...new Set([...links, ...scripts])]
}

async function firstVisitBytes(browser: Browser, page: Page) {
  expect(page.status).toBe(200)
  const files = subresourcesOf(page.text)
  let total = await gzipSize(page.text)
  for (const path of files) {
    const file = await browser.get(path)
    expect(file.status, path).toBe(200)
    total += await gzipSize(file.text)
  }
  return { total, files }
}

/** The reset form as the mailed link opens it (the token moves out of the URL first). */
async function resetPage() {
  const { email } = await signedInUser({ email: uniqueEmail('bytes') })
  const browser = new Browser()
  let page = await browser.get(await requestReset(email, browser))
  if (page.status === 303) page = await browser.get(page.location!)
  return { browser, page }
}

const KB = 1024
const htmxScript = /<script src="\/assets\/htmx-[^"]+"/

describe('first visit bytes', () => {
  it('the sign-in page, with everything it loads, is at most 8 KB compressed, and loads no htmx', async () => {
    const browser = new Browser()
    const { total, files } = await firstVisitBytes(browser, await browser.get('/login'))
    expect(files.some((path) => path.includes('htmx'))).toBe(false)
    expect(total).toBeLessThanOrEqual(8 * KB)
  })

  it('the sign-up page, with htmx for the inline password check, is at most 20 KB compressed', async () => {
    const browser = new Browser()
    const { total, files } = await firstVisitBytes(browser, await browser.get('/signup'))
    expect(files.some((path) => path.includes('htmx'))).toBe(true)
    expect(total).toBeLessThanOrEqual(20 * KB)
  })

  it('the new-password page of a reset, with htmx, is at most 20 KB compressed', async () => {
    const { browser, page } = await resetPage()
    expect(page.text).toContain('hx-post="/validate/password"')
    const { total } = await firstVisitBytes(browser, page)
    expect(total).toBeLessThanOrEqual(20 * KB)
  })

  it('a page loads htmx exactly when it has hx-* attributes', async () => {
    const anonymous = new Browser()
    const { browser: signedIn } = await signedInUser({ email: uniqueEmail('bytes') })
    const pages: [string, Page][] = [
      ['/login', await anonymous.get('/login')],
      ['/signup', await anonymous.get('/signup')],
      ['/password/forgot', await anonymous.get('/password/forgot')],
      ['/login/email', await anonymous.get('/login/email')],
      ['/profile', await signedIn.get('/profile')],
      ['/security', await signedIn.get('/security')],
      ['reset', (await resetPage()).page],
    ]
    for (const [name, page] of pages) {
      expect(page.status, name).toBe(200)
      expect(htmxScript.test(page.text), name).toBe(/\shx-[a-z]+=/.test(page.text))
    }
    // Both kinds are in the list: the check above is not vacuous.
    expect(pages.filter(([, page]) => htmxScript.test(page.text)).map(([name]) => name)).toEqual(['/signup', '/profile', 'reset'])
  })
})
