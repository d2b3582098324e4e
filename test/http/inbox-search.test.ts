import assert from 'node:assert/strict'
import { after, before, describe, test } from 'node:test'
import { backfillSearchStep } from '../../src/inbox/search-backfill.ts'
import { indexMessages, searchHitCap } from '../../src/inbox/search-repo.ts'
import { testDbKind } from '../helpers/db.ts'
import { type Harness, type Onboarded, onboardSeed, startHarness } from '../helpers/harness.ts'
import { waitFor } from '../helpers/wait.ts'

// Full-text search of the inbox (docs/TEAM-INBOX.md "Search", decision 0057): GET
// /api/v1/conversations?q= finds conversations by the text of their messages (inbound, sent,
// captions, sent templates as rendered) and by their contact, in Spanish, Portuguese and Thai,
// with a snippet whose hits are marked as data, never as HTML — and only in the caller's tenant.

type Part = { text: string; hit: boolean }
type Found = {
  id: string
  tenantId: string
  contact: { waId: string | null; name: string | null }
  match?: { messageId: string | null; snippet: Part[] }
}
type Page = { conversations: Found[]; nextCursor: string | null; searchCapped?: boolean }

describe(`inbox search (${testDbKind})`, () => {
  let h: Harness
  let seed: Onboarded
  const lucia = '34612345678'
  const joao = '551187654321'

  const search = async (q: string, key = seed.acme.key): Promise<Page> => {
    const res = await h.api('GET', `/api/v1/conversations?q=${encodeURIComponent(q)}`, { key })
    assert.equal(res.status, 200, `search ${q}: ${res.text}`)
    return res.body as Page
  }
  const hits = (p: Found) => (p.match?.snippet ?? []).filter((s) => s.hit).map((s) => s.text)

  before(async () => {
    h = await startHarness()
    seed = await onboardSeed(h)
    const acme = seed.acme.phoneNumberId
    const globex = seed.globex.phoneNumberId
    const says = (who: string, message: Record<string, unknown>, phoneNumberId: string) =>
      h.emulator.control.customerSends(who, message, { phoneNumberId }).id
    says(lucia, { type: 'text', text: { body: '¿Cuándo llega mi REEMBOLSÓ del pedido 4471?' } }, acme)
    says(lucia, { type: 'image', image: { caption: 'factura de marzo <b>urgente</b>' } }, acme)
    says(joao, { type: 'text', text: { body: 'Não recebi a minha encomenda' } }, acme)
    says(joao, { type: 'text', text: { body: 'สวัสดีค่ะ ต้องการคืนเงินค่ะ' } }, acme)
    says(lucia, { type: 'text', text: { body: 'reembolso secreto de globex, palabra zorzal' } }, globex)
    await waitFor('the five messages stored', async () => {
      const n = await h.db.db
        .selectFrom('messages')
        .select((eb) => eb.fn.countAll().as('n'))
        .executeTakeFirst()
      return Number(n?.n) >= 5
    })
  })
  after(async () => {
    await h.close()
  })

  test('a word finds the conversation, with the matching message and its hit marked', async () => {
    const page = await search('reembolso')
    assert.equal(page.conversations.length, 1, 'one acme conversation says reembolso')
    const [c] = page.conversations
    assert.equal(c.contact.waId, lucia)
    assert.ok(c.match?.messageId, 'the match names the message')
    assert.deepEqual(hits(c), ['REEMBOLSÓ'], 'the hit is the word as written, accent and case kept')
    assert.equal(
      c.match?.snippet.map((p) => p.text).join(''),
      '¿Cuándo llega mi REEMBOLSÓ del pedido 4471?',
      'the snippet is the text as written',
    )
    assert.equal(page.searchCapped, false)
  })

  test('accents and case do not matter, words match by their start, all words are required', async () => {
    assert.equal((await search('cuando')).conversations.length, 1, '"cuando" finds "¿Cuándo"')
    assert.equal((await search('NAO')).conversations[0]?.contact.waId, joao, '"NAO" finds "Não"')
    assert.equal((await search('reemb')).conversations.length, 1, 'a prefix finds the word')
    assert.equal((await search('reembolso encomenda')).conversations.length, 0, 'both words in one message')
    assert.equal((await search('!!!')).conversations.length > 0, true, 'punctuation alone does not filter')
  })

  test('Thai text is found by a word inside a sentence written without spaces', async () => {
    const page = await search('คืนเงิน')
    assert.equal(page.conversations.length, 1, 'คืนเงิน (refund) is found in ต้องการคืนเงินค่ะ')
    assert.equal(page.conversations[0].contact.waId, joao)
    assert.deepEqual(hits(page.conversations[0]), ['คืนเงิน'])
  })

  test('a caption is searchable and markup in it comes back as plain text', async () => {
    const page = await search('factura')
    assert.equal(page.conversations.length, 1)
    const text = page.conversations[0].match?.snippet.map((p) => p.text).join('')
    assert.equal(text, 'factura de marzo <b>urgente</b>', 'the snippet carries the text, not HTML to inject')
  })

  test('a sent template is found by the text the customer read', async () => {
    const res = await h.api('POST', '/api/v1/messages', {
      key: seed.acme.key,
      body: {
        to: lucia,
        type: 'template',
        template: {
          name: 'appointment_reminder',
          language: 'en_US',
          components: [
            {
              type: 'body',
              parameters: [
                { type: 'text', parameter_name: 'customer_name', text: 'Lucía' },
                { type: 'text', parameter_name: 'date', text: 'Thursday' },
              ],
            },
          ],
        },
      },
    })
    assert.equal(res.status, 202, res.text)
    const page = await search('thursday')
    assert.equal(page.conversations.length, 1, 'the rendered template holds "Thursday"')
    assert.equal(
      page.conversations[0].match?.snippet.map((p) => p.text).join(''),
      'Hi Lucía, see you on Thursday.',
    )
  })

  test("the contact's name and any part of its number find the conversation", async () => {
    const byName = await search('lucia garcia')
    assert.equal(byName.conversations[0]?.contact.waId, lucia, 'the profile name, accents folded')
    assert.equal(byName.conversations[0]?.match?.messageId, null, 'a contact match names no message')
    const byDigits = await search(lucia.slice(-6))
    assert.equal(byDigits.conversations[0]?.contact.waId, lucia, 'the last digits of the number')
    assert.deepEqual(hits(byDigits.conversations[0]), [lucia.slice(-6)])
    const national = await search('612 345')
    assert.equal(national.conversations[0]?.contact.waId, lucia, 'the number as typed with a space')
  })

  test("a tenant never finds another tenant's text; each finds its own", async () => {
    assert.equal((await search('zorzal')).conversations.length, 0, "acme found globex's message")
    const own = await search('zorzal', seed.globex.key)
    assert.equal(own.conversations.length, 1, 'globex finds its own message')
    assert.equal(own.conversations[0].tenantId, seed.globex.id)
    const reembolso = await search('reembolso', seed.globex.key)
    assert.ok(
      reembolso.conversations.every((c) => c.tenantId === seed.globex.id),
      "globex's search returned an acme conversation",
    )
  })

  test('results come a page at a time, most recent activity first, none twice', async () => {
    const all = await search('m') // "mi", "marzo" (Lucía) and "minha" (João)
    assert.equal(all.conversations.length, 2)
    const seen: string[] = []
    let cursor: string | null = null
    do {
      const res = await h.api(
        'GET',
        `/api/v1/conversations?q=m&limit=1${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`,
        { key: seed.acme.key },
      )
      assert.equal(res.status, 200, res.text)
      const page = res.body as Page
      seen.push(...page.conversations.map((c) => c.id))
      cursor = page.nextCursor
    } while (cursor && seen.length < 5)
    assert.deepEqual(
      seen,
      all.conversations.map((c) => c.id),
      'the pages hold the list in its order',
    )
  })

  test('a word in more messages than the cap: the newest hits answer and the list says so', async () => {
    const c = await h.db.db
      .selectFrom('conversations as c')
      .innerJoin('contacts as ct', 'ct.id', 'c.contact_id')
      .select(['c.id', 'c.contact_id', 'c.tenant_id'])
      .where('ct.wa_id', '=', joao)
      .where('c.tenant_id', '=', seed.acme.id)
      .executeTakeFirstOrThrow()
    await indexMessages(
      h.db.db,
      Array.from({ length: searchHitCap + 1 }, (_, i) => ({
        id: `msg_capped_${i}`,
        tenantId: c.tenant_id,
        conversationId: c.id,
        contactId: c.contact_id,
        content: { type: 'text', text: { body: `zumbido número ${i}` } },
      })),
    )
    for (const q of ['zumbido', 'zumb']) {
      const page = await search(q)
      assert.equal(page.searchCapped, true, `${q}: capped`)
      assert.deepEqual(
        page.conversations.map((x) => x.contact.waId),
        [joao],
        `${q}: the conversation of the hits`,
      )
    }
    const rare = await search(`zumbido ${searchHitCap}`)
    assert.equal(rare.searchCapped, false, 'two words found together once are read whole')
    assert.equal(rare.conversations.length, 1)
    await h.db.db.deleteFrom('search_docs').where('message_id', 'like', 'msg_capped_%').execute()
  })

  test('messages stored before search existed are indexed by the backfill', async () => {
    await h.db.db.deleteFrom('search_docs').execute()
    assert.equal((await search('factura')).conversations.length, 0, 'the index was emptied')
    let at: Parameters<typeof backfillSearchStep>[1] | undefined = {}
    for (let i = 0; i < 100 && at; i++) at = await backfillSearchStep(h.db.db, at)
    assert.equal(at, undefined, 'the backfill finished')
    assert.equal((await search('factura')).conversations.length, 1, 'the caption is found again')
    assert.equal((await search('lucia')).conversations.length >= 1, true, 'the contact is found again')
  })

  test('a query over 100 characters is refused naming q', async () => {
    const res = await h.api('GET', `/api/v1/conversations?q=${'a'.repeat(101)}`, { key: seed.acme.key })
    assert.equal(res.status, 400, res.text)
    assert.match(res.text, /q/, 'the answer names the field')
  })
})
