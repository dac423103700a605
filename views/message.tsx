import { Layout } from './layout'

export type MessagePageProps = {
  title: string
  /** One paragraph, or several. */
  body: string | string[]
  /** The first is the one obvious next step (a button); the others are quiet links, e.g. the way back. */
  links?: { href: string; label: string }[]
  /** The next step is elsewhere (in the mailbox): every link is a quiet one. */
  quiet?: boolean
  user?: { name: string; email: string } | null
}

/** A page that only tells something: "revise su bandeja de entrada", an expired link, an error. */
export function MessagePage({ title, body, links = [], quiet = false, user }: MessagePageProps) {
  const next = quiet ? undefined : links[0]
  const others = quiet ? links : links.slice(1)
  return (
    <Layout title={title} user={user}>
      <h1>{title}</h1>
      {(Array.isArray(body) ? body : [body]).map((paragraph) => (
        <p>{paragraph}</p>
      ))}
      {next && (
        <a class="button" href={next.href}>
          {next.label}
        </a>
      )}
      {others.length > 0 && (
        <div class="links">
          {others.map((link) => (
            <a href={link.href}>{link.label}</a>
          ))}
        </div>
      )}
    </Layout>
  )
}
