import { Type } from 'typebox'
import { blockContact } from '../../../inbox/contact-block.ts'
import { getContactPanel, updateContact } from '../../../inbox/contact-panel.ts'
import { readScopeOf } from '../../auth.ts'
import { BlockResultSchema, ContactSchema, presentContact } from '../../presenters/contact.ts'
import { commonErrors, IdParams, Nullable } from '../../presenters/schema-helpers.ts'
import { channelsOf } from '../admin/context.ts'
import { routes } from '../plugin.ts'

// The contact panel (SPEC §13): read, rename, custom attributes, block / unblock with Meta.

const tags = ['inbox']
const read = { access: { scope: 'read', tenant: 'any' } } as const
const write = { access: { scope: 'send', tenant: 'any' } } as const

export const contactRoutes = routes(async (app, deps) => {
  const { db } = deps.handle

  app.get(
    '/contacts/:id',
    {
      config: read,
      schema: {
        tags,
        summary: 'A contact: names, ids, number history, attributes, blocked, conversations on every number',
        params: IdParams,
        response: { 200: ContactSchema, ...commonErrors },
      },
    },
    async (req) => presentContact(await getContactPanel(db, readScopeOf(req, undefined), req.params.id)),
  )

  app.patch(
    '/contacts/:id',
    {
      config: write,
      schema: {
        tags,
        summary:
          'Rename a contact (null: back to the WhatsApp profile name) or set attributes (null removes one)',
        params: IdParams,
        body: Type.Object(
          {
            name: Type.Optional(Nullable(Type.String({ maxLength: 100 }))),
            attributes: Type.Optional(
              Type.Record(
                Type.String({ minLength: 1, maxLength: 50, pattern: '^[^\\u0000-\\u001f]+$' }),
                Nullable(Type.String({ maxLength: 500 })),
                { maxProperties: 50 },
              ),
            ),
          },
          { additionalProperties: false },
        ),
        response: { 200: ContactSchema, ...commonErrors },
      },
    },
    async (req) =>
      presentContact(await updateContact(db, readScopeOf(req, undefined), req.params.id, req.body)),
  )

  for (const action of ['block', 'unblock'] as const) {
    app.post(
      `/contacts/:id/${action}`,
      {
        config: write,
        schema: {
          tags,
          summary:
            action === 'block'
              ? 'Block the contact with Meta on every tenant number they wrote to (only within 24 h of their last message)'
              : 'Unblock the contact with Meta on every tenant number they wrote to',
          params: IdParams,
          response: {
            200: Type.Object({ contact: ContactSchema, results: Type.Array(BlockResultSchema) }),
            ...commonErrors,
          },
        },
      },
      async (req) => {
        const scope = readScopeOf(req, undefined)
        const results = await blockContact(channelsOf(deps), scope, req.params.id, action === 'block')
        return { contact: presentContact(await getContactPanel(db, scope, req.params.id)), results }
      },
    )
  }
})
