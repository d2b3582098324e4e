import { Type } from 'typebox'
import { getChannelSettings } from '../../../channels/channel-settings.ts'
import { getNumber, tenantNumber, tenantNumbers } from '../../../channels/numbers.ts'
import { getTenant } from '../../../channels/tenants.ts'
import { tenantIdOf } from '../../auth.ts'
import { NumberSchema, presentNumber } from '../../presenters/number.ts'
import { authErrors, ErrorSchema, IdParams, Nullable } from '../../presenters/schema-helpers.ts'
import { routes } from '../plugin.ts'

// What a tenant sees of its channel setup: its numbers and which one it sends from by default.
// The tenant comes from the caller's key or session only (src/http/auth.ts).

const read = { access: { scope: 'read' } } as const
const tags = ['tenant']

export const tenantRoutes = routes(async (app, { handle: { db } }) => {
  app.get(
    '/tenant',
    {
      config: read,
      schema: {
        tags,
        summary: "The caller's tenant and the number it sends from when a message names none",
        response: {
          200: Type.Object({
            id: Type.String(),
            name: Type.String(),
            whatsappEnabled: Type.Boolean(),
            defaultNumber: Nullable(NumberSchema),
            usesGlobalDefault: Type.Boolean(),
          }),
          ...authErrors,
        },
      },
    },
    async (req) => {
      const tenantId = tenantIdOf(req)
      const tenant = await getTenant(db, tenantId)
      const settings = await getChannelSettings(db)
      const own = tenant.defaultNumberId
        ? await tenantNumber(db, tenantId, tenant.defaultNumberId).catch(() => undefined)
        : undefined
      let defaultNumber = own ? presentNumber(own) : null
      if (!own && settings.defaultNumberId) {
        defaultNumber = presentNumber(await getNumber(db, settings.defaultNumberId))
      }
      return {
        id: tenant.id,
        name: tenant.name,
        whatsappEnabled: tenant.whatsappEnabled && settings.whatsappEnabled,
        defaultNumber,
        usesGlobalDefault: !own && defaultNumber !== null,
      }
    },
  )

  app.get(
    '/numbers',
    {
      config: read,
      schema: {
        tags,
        summary: "The caller's phone numbers",
        response: { 200: Type.Object({ numbers: Type.Array(NumberSchema) }), ...authErrors },
      },
    },
    async (req) => ({ numbers: (await tenantNumbers(db, tenantIdOf(req))).map(presentNumber) }),
  )

  app.get(
    '/numbers/:id',
    {
      config: read,
      schema: {
        tags,
        summary: "One of the caller's phone numbers (Wahub's id or Meta's phone_number_id)",
        params: IdParams,
        response: { 200: NumberSchema, ...authErrors, 404: ErrorSchema },
      },
    },
    async (req) => presentNumber(await tenantNumber(db, tenantIdOf(req), req.params.id)),
  )
})
