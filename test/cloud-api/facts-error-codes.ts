// Reads ../shared/cloud-api/FACTS.md and lists every Meta error code it mentions, so the
// catalogue test fails the day FACTS gains a code the catalogue does not explain.
//
// Where codes appear in FACTS, and how each place is read:
//  1. §3.2 table rows: first cell is a code ("131047"), a slash list ("134100/134101/134102"),
//     a range ("200–299") or a code with prose ("2388019 etc."); third cell is the HTTP status
//     (M-ERR-OLD), pairwise for slash lists ("400/400/500"), "—" when not listed.
//  2. anywhere: WhatsApp codes 13xxxx, 80007 and 2388xxx written out in prose or JSON.
//  3. anywhere: `code 803`, `"code": 131051`, `(#130429)` (never `subcode`/`error_subcode`).
//  4. anywhere outside the table: slash lists of codes ("17/32/613/341", "10/200-299/368").
//  5. anywhere: families written as "138xxx".
//  6. §7: the HTTP status line "401 for 0/190, 403 for 10/200-299/…".
import { readFileSync } from 'node:fs'

export const factsPath = new URL('../../../shared/cloud-api/FACTS.md', import.meta.url)

export type FactsRange = { from: number; to: number; where: string }

export type FactsErrorCodes = {
  /** code → where it was seen first (for failure messages). */
  codes: Map<number, string>
  ranges: FactsRange[]
  /** code → HTTP status from the §3.2 table (M-ERR-OLD) or the §7 line; only where listed. */
  httpStatus: Map<number, { status: number; where: string }>
}

export function readFactsErrorCodes(text = readFileSync(factsPath, 'utf8')): FactsErrorCodes {
  const found: FactsErrorCodes = { codes: new Map(), ranges: [], httpStatus: new Map() }
  const addCode = (code: number, where: string) => {
    if (!found.codes.has(code)) found.codes.set(code, where)
  }
  const addRange = (from: number, to: number, where: string) => found.ranges.push({ from, to, where })
  const addItem = (item: string, where: string) => {
    const range = /^(\d+)\s*[–-]\s*(\d+)$/.exec(item)
    if (range) addRange(Number(range[1]), Number(range[2]), where)
    else if (/^\d+$/.test(item)) addCode(Number(item), where)
  }

  const lines = text.split('\n')
  const tableStart = lines.findIndex((l) => l.startsWith('### 3.2'))
  if (tableStart < 0) throw new Error('FACTS.md has no "### 3.2" section: the extractor needs updating')
  let inTable = false
  lines.forEach((line, i) => {
    const where = `FACTS.md:${i + 1}`
    if (i > tableStart && line.startsWith('| ')) inTable = true
    else if (inTable && !line.startsWith('|')) inTable = false
    const tableRow = inTable && i > tableStart && /^\| *\d/.test(line)
    if (tableRow) readTableRow(line, where)
    else
      for (const list of line.matchAll(/\b\d+(?:-\d+)?(?:\/\d+(?:-\d+)?)+\b/g)) readSlashList(list[0], where)
    for (const m of line.matchAll(/\b(13\d{4}|80007|2388\d{3})\b/g)) addCode(Number(m[1]), where)
    for (const m of line.matchAll(/\bcode"?\s*:?\s*(\d+)/g)) addCode(Number(m[1]), where)
    for (const m of line.matchAll(/\(#(\d+)\)/g)) addCode(Number(m[1]), where)
    for (const m of line.matchAll(/\b(\d+)xxx\b/g))
      addRange(Number(m[1]) * 1000, Number(m[1]) * 1000 + 999, where)
    for (const m of line.matchAll(/\b([45]\d\d) for (\d+(?:-\d+)?(?:\/\d+(?:-\d+)?)*)/g)) {
      for (const item of m[2].split('/')) {
        if (/^\d+$/.test(item)) found.httpStatus.set(Number(item), { status: Number(m[1]), where })
      }
    }
  })
  return found

  function readTableRow(line: string, where: string) {
    const cells = line.split('|').map((c) => c.trim())
    const codeCell = cells[1]
    const httpCell = cells[3] ?? ''
    const items = codeCell
      .replace(/\s+etc\.?$/, '')
      .split('/')
      .map((s) => s.trim())
    const statuses = /^\d{3}(?:\/\d{3})*/.exec(httpCell)?.[0].split('/').map(Number) ?? []
    items.forEach((item, k) => {
      addItem(item, where)
      const status = statuses.length === items.length ? statuses[k] : statuses.length === 1 ? statuses[0] : 0
      if (status && /^\d+$/.test(item)) found.httpStatus.set(Number(item), { status, where })
    })
  }

  function readSlashList(list: string, where: string) {
    for (const item of list.split('/')) addItem(item, where)
  }
}
