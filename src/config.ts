import type { Bindings } from './env'

export type Config = {
  appUrl: URL
  appName: string
  emailFrom: string
  postmark: { serverToken: string; messageStream: string; apiUrl: URL | null } | null
  pepper: string | null
  devMailbox: boolean
  securityContact: string
  postmarkWebhookSecret: string | null
}

export class ConfigError extends Error {}

const cache = new WeakMap<Bindings, Config>()

/**
 * Reads and checks vars and secrets once per isolate (the env object is
 * stable across requests), so a misconfiguration fails loudly on the first
 * request instead of producing broken links in mails.
 */
export function readConfig(env: Bindings): Config {
  let config = cache.get(env)
  if (!config) {
    config = parseConfig(env)
    cache.set(env, config)
  }
  return config
}

function parseConfig(env: Bindings): Config {
  const appUrl = parseUrl('APP_URL', env.APP_URL)
  if (!appUrl) throw new ConfigError('APP_URL is required: links in mails are built only from it')
  const apiUrl = parseUrl('POSTMARK_API_URL', env.POSTMARK_API_URL)
  const token = env.POSTMARK_SERVER_TOKEN?.trim()
  return {
    appUrl,
    appName: env.APP_NAME?.trim() || 'Ecuabots',
    emailFrom: env.EMAIL_FROM?.trim() || 'Ecuabots <no-responder@ecuabots.com>',
    postmark: token
      ? { serverToken: token, messageStream: env.POSTMARK_MESSAGE_STREAM?.trim() || 'outbound', apiUrl }
      : null,
    pepper: env.PASSWORD_PEPPER || null,
    securityContact: env.SECURITY_CONTACT?.trim() || 'mailto:seguridad@ecuabots.com',
    postmarkWebhookSecret: env.POSTMARK_WEBHOOK_SECRET || null,
    // The dev mailbox shows every mail, links included, to anyone who can
    // open /dev/mail. It needs both the explicit flag (set by `npm run dev`)
    // and an APP_URL on this machine, so no production setting can turn it on.
    devMailbox: !token && env.DEV_MAILBOX === 'true' && isLocalhost(appUrl),
  }
}

function parseUrl(name: string, value: string | undefined): URL | null {
  if (!value?.trim()) return null
  try {
    const url = new URL(value.trim())
    if (url.protocol === 'http:' || url.protocol === 'https:') return url
  } catch {}
  throw new ConfigError(`${name} must be an http(s) URL, got ${JSON.stringify(value)}`)
}

function isLocalhost(url: URL): boolean {
  return url.protocol === 'http:' && ['localhost', '127.0.0.1', '[::1]'].includes(url.hostname)
}

/** An absolute link for a mail, built from APP_URL and never from the request's Host. */
export function appLink(config: Config, path: string): string {
  return new URL(path, config.appUrl).toString()
}
