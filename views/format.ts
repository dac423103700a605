import { describeTimeOnPage } from '../src/i18n/times'

// One way to show times on every page: in the zone the request came from
// (the route passes clientOf(c).timeZone), else UTC, always with its offset
// — "2 dic 2026, 9:00 (UTC-6)", the way mails show them.
export function formatWhen(ms: number, timeZone?: string | null): string {
  return describeTimeOnPage(ms, timeZone)
}
