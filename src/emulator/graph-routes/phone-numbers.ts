import type { FastifyInstance } from 'fastify'
import { verifyCallback } from '../callback-check.ts'
import type { EmulatorContext } from '../context.ts'
import { page, selectFields } from '../fields.ts'
import { GraphError, invalidParam } from '../graph-errors.ts'
import { numberFor, wabaFor } from '../lookup.ts'
import { graphParams } from '../request-info.ts'
import type { JsonObject, PhoneNumber } from '../types.ts'
import { isObject, oneOf, optionalString, requireString } from '../validate-helpers.ts'

// Phone number endpoints (FACTS §6): GET /{pnid} with fields, GET /{waba}/phone_numbers (paged),
// register / deregister with the two-step PIN, and the number-level webhook override.

const defaultFields = ['id', 'display_phone_number', 'verified_name', 'quality_rating'] as const

export function presentNumber(ctx: EmulatorContext, n: PhoneNumber, fields: unknown): JsonObject {
  const waba = ctx.state.wabas.get(n.wabaId)
  const sub = waba?.subscriptions.get(ctx.state.app.id)
  return selectFields(
    {
      id: () => n.id,
      display_phone_number: () => n.displayPhoneNumber,
      verified_name: () => n.verifiedName,
      quality_rating: () => n.qualityRating,
      code_verification_status: () => n.codeVerificationStatus,
      name_status: () => n.nameStatus,
      throughput: () => ({ level: n.throughputLevel }),
      whatsapp_business_manager_messaging_limit: () => n.messagingLimitTier,
      messaging_limit_tier: () => n.messagingLimitTier,
      platform_type: () => (n.registered ? 'CLOUD_API' : 'NOT_APPLICABLE'),
      status: () => (n.registered ? 'CONNECTED' : 'PENDING'),
      account_mode: () => n.accountMode,
      is_official_business_account: () => false,
      is_pin_enabled: () => n.pin !== undefined,
      new_name_status: () => 'NONE',
      webhook_configuration: () => {
        const config: JsonObject = {}
        if (n.webhookOverride?.uri) config.phone_number = n.webhookOverride.uri
        if (sub?.overrideCallbackUri) config.whatsapp_business_account = sub.overrideCallbackUri
        if (ctx.state.app.callbackUrl) config.application = ctx.state.app.callbackUrl
        return config
      },
    },
    fields,
    defaultFields,
    'WhatsAppBusinessPhoneNumber',
  )
}

/** POST /{pnid}: webhook_configuration override (empty override_callback_uri removes it). */
export async function updateNumber(ctx: EmulatorContext, n: PhoneNumber, params: Record<string, unknown>) {
  const config = params.webhook_configuration
  if (config === undefined) throw invalidParam('The parameter webhook_configuration is required.')
  if (!isObject(config)) throw invalidParam('Param webhook_configuration must be a JSON object.')
  const uri = optionalString(config.override_callback_uri, "webhook_configuration['override_callback_uri']", {
    min: 0,
  })
  if (uri === undefined)
    throw invalidParam("The parameter webhook_configuration['override_callback_uri'] is required.")
  if (uri === '') {
    n.webhookOverride = undefined
    return { success: true }
  }
  const verifyToken = requireString(config.verify_token, "webhook_configuration['verify_token']")
  await verifyCallback(ctx, uri, verifyToken)
  n.webhookOverride = { uri, verifyToken }
  return { success: true }
}

export async function phoneNumberRoutes(app: FastifyInstance, { ctx }: { ctx: EmulatorContext }) {
  app.get('/:id/phone_numbers', async (req) => {
    const { id } = req.params as { id: string }
    const waba = wabaFor(ctx, req, id, 'management')
    const params = graphParams(req)
    const numbers = [...ctx.state.numbers.values()].filter((n) => n.wabaId === waba.id)
    const presented = numbers.map((n) => presentNumber(ctx, n, params.fields))
    return page(presented, params, `${ctx.baseUrl}${req.url}`)
  })

  app.post('/:id/register', async (req) => {
    const { id } = req.params as { id: string }
    const n = numberFor(ctx, req, id, 'management')
    const params = graphParams(req)
    if (params.messaging_product === undefined)
      throw invalidParam('The parameter messaging_product is required.')
    oneOf(params.messaging_product, 'messaging_product', ['whatsapp'])
    const pin = requireString(params.pin, 'pin')
    if (!/^\d{6}$/.test(pin)) throw invalidParam('Param pin must be a 6-digit number.')
    // With two-step verification on, the PIN must match (133005); the first register sets it.
    if (n.pin !== undefined && n.pin !== pin) {
      throw new GraphError(133005, 'The two-step verification PIN is incorrect.')
    }
    n.pin = pin
    n.registered = true
    return { success: true }
  })

  app.post('/:id/deregister', async (req) => {
    const { id } = req.params as { id: string }
    const n = numberFor(ctx, req, id, 'management')
    n.registered = false
    return { success: true }
  })
}
