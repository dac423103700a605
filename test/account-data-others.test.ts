import { describe, expect, it } from 'vitest'
import { askToChange, Browser, signedInUser, uniqueEmail } from './helpers'

// The download and the deletion deal in the account's own mails, found by
// the account they are about (migrations/0014), never by an address: an
// address it moved away from, or only asked to move to, may be another
// person's (issue 22's attacker review).

type Mail = { kind: string; to: string }

async function mailsInDownload(browser: Browser): Promise<Mail[]> {
  const page = await browser.post('/security/data')
  expect(page.status).toBe(200)
  return JSON.parse(page.text).mails
}

describe('the download and the deletion, and other people\'s mail', () => {
  it('asking to move to an address another account holds lists the same in the download as asking for a free one: it tells nobody the address has an account', async () => {
    const { email: taken } = await signedInUser()
    const seen: Mail[][] = []
    for (const target of [taken, uniqueEmail('libre')]) {
      const stranger = await signedInUser()
      await askToChange(stranger.browser, stranger.email, target)
      seen.push((await mailsInDownload(stranger.browser)).filter((mail) => mail.to === target))
    }
    expect(seen[0]!.map((mail) => mail.kind)).toEqual(['email-change-confirm'])
    expect(seen[1]!.map((mail) => mail.kind)).toEqual(['email-change-confirm'])
  })

  it('a stranger who asks to move to her former address sees none of her mails there in his download, and deleting his account erases none of them', async () => {
    const her = await signedInUser()
    const former = her.email
    const { confirm } = await askToChange(her.browser, former, uniqueEmail('ahora'))
    expect((await her.browser.post(confirm!)).status).toBe(200)
    const hersAtFormer = (await mailsInDownload(her.browser)).filter((mail) => mail.to === former)
    expect(hersAtFormer.map((mail) => mail.kind)).toEqual(expect.arrayContaining(['email-verification', 'email-change-requested', 'email-change-changed']))

    const stranger = await signedInUser()
    await askToChange(stranger.browser, stranger.email, former)
    expect((await mailsInDownload(stranger.browser)).filter((mail) => mail.to === former).map((mail) => mail.kind)).toEqual(['email-change-confirm'])
    expect((await stranger.browser.post('/security/delete', { email: stranger.email })).status).toBe(303)
    expect((await mailsInDownload(her.browser)).filter((mail) => mail.to === former)).toEqual(hersAtFormer)
  })
})
