import assert from 'node:assert/strict'
import { after, before, describe, test } from 'node:test'
import { testDbKind } from '../helpers/db.ts'
import {
  customerWrites,
  joao,
  lucia,
  type SendWorld,
  sendOk,
  startSendWorld,
  waitStatus,
} from '../messaging/helpers.ts'

// Time to first response and to resolution from the team inbox's status changes, and opt-outs
// (decision 0047): after a scripted run — customers writing, the business answering, agents
// resolving, a conversation reopened by the customer — the figures equal a computation from the
// raw rows (messages and the conversations' status lines), done here independently.

type Figures = Record<string, number | null>

describe(`analytics: first response, resolution and opt-outs (${testDbKind})`, () => {
  let w: SendWorld

  async function conversationOf(waId: string): Promise<string> {
    const row = await w.h.db.db
      .selectFrom('conversations as c')
      .innerJoin('contacts as k', 'k.id', 'c.contact_id')
      .select('c.id')
      .where('k.wa_id', '=', waId)
      .where('c.tenant_id', '=', w.seed.acme.id)
      .executeTakeFirstOrThrow()
    return row.id
  }

  async function setStatus(waId: string, status: string) {
    const id = await conversationOf(waId)
    const res = await w.h.api('POST', `/api/v1/conversations/${id}/status`, { key: w.key, body: { status } })
    assert.equal(res.status, 200, `setting ${waId}'s conversation ${status}: ${res.text}`)
  }

  const answers: string[] = []
  async function answer(waId: string, body: string) {
    answers.push((await sendOk(w, { to: waId, type: 'text', text: { body } })).id)
  }

  before(async () => {
    w = await startSendWorld()
    // Lucía: asks, gets two answers (the first counts), is resolved; asks again, answered, resolved.
    await customerWrites(w, lucia, w.pnid, 'hola, ¿tienen pan sin gluten?')
    await answer(lucia, 'Sí, todos los días')
    await answer(lucia, '¿Algo más?')
    await setStatus(lucia, 'resolved')
    await customerWrites(w, lucia, w.pnid, 'otra pregunta')
    await answer(lucia, 'Dígame')
    await setStatus(lucia, 'resolved')
    // João: opts out and is resolved without an answer; a sentence merely containing "stop" is
    // not an opt-out.
    await customerWrites(w, joao, w.pnid, 'STOP')
    await customerWrites(w, joao, w.pnid, 'please stop the noise outside your shop')
    await setStatus(joao, 'resolved')
    // The emulator reports each answer delivered, then read, a moment after the send: the fold
    // waits for the last status, or a later fold would count one the first had not seen.
    for (const id of answers) await waitStatus(w, id, 'read')
    await w.h.wahub.rollups?.foldNow()
  })
  after(async () => {
    await w.h.close()
  })

  /** Episodes from the raw rows: the customer's first message after the last resolution opens one. */
  async function fromRawRows() {
    const db = w.h.db.db
    const messages = await db
      .selectFrom('messages')
      .select(['conversation_id', 'direction', 'created_at'])
      .where('tenant_id', '=', w.seed.acme.id)
      .execute()
    const resolutions = (
      await db
        .selectFrom('conversation_activity')
        .select(['conversation_id', 'data', 'created_at'])
        .where('kind', '=', 'status')
        .where('tenant_id', '=', w.seed.acme.id)
        .execute()
    ).filter((a) => (JSON.parse(String(a.data)) as { status: string }).status === 'resolved')
    type Ev = { conversation: string; at: number; kind: 'in' | 'out' | 'resolved' }
    const events: Ev[] = [
      ...messages.map((m) => ({
        conversation: m.conversation_id,
        at: Number(m.created_at),
        kind: m.direction,
      })),
      ...resolutions.map((r) => ({
        conversation: r.conversation_id,
        at: Number(r.created_at),
        kind: 'resolved' as const,
      })),
    ].sort((a, b) => a.at - b.at)
    const open = new Map<string, { opened: number; answered: boolean }>()
    const firsts: number[] = []
    const resolved: number[] = []
    for (const e of events) {
      const episode = open.get(e.conversation)
      if (e.kind === 'in' && !episode) open.set(e.conversation, { opened: e.at, answered: false })
      if (e.kind === 'out' && episode && !episode.answered) {
        episode.answered = true
        firsts.push(e.at - episode.opened)
      }
      if (e.kind === 'resolved') {
        if (episode) resolved.push(e.at - episode.opened)
        open.delete(e.conversation)
      }
    }
    const mean = (l: number[]) => (l.length ? l.reduce((a, b) => a + b, 0) / l.length / 1000 : null)
    return {
      firstResponses: firsts.length,
      avgFirstResponseSeconds: mean(firsts),
      resolutions: resolved.length,
      avgResolutionSeconds: mean(resolved),
    }
  }

  async function figures(query = ''): Promise<Figures> {
    const res = await w.h.api('GET', `/api/v1/analytics/summary${query}`, { key: w.key })
    assert.equal(res.status, 200, res.text)
    return (res.body as { figures: Figures }).figures
  }

  test('first responses and resolutions equal the episodes of the raw rows', async () => {
    const raw = await fromRawRows()
    assert.deepEqual(
      [raw.firstResponses, raw.resolutions],
      [2, 3],
      'the script: Lucía answered twice (one episode each), João never; three resolutions',
    )
    const f = await figures()
    const close = (a: number | null, b: number | null) => a !== null && b !== null && Math.abs(a - b) < 1e-6
    assert.equal(f.firstResponses, raw.firstResponses, 'first responses counted')
    assert.equal(f.resolutions, raw.resolutions, 'resolutions counted')
    assert.ok(
      close(f.avgFirstResponseSeconds, raw.avgFirstResponseSeconds),
      `mean time to first response: API ${f.avgFirstResponseSeconds} s, raw rows ${raw.avgFirstResponseSeconds} s`,
    )
    assert.ok(
      close(f.avgResolutionSeconds, raw.avgResolutionSeconds),
      `mean time to resolution: API ${f.avgResolutionSeconds} s, raw rows ${raw.avgResolutionSeconds} s`,
    )
  })

  test('opt-outs count replies that are only a STOP word', async () => {
    const f = await figures()
    assert.equal(f.optOuts, 1, 'João\'s "STOP" counts; his sentence with "stop" in it does not')
    const outbound = await figures('?direction=out')
    assert.equal(outbound.optOuts, 0, 'opt-outs are inbound messages')
  })

  test('folding again changes nothing; whole days read the daily marginals and agree', async () => {
    const before = await figures()
    await w.h.wahub.rollups?.foldNow()
    assert.deepEqual(await figures(), before, 'a second fold counted something twice')
    const today = new Date().toISOString().slice(0, 10)
    const tomorrow = new Date(Date.now() + 86_400_000).toISOString().slice(0, 10)
    assert.deepEqual(
      await figures(`?from=${today}&to=${tomorrow}`),
      before,
      'daily marginals vs hourly buckets',
    )
  })
})
