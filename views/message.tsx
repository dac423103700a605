import { Layout } from './layout'

export type MessagePageProps = {
  title: string
  body: string
  links?: { href: string; label: string }[]
  user?: { name: string } | null
}

/** A page that only tells something: "revise su bandeja de entrada", an expired link, an error. */
export function MessagePage({ title, body, links = [], user }: MessagePageProps) {
  return (
    <Layout title={title} user={user}>
      <h1>{title}</h1>
      <p>{body}</p>
      {links.map((link) => (
        <a class="button" href={link.href}>
          {link.label}
        </a>
      ))}
    </Layout>
  )
}
