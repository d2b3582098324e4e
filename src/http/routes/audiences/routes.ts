import type { Readable } from 'node:stream'
import { Type } from 'typebox'
import {
  type Audience,
  audienceFromFilter,
  getAudience,
  listAudiences,
  readCsv,
  readInline,
  removeAudience,
  saveAudience,
} from '../../../campaigns/audiences.ts'
import { tenantById } from '../../../channels/tenants-repo.ts'
import { WahubError } from '../../../errors.ts'
import { AudienceSchema, presentAudience } from '../../presenters/campaign.ts'
import { commonErrors, IdParams, NoContent } from '../../presenters/schema-helpers.ts'
import { TenantQuery, tenantOf } from '../../tenant-scope.ts'
import { routes } from '../plugin.ts'

// Audiences (issue 18, docs/CAMPAIGNS.md): a CSV streamed in (text/csv body), contacts chosen by
// label / attribute, or a list in the JSON body. Each is a snapshot.

const tags = ['campaigns']
const read = { access: { scope: 'read', tenant: 'any' } } as const
const write = { access: { scope: 'send', tenant: 'any' } } as const
const Name = Type.String({ minLength: 1, maxLength: 100, examples: ['December regulars'] })
const Attributes = Type.Record(
  Type.String({ minLength: 1, maxLength: 50 }),
  Type.String({ maxLength: 500 }),
  { maxProperties: 50 },
)

export const audienceRoutes = routes(async (app, { handle }) => {
  const { db } = handle
  // The CSV is read as it arrives (STYLE: parsers stay encapsulated in this plugin).
  app.addContentTypeParser(['text/csv', 'application/csv'], (_req, payload, done) => done(null, payload))

  app.get(
    '/audiences',
    {
      config: read,
      schema: {
        tags,
        summary: "The tenant's audiences, newest first",
        querystring: TenantQuery,
        response: { 200: Type.Object({ audiences: Type.Array(AudienceSchema) }), ...commonErrors },
      },
    },
    async (req) => ({
      audiences: (await listAudiences(db, tenantOf(req, req.query.tenant_id))).map(presentAudience),
    }),
  )

  app.get(
    '/audiences/:id',
    {
      config: read,
      schema: {
        tags,
        summary: 'An audience with its rejected rows',
        params: IdParams,
        querystring: TenantQuery,
        response: { 200: AudienceSchema, ...commonErrors },
      },
    },
    async (req) => presentAudience(await getAudience(db, tenantOf(req, req.query.tenant_id), req.params.id)),
  )

  app.post(
    '/audiences/import',
    {
      config: write,
      bodyLimit: 64 * 1024 * 1024,
      schema: {
        tags,
        summary:
          'Import a CSV (Content-Type: text/csv; first line the column names, one of them the phone; the others become contact attributes)',
        consumes: ['text/csv'],
        querystring: Type.Object({
          ...TenantQuery.properties,
          name: Name,
          phone_column: Type.Optional(
            Type.String({
              minLength: 1,
              maxLength: 50,
              description: 'Default: phone, wa_id, whatsapp, mobile or number',
            }),
          ),
        }),
        response: { 201: AudienceSchema, ...commonErrors },
      },
    },
    async (req, reply) => {
      const tenantId = tenantOf(req, req.query.tenant_id)
      const body = req.body as Readable | undefined
      if (!body || typeof (body as Readable).pipe !== 'function')
        throw new WahubError('validation_failed', 'body: send the CSV with Content-Type: text/csv.', [
          { field: 'body', problem: 'not text/csv' },
        ])
      const tenant = await tenantById(db, tenantId)
      const { collector, columns } = await readCsv(body, {
        defaultCountry: tenant?.default_country ?? null,
        phoneColumn: req.query.phone_column,
      })
      const audience = await saveAudience(handle, tenantId, {
        name: req.query.name,
        source: 'csv',
        collector,
        columns,
      })
      return reply.code(201).send(presentAudience(audience))
    },
  )

  app.post(
    '/audiences',
    {
      config: write,
      schema: {
        tags,
        summary:
          'Make an audience from a list (recipients) or from the contacts with labels / attributes (filter)',
        querystring: TenantQuery,
        body: Type.Object(
          {
            name: Name,
            recipients: Type.Optional(
              Type.Array(
                Type.Object(
                  {
                    phone: Type.String({ minLength: 3, maxLength: 40 }),
                    attributes: Type.Optional(Attributes),
                  },
                  { additionalProperties: false },
                ),
                { minItems: 1, maxItems: 10_000 },
              ),
            ),
            filter: Type.Optional(
              Type.Object(
                {
                  labels: Type.Optional(
                    Type.Array(Type.String({ minLength: 1, maxLength: 100 }), { maxItems: 20 }),
                  ),
                  attributes: Type.Optional(Attributes),
                },
                { additionalProperties: false },
              ),
            ),
          },
          { additionalProperties: false },
        ),
        response: { 201: AudienceSchema, ...commonErrors },
      },
    },
    async (req, reply) => {
      const tenantId = tenantOf(req, req.query.tenant_id)
      const { name, recipients, filter } = req.body
      if ((recipients === undefined) === (filter === undefined))
        throw new WahubError(
          'validation_failed',
          'Give either recipients (a list) or filter (labels / attributes).',
          [
            {
              field: recipients ? 'filter' : 'recipients',
              problem: recipients ? 'not with recipients' : 'one of recipients or filter is required',
            },
          ],
        )
      let audience: Audience
      if (recipients) {
        const tenant = await tenantById(db, tenantId)
        const { collector, columns } = readInline(recipients, tenant?.default_country ?? null)
        audience = await saveAudience(handle, tenantId, { name, source: 'inline', collector, columns })
      } else {
        audience = await audienceFromFilter(handle, tenantId, {
          name,
          labels: filter?.labels,
          attributes: filter?.attributes,
        })
      }
      return reply.code(201).send(presentAudience(audience))
    },
  )

  app.delete(
    '/audiences/:id',
    {
      config: write,
      schema: {
        tags,
        summary: 'Remove an audience no campaign uses',
        params: IdParams,
        querystring: TenantQuery,
        response: { 204: NoContent, ...commonErrors },
      },
    },
    async (req, reply) => {
      await removeAudience(db, tenantOf(req, req.query.tenant_id), req.params.id)
      return reply.code(204).send(null)
    },
  )
})
