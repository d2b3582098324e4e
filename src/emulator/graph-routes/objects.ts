import type { FastifyInstance } from 'fastify'
import { authenticate, rawToken } from '../auth.ts'
import type { EmulatorContext } from '../context.ts'
import { selectFields } from '../fields.ts'
import { unknownObject } from '../graph-errors.ts'
import { kindOfId, mediaFor, numberFor, templateFor, wabaFor } from '../lookup.ts'
import { graphParams } from '../request-info.ts'
import { isUploadId, uploadChunk, uploadStatus } from '../resumable-uploads.ts'
import { editTemplate, presentTemplate } from '../templates-admin.ts'
import { presentMedia } from './media.ts'
import { presentNumber, updateNumber } from './phone-numbers.ts'

// GET / POST / DELETE /{id}: Graph addresses every node by its bare id, so the emulator looks
// up what the id names (phone number, WABA, media, template) and answers as that node.

export async function objectRoutes(app: FastifyInstance, { ctx }: { ctx: EmulatorContext }) {
  app.get('/:id', async (req) => {
    const { id } = req.params as { id: string }
    if (isUploadId(id)) return uploadStatus(ctx, req, id)
    const params = graphParams(req)
    switch (kindOfId(ctx, id)) {
      case 'number':
        return presentNumber(ctx, numberFor(ctx, req, id, 'management'), params.fields)
      case 'waba': {
        const waba = wabaFor(ctx, req, id, 'management')
        return selectFields(
          {
            id: () => waba.id,
            name: () => waba.name,
            currency: () => waba.currency,
            timezone_id: () => waba.timezoneId,
            message_template_namespace: () => waba.namespace,
            account_review_status: () => 'APPROVED',
            business_verification_status: () => waba.businessVerificationStatus,
            primary_funding_id: () => waba.primaryFundingId,
          },
          params.fields,
          ['id', 'name'],
          'WhatsAppBusinessAccount',
        )
      }
      case 'app': {
        // The Application node: read with the app token "APP_ID|APP_SECRET" (or a token of the
        // app). Meta shows no App Mode field here; the numbers' account_mode reflects it.
        const raw = rawToken(req)
        if (raw !== `${ctx.state.app.id}|${ctx.state.app.secret}`) authenticate(ctx, raw)
        return selectFields(
          {
            id: () => ctx.state.app.id,
            name: () => ctx.state.app.name,
            link: () => `https://www.facebook.com/games/?app_id=${ctx.state.app.id}`,
            privacy_policy_url: () => ctx.state.app.privacyPolicyUrl || undefined,
          },
          params.fields,
          ['id', 'name', 'link'],
          'Application',
        )
      }
      case 'media':
        return presentMedia(ctx, mediaFor(ctx, req, id))
      case 'template':
        return presentTemplate(templateFor(ctx, req, id), params.fields)
      default:
        throw unknownObject('get', id)
    }
  })

  app.post('/:id', async (req) => {
    const { id } = req.params as { id: string }
    if (isUploadId(id)) return uploadChunk(ctx, req, id)
    const params = graphParams(req)
    switch (kindOfId(ctx, id)) {
      case 'number':
        return updateNumber(ctx, numberFor(ctx, req, id, 'management'), params)
      case 'template':
        return editTemplate(ctx, templateFor(ctx, req, id), params)
      default:
        throw unknownObject('post', id)
    }
  })

  app.delete('/:id', async (req) => {
    const { id } = req.params as { id: string }
    if (kindOfId(ctx, id) !== 'media') throw unknownObject('delete', id)
    const media = mediaFor(ctx, req, id)
    media.deleted = true
    // Free the bytes: a deleted media id is never served again.
    media.bytes = Buffer.alloc(0)
    return { success: true }
  })
}
