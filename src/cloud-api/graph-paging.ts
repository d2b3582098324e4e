// Follows Graph cursor paging to the end of a list (phone numbers, templates).
import type { GraphList } from './wire-common.ts'

// A guard against a server that keeps answering "more": 200 pages of 25+ items is far beyond a
// WABA's 250 templates or its phone numbers.
const maxPages = 200

/**
 * `fetchPage(after)` loads one page. Graph signals more with `paging.next`; OAS examples show only
 * `paging.cursors.after`, so a page with items and a NEW `after` cursor is followed too, and an
 * empty page or a repeated cursor ends the list. The `next` URL itself is never fetched: it
 * could point anywhere, and the token must only go to the target's base URL.
 */
export async function collectPages<T>(
  fetchPage: (after: string | undefined) => Promise<GraphList<T>>,
): Promise<T[]> {
  const items: T[] = []
  const seen = new Set<string>()
  let after: string | undefined
  for (let page = 0; page < maxPages; page++) {
    const list = await fetchPage(after)
    const data = Array.isArray(list.data) ? list.data : []
    items.push(...data)
    const next = list.paging?.cursors?.after ?? cursorFromNext(list.paging?.next)
    if (data.length === 0 || !next || seen.has(next)) return items
    seen.add(next)
    after = next
  }
  return items
}

function cursorFromNext(next: string | undefined): string | undefined {
  if (!next) return undefined
  try {
    return new URL(next).searchParams.get('after') ?? undefined
  } catch {
    return undefined
  }
}
