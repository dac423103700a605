/**
 * The key a per-IP limit counts under. An IPv4 address is one key. An IPv6
 * address is reduced to its /64 prefix: a single host or customer is
 * routinely given a whole /64 (2^64 addresses), so counting whole addresses
 * would let one attacker mint a fresh key for every request. An IPv4-mapped
 * IPv6 address (`::ffff:1.2.3.4`) is the IPv4 address it maps. Anything
 * missing or unparseable counts under 'unknown' (one shared key: failing
 * closed together is better than a free key per garbage header).
 *
 *   ipKey('203.0.113.7')                   → '203.0.113.7'
 *   ipKey('2001:DB8:0:0:1::5%eth0')        → '2001:db8:0:0::/64'
 *   ipKey('::ffff:203.0.113.7')            → '203.0.113.7'
 */
export function ipKey(ip: string | null | undefined): string {
  if (!ip) return 'unknown'
  const address = ip.trim()
  if (address.length > 64) return 'unknown'
  if (!address.includes(':')) return parseIpv4(address) ?? 'unknown'
  const groups = parseIpv6(address)
  if (!groups) return 'unknown'
  if (groups.slice(0, 5).every((group) => group === 0) && groups[5] === 0xffff) {
    return [groups[6]! >> 8, groups[6]! & 0xff, groups[7]! >> 8, groups[7]! & 0xff].join('.')
  }
  return `${groups.slice(0, 4).map((group) => group.toString(16)).join(':')}::/64`
}

/** Dotted decimal, four parts of 0–255 (leading zeros read as decimal), in canonical form; null otherwise. */
function parseIpv4(address: string): string | null {
  const parts = address.split('.')
  if (parts.length !== 4 || !parts.every((part) => /^\d{1,3}$/.test(part) && Number(part) <= 255)) return null
  return parts.map(Number).join('.')
}

/** The eight 16-bit groups of an IPv6 address (`::` compression, embedded IPv4, [brackets] and %zone allowed); null if malformed. */
function parseIpv6(address: string): number[] | null {
  let text = address.toLowerCase()
  if (text.startsWith('[') && text.endsWith(']')) text = text.slice(1, -1)
  const zone = text.indexOf('%')
  if (zone !== -1) text = text.slice(0, zone)
  const halves = text.split('::')
  if (halves.length > 2) return null
  // A dotted IPv4 part may only end the address.
  const head = parseGroups(halves[0]!, halves.length === 1)
  const tail = halves.length === 2 ? parseGroups(halves[1]!, true) : []
  if (!head || !tail) return null
  if (halves.length === 1) return head.length === 8 ? head : null
  const missing = 8 - head.length - tail.length
  return missing >= 1 ? [...head, ...Array<number>(missing).fill(0), ...tail] : null
}

/** Colon-separated hex groups; with `ipv4Last`, the last may be a dotted IPv4 address (two groups). */
function parseGroups(text: string, ipv4Last: boolean): number[] | null {
  if (text === '') return []
  const parts = text.split(':')
  const groups: number[] = []
  for (const [index, part] of parts.entries()) {
    if (ipv4Last && index === parts.length - 1 && part.includes('.')) {
      const ipv4 = parseIpv4(part)
      if (!ipv4) return null
      const [a, b, c, d] = ipv4.split('.').map(Number) as [number, number, number, number]
      groups.push((a << 8) | b, (c << 8) | d)
    } else if (/^[0-9a-f]{1,4}$/.test(part)) {
      groups.push(parseInt(part, 16))
    } else {
      return null
    }
  }
  return groups.length <= 8 ? groups : null
}
