import { stringify } from 'csv-stringify'
import { Type } from 'typebox'
import {
  addSuppressions,
  allSuppressions,
  getKeywords,
  listSuppressions,
  normalisePhones,
  removeSuppressions,
  setKeywords,
} from '../../../campaigns/suppressions.ts'
import { tenantById } from '../../../channels/tenants-repo.ts'
import { WahubError } from '../../../errors.ts'
import { actorOfRequest, principalOf } from '../../auth.ts'
import { presentSuppression, SuppressionSchema } from '../../presenters/campaign.ts'
import { commonErrors, NoContent } from '../../presenters/schema-helpers.ts'
import { TenantQuery, tenantOf } from '../../tenant-scope.ts'
import { routes } from '../plugin.ts'

// The tenant's suppression list (issue 18, docs/CAMPAIGNS.md): read (or download as CSV), add,
// remove, and the opt-out keywords per language.

const tags = ['campaigns']
const read = { access: { scope: 'read', tenant: 'any' } } as const
const write = { access: { scope: 'send', tenant: 'any' } } as const

const Phones = Type.Array(Type.String({ minLength: 3, maxLength: 40, examples: ['+34 612 345 678'] }), {
  minItems: 1,
  maxItems: 10_000,
  description: 'Phone numbers, with + and country code or national for the tenant’s default country',
})
const Keywords = Type.Record(
  Type.String({ minLength: 2, maxLength: 10, pattern: '^[a-z]{2,3}(-[A-Za-z]{2,4})?$' }),
  Type.Array(Type.String({ minLength: 1, maxLength: 40 }), { maxItems: 50 }),
  { maxProperties: 20, description: 'Language → keywords; a reply that is only one of them opts out' },
)

export const suppressionRoutes = routes(async (app, { handle: { db } }) => {
  app.get(
    '/suppressions',
    {
      config: read,
      schema: {
        tags,
        summary: 'The suppression list, newest first (format=csv: all of it as a file)',
        querystring: Type.Object({
          ...TenantQuery.properties,
          limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 500, default: 100 })),
          before: Type.Optional(Type.String({ maxLength: 100, description: 'The previous page’s `next`' })),
          phone: Type.Optional(Type.String({ maxLength: 40, description: 'Only this number' })),
          format: Type.Optional(Type.Union([Type.Literal('json'), Type.Literal('csv')])),
        }),
        response: {
          200: Type.Object({
            suppressions: Type.Array(SuppressionSchema),
            next: Type.Union([Type.Null(), Type.String()]),
            total: Type.Integer(),
          }),
          ...commonErrors,
        },
      },
    },
    async (req, reply) => {
      const tenantId = tenantOf(req, req.query.tenant_id)
      if (req.query.format === 'csv') {
        const csv = stringify({
          header: true,
          columns: ['wa_id', 'source', 'detail', 'message_id', 'created_at'],
        })
        reply
          .header('content-type', 'text/csv; charset=utf-8')
          .header('content-disposition', 'attachment; filename="wahub-suppressions.csv"')
        ;(async () => {
          try {
            for await (const s of allSuppressions(db, tenantId)) {
              const row = [
                s.waId,
                s.source,
                s.detail ?? '',
                s.messageId ?? '',
                new Date(s.createdAt).toISOString(),
              ]
              if (!csv.write(row)) await new Promise((r) => csv.once('drain', r))
            }
            csv.end()
          } catch (err) {
            csv.destroy(err as Error)
          }
        })()
        return reply.send(csv as never)
      }
      const tenant = await tenantById(db, tenantId)
      const waId = req.query.phone
        ? normalisePhones([req.query.phone], tenant?.default_country ?? null, 'phone')[0]
        : undefined
      const page = await listSuppressions(db, tenantId, {
        limit: req.query.limit ?? 100,
        before: req.query.before,
        waId,
      })
      return { ...page, suppressions: page.suppressions.map(presentSuppression) }
    },
  )

  app.post(
    '/suppressions',
    {
      config: write,
      schema: {
        tags,
        summary: 'Add numbers to the suppression list (campaigns skip them)',
        querystring: TenantQuery,
        body: Type.Object(
          { phones: Phones, note: Type.Optional(Type.String({ maxLength: 200 })) },
          { additionalProperties: false },
        ),
        response: { 200: Type.Object({ added: Type.Integer(), already: Type.Integer() }), ...commonErrors },
      },
    },
    async (req) => {
      const tenantId = tenantOf(req, req.query.tenant_id)
      const tenant = await tenantById(db, tenantId)
      const waIds = normalisePhones(req.body.phones, tenant?.default_country ?? null, 'phones')
      const source = principalOf(req).kind === 'user' ? 'dashboard' : 'api'
      return addSuppressions(db, tenantId, waIds, { source, detail: req.body.note ?? actorOfRequest(req) })
    },
  )

  app.delete(
    '/suppressions/:phone',
    {
      config: write,
      schema: {
        tags,
        summary:
          'Take a number off the suppression list (only when the customer asked to hear from you again)',
        params: Type.Object({ phone: Type.String({ minLength: 1, maxLength: 40 }) }),
        querystring: TenantQuery,
        response: { 204: NoContent, ...commonErrors },
      },
    },
    async (req, reply) => {
      const tenantId = tenantOf(req, req.query.tenant_id)
      const tenant = await tenantById(db, tenantId)
      // Not a phone number: then certainly not on the list.
      let waId: string
      try {
        ;[waId] = normalisePhones([req.params.phone], tenant?.default_country ?? null, 'phone')
      } catch {
        throw new WahubError('not_found', `${req.params.phone} is not on the suppression list.`)
      }
      if ((await removeSuppressions(db, tenantId, [waId])) === 0)
        throw new WahubError('not_found', `${req.params.phone} is not on the suppression list.`)
      return reply.code(204).send(null)
    },
  )

  app.get(
    '/suppressions/keywords',
    {
      config: read,
      schema: {
        tags,
        summary: 'The opt-out keywords per language',
        querystring: TenantQuery,
        response: { 200: Type.Object({ keywords: Keywords }), ...commonErrors },
      },
    },
    async (req) => ({ keywords: await getKeywords(db, tenantOf(req, req.query.tenant_id)) }),
  )

  app.put(
    '/suppressions/keywords',
    {
      config: write,
      schema: {
        tags,
        summary: 'Replace the opt-out keywords (Meta’s “Stop promotions” button always opts out)',
        querystring: TenantQuery,
        body: Type.Object({ keywords: Keywords }, { additionalProperties: false }),
        response: { 200: Type.Object({ keywords: Keywords }), ...commonErrors },
      },
    },
    async (req) => ({
      keywords: await setKeywords(db, tenantOf(req, req.query.tenant_id), req.body.keywords),
    }),
  )
})
