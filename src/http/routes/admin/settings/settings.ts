import { Type } from 'typebox'
import {
  getChannelSettings,
  setGlobalDefaultNumber,
  setGlobalWhatsapp,
} from '../../../../channels/channel-settings.ts'
import { actorOfRequest } from '../../../auth.ts'
import { Nullable } from '../../../presenters/schema-helpers.ts'
import { presentSettings, SettingsSchema } from '../../../presenters/settings.ts'
import { routes } from '../../plugin.ts'
import { adminRoute } from '../context.ts'

const admin = adminRoute('admin: settings')

export const adminSettingsRoutes = routes(async (app, { handle: { db } }) => {
  app.get(
    '/settings',
    admin({
      summary: 'Global default number and WhatsApp on/off',
      response: { 200: SettingsSchema },
    }),
    async () => presentSettings(await getChannelSettings(db)),
  )

  app.patch(
    '/settings',
    admin({
      summary: 'Set the global default number (used by tenants without one) or turn WhatsApp on/off for all',
      body: Type.Object(
        {
          defaultNumber: Type.Optional(Nullable(Type.String({ minLength: 1 }))),
          whatsappEnabled: Type.Optional(Type.Boolean()),
        },
        { additionalProperties: false },
      ),
      response: { 200: SettingsSchema },
    }),
    async (req) => {
      const actor = actorOfRequest(req)
      if (req.body.defaultNumber !== undefined)
        await setGlobalDefaultNumber(db, req.body.defaultNumber, actor)
      if (req.body.whatsappEnabled !== undefined) await setGlobalWhatsapp(db, req.body.whatsappEnabled, actor)
      return presentSettings(await getChannelSettings(db))
    },
  )
})
