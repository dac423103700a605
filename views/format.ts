// One way to show times and devices on every page and mail.
const when = new Intl.DateTimeFormat('es-EC', { dateStyle: 'medium', timeStyle: 'short', timeZone: 'America/Guayaquil' })

export function formatWhen(ms: number): string {
  return when.format(ms)
}
