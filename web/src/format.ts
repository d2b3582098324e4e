// Formatting helpers: pure functions, no React. Dates and numbers in the chosen language.

import i18n from 'i18next'

const locale = () => i18n.language || 'en'

const minute = 60_000
const hour = 60 * minute
const day = 24 * hour

export function formatTime(ms: number | null | undefined, now = Date.now()): string {
  if (!ms) return ''
  const d = new Date(ms)
  const sameDay = new Date(now).toDateString() === d.toDateString()
  if (sameDay) return d.toLocaleTimeString(locale(), { hour: '2-digit', minute: '2-digit' })
  if (now - ms < 6 * day) return d.toLocaleDateString(locale(), { weekday: 'short' })
  return d.toLocaleDateString(locale(), { day: 'numeric', month: 'short', year: '2-digit' })
}

export function formatDateTime(ms: number | null | undefined): string {
  if (!ms) return ''
  return new Date(ms).toLocaleString(locale(), {
    day: 'numeric',
    month: 'short',
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
  })
}

/** "23 h 05 min", "4 min 10 s", "12 s" (the units in the chosen language). */
export function formatCountdown(ms: number): string {
  const left = Math.max(0, ms)
  const h = Math.floor(left / hour)
  const m = Math.floor((left % hour) / minute)
  const s = Math.floor((left % minute) / 1000)
  const pad = (n: number) => String(n).padStart(2, '0')
  if (h > 0) return i18n.t('common:duration.hoursMinutes', { h, m: pad(m) })
  if (m > 0) return i18n.t('common:duration.minutesSeconds', { m, s: pad(s) })
  return i18n.t('common:duration.seconds', { s })
}

/** "Today", "Yesterday" (given in the chosen language) or the full date. */
export function formatDay(ms: number, today: string, yesterday: string, now = Date.now()): string {
  const d = new Date(ms)
  if (d.toDateString() === new Date(now).toDateString()) return today
  if (d.toDateString() === new Date(now - 86_400_000).toDateString()) return yesterday
  return d.toLocaleDateString(locale(), { weekday: 'long', day: 'numeric', month: 'long', year: 'numeric' })
}

export function formatBytes(n: number | null | undefined): string {
  if (n === null || n === undefined) return ''
  if (n < 1024) return i18n.t('common:size.bytes', { n: number(n) })
  if (n < 1024 * 1024) return i18n.t('common:size.kilobytes', { n: number(n / 1024, 1) })
  return i18n.t('common:size.megabytes', { n: number(n / 1024 / 1024, 1) })
}

/** A number in the chosen language ("1,234.5", "1.234,5"), with `digits` decimals. */
export function number(n: number, digits = 0): string {
  return n.toLocaleString(locale(), { minimumFractionDigits: digits, maximumFractionDigits: digits })
}

export type TextPart = { text: string; href?: string }

/** Splits text into plain parts and http(s)/www links (trailing punctuation left out of links). */
export function linkify(text: string): TextPart[] {
  const parts: TextPart[] = []
  const re = /\b(?:https?:\/\/|www\.)[^\s<>"]+/gi
  let last = 0
  for (const match of text.matchAll(re)) {
    let url = match[0]
    const trailing = /[.,;:!?)\]}'"]+$/.exec(url)
    if (trailing) url = url.slice(0, -trailing[0].length)
    const start = match.index ?? 0
    if (start > last) parts.push({ text: text.slice(last, start) })
    parts.push({ text: url, href: url.startsWith('www.') ? `https://${url}` : url })
    last = start + url.length
  }
  if (last < text.length) parts.push({ text: text.slice(last) })
  return parts
}

export function contactLabel(contact: {
  name: string | null
  waId: string | null
  userId: string | null
}): string {
  return (
    contact.name || (contact.waId ? `+${contact.waId}` : contact.userId || i18n.t('common:unknownContact'))
  )
}

export function contactNumber(contact: { waId: string | null; userId: string | null }): string {
  return contact.waId ? `+${contact.waId}` : contact.userId || ''
}

export function initials(label: string): string {
  const words = label
    .replace(/[^\p{L}\p{N} ]/gu, '')
    .trim()
    .split(/\s+/)
  const letters = (words[0]?.[0] ?? '') + (words.length > 1 ? (words[words.length - 1]?.[0] ?? '') : '')
  return letters.toUpperCase() || '#'
}

export function mapLink(latitude: number, longitude: number): string {
  return `https://www.openstreetmap.org/?mlat=${latitude}&mlon=${longitude}#map=16/${latitude}/${longitude}`
}
