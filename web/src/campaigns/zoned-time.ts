// A wall-clock time in a time zone ("2026-12-24T09:00" in Europe/Madrid) as epoch milliseconds, and
// back, with the browser's Intl (no library: the offset is read from how the zone shows an instant).

function offsetMs(at: number, timeZone: string): number {
  const parts = new Intl.DateTimeFormat('en-US', {
    timeZone,
    hourCycle: 'h23',
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
  }).formatToParts(new Date(at))
  const v = (type: string) => Number(parts.find((p) => p.type === type)?.value ?? 0)
  return (
    Date.UTC(v('year'), v('month') - 1, v('day'), v('hour'), v('minute'), v('second')) - (at - (at % 1000))
  )
}

/** "YYYY-MM-DDTHH:MM" in `timeZone` → epoch ms (null when empty or not a time). */
export function zonedToEpoch(local: string, timeZone: string): number | null {
  const m = /^(\d{4})-(\d\d)-(\d\d)T(\d\d):(\d\d)$/.exec(local)
  if (!m) return null
  const guess = Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]), Number(m[4]), Number(m[5]))
  const first = guess - offsetMs(guess, timeZone)
  return guess - offsetMs(first, timeZone)
}

export function validTimeZone(timeZone: string): boolean {
  try {
    new Intl.DateTimeFormat('en', { timeZone })
    return true
  } catch {
    return false
  }
}

export const browserTimeZone = (): string => Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC'
