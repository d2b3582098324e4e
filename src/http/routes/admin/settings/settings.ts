import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox'
import type { FastifyPluginAsync } from 'fastify'
import { Type } from 'typebox'
import {
  getChannelSettings,
  setGlobalDefaultNumber,
  setGlobalWhatsapp,
} from '../../../../channels/channel-settings.ts'
import type { AppDeps } from '../../../app.ts'
import { actorOfRequest } from '../../../auth.ts'
import { Nullable } from '../../../presenters/schema-helpers.ts'
import { presentSettings, SettingsSchema } from '../../../presenters/settings.ts'
import { adminRoute } from '../context.ts'

const admin = adminRoute('admin: settings')

export const adminSettingsRoutes: FastifyPluginAsync<AppDeps> = async (base, deps) => {
  const app = base.withTypeProvider<TypeBoxTypeProvider>()
  const { db } = deps.handle

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
}
