import type { Child } from 'hono/jsx'

const rendered = new Map<string, string>()

/**
 * A page that is the same for every visitor (an empty sign-in form, say)
 * is rendered once per isolate and then served as a string: views are pure
 * functions of their props, so the same props give the same HTML. Only for
 * props that come from a fixed set, never from the request.
 */
export async function renderOnce(key: string, page: () => Child): Promise<string> {
  let html = rendered.get(key)
  if (html === undefined) {
    html = String(await (page() as unknown as { toString(): string | Promise<string> }).toString())
    rendered.set(key, html)
  }
  return html
}
