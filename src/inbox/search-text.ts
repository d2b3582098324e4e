import { parsePhoneNumberFromString } from 'libphonenumber-js'

// What the inbox's full-text search indexes and how a query is read (docs/TEAM-INBOX.md,
// "Search"; decision 0057). Pure: the write path, the backfill, the query and the tests share it.
//
// One tokeniser for both databases, in JavaScript, so SQLite's FTS5 and PostgreSQL's 'simple'
// configuration see the same words: text is lower-cased, Latin letters lose their accents
// ("reembolsó" → "reembolso", "não" → "nao"), Thai (written without spaces) is cut into words by
// ICU's dictionary (Intl.Segmenter), and every run of letters, marks and digits is a word. The
// index stores the words joined by spaces; a query's words each match as a prefix, all required.

type Obj = Record<string, unknown>
const get = (value: unknown, key: string): unknown =>
  typeof value === 'object' && value ? (value as Obj)[key] : undefined
const str = (value: unknown): string | undefined =>
  typeof value === 'string' && value.trim() !== '' ? value : undefined

/**
 * The text a person reads in a message: its body, caption, file name, location, shared contact,
 * button or list reply; a sent template's text comes from the caller (rendered with its values).
 */
export function messageText(content: unknown, rendered?: string | null): string {
  if (rendered) return rendered
  const m = content as Obj
  const type = String(get(m, 'type') ?? '')
  const body = get(m, type)
  const parts: (string | undefined)[] = []
  switch (type) {
    case 'text':
      parts.push(str(get(body, 'body')))
      break
    case 'image':
    case 'video':
    case 'document':
    case 'audio':
    case 'sticker':
      parts.push(str(get(body, 'caption')), str(get(body, 'filename')))
      break
    case 'location':
      parts.push(str(get(body, 'name')), str(get(body, 'address')))
      break
    case 'contacts':
      for (const c of Array.isArray(get(m, 'contacts')) ? (get(m, 'contacts') as unknown[]) : [])
        parts.push(str(get(get(c, 'name'), 'formatted_name')))
      break
    case 'interactive': {
      const kind = String(get(body, 'type') ?? '')
      const reply = get(body, kind)
      parts.push(str(get(reply, 'title')), str(get(reply, 'description')))
      parts.push(str(get(get(body, 'header'), 'text')), str(get(get(body, 'body'), 'text')))
      parts.push(str(get(get(body, 'footer'), 'text')))
      break
    }
    case 'button':
      parts.push(str(get(body, 'text')))
      break
    case 'template':
      parts.push(str(get(body, 'name')))
      break
    case 'system':
      parts.push(str(get(body, 'body')))
      break
  }
  return parts.filter((p): p is string => p !== undefined).join('\n')
}

const thai = /\p{Script=Thai}/u
const segmenter = new Intl.Segmenter('th', { granularity: 'word' })
const wordRun = /[\p{L}\p{M}\p{N}]+/gu

/** One character folded the way the index folds it: lower case, Latin accents dropped. */
function fold(text: string): string {
  return text
    .normalize('NFD')
    .replace(/(\p{Script=Latin})\p{M}+/gu, '$1')
    .normalize('NFC')
    .toLowerCase()
}

/** The words of a text as the index and the query see them. */
export function words(text: string): string[] {
  const out: string[] = []
  for (const run of fold(text).match(wordRun) ?? []) {
    if (!thai.test(run)) {
      out.push(run)
      continue
    }
    for (const s of segmenter.segment(run))
      if (s.isWordLike || /[\p{L}\p{N}]/u.test(s.segment)) out.push(s.segment)
  }
  return out
}

/** What the index stores for a text: its words joined by spaces (at most 8,000 characters). */
export function indexBody(text: string): string {
  return words(text).join(' ').slice(0, 8000)
}

/** The searchable text of a contact: both names, the number, its national form and the user id. */
export function contactText(c: {
  name: string | null
  profileName: string | null
  waId: string | null
  userId: string | null
}): string {
  const parts = [c.name, c.profileName, c.waId, c.userId]
  const national = c.waId ? parsePhoneNumberFromString(`+${c.waId}`)?.nationalNumber : undefined
  if (national && national !== c.waId) parts.push(national)
  return parts.filter((p): p is string => !!p).join('\n')
}

/** A query's words (at most 8); empty when it has none (punctuation only). */
export function queryWords(q: string): string[] {
  return [...new Set(words(q))].slice(0, 8)
}

/** The digits of a query that reads as a phone number ("+34 612-345"), for a substring match. */
export function queryDigits(q: string): string | undefined {
  const compact = q.replace(/[\s+\-().]/g, '')
  return /^\d{3,}$/.test(compact) ? compact : undefined
}

/** FTS5's query: each word quoted, as a prefix (or only as written), all required. */
export function fts5Query(ws: string[], opts: { prefix: boolean } = { prefix: true }): string {
  return ws.map((w) => `"${w.replaceAll('"', '""')}"${opts.prefix ? '*' : ''}`).join(' ')
}

/** PostgreSQL's to_tsquery('simple', …): each word a prefix (or only as written), all required. */
export function tsQuery(ws: string[], opts: { prefix: boolean } = { prefix: true }): string {
  return ws
    .map((w) => `'${w.replaceAll("'", "''").replaceAll('\\', '\\\\')}'${opts.prefix ? ':*' : ''}`)
    .join(' & ')
}

/** A piece of a snippet: `hit` marks a searched word. The dashboard renders it as text, never HTML. */
export type SnippetPart = { text: string; hit: boolean }

/**
 * Up to `width` characters of `text` around its first hit, cut into plain and hit parts. A hit
 * is a word (or, in Thai, any place) starting with a query word, compared folded; "…" marks a cut.
 */
export function snippet(text: string, ws: string[], width = 120): SnippetPart[] {
  const flat = text.replace(/\s+/g, ' ').trim()
  // Fold character by character so a position in the folded text is one in the original.
  const chars = [...flat]
  const folded = chars.map((ch) => fold(ch))
  const ranges: [number, number][] = []
  for (let i = 0; i < chars.length; i++) {
    const prev = chars[i - 1] ?? ' '
    const starts = !/[\p{L}\p{M}\p{N}]/u.test(prev) || thai.test(chars[i])
    if (!starts) continue
    for (const w of ws) {
      let j = i
      let k = 0
      let acc = ''
      while (j < chars.length && acc.length < w.length) {
        acc += folded[j]
        j++
        k++
      }
      if (k > 0 && acc.startsWith(w)) {
        ranges.push([i, j])
        break
      }
    }
  }
  const first = ranges[0]?.[0] ?? 0
  const start = Math.max(0, Math.min(first - Math.floor(width / 3), chars.length - width))
  const end = Math.min(chars.length, start + width)
  const parts: SnippetPart[] = []
  const push = (from: number, to: number, hit: boolean) => {
    if (to <= from) return
    const piece = chars.slice(from, to).join('')
    const last = parts[parts.length - 1]
    if (last && last.hit === hit) last.text += piece
    else parts.push({ text: piece, hit })
  }
  if (start > 0) parts.push({ text: '…', hit: false })
  let at = start
  for (const [a, b] of ranges) {
    if (b <= at || a >= end) continue
    push(at, Math.max(at, a), false)
    push(Math.max(at, a), Math.min(b, end), true)
    at = Math.min(b, end)
  }
  push(at, end, false)
  if (end < chars.length) {
    const last = parts[parts.length - 1]
    if (last && !last.hit) last.text += '…'
    else parts.push({ text: '…', hit: false })
  }
  return parts
}
