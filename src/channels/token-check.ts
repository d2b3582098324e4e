import { explainMetaError } from '../cloud-api/error-catalogue.ts'
import { type GraphClient, GraphError, type GraphTarget } from '../cloud-api/graph-client.ts'
import { WahubError } from '../errors.ts'
import { graphFailure, isTokenError, metaErrorDetails } from './graph-failure.ts'

// A WABA token is checked against Graph before it is saved (issue 4): a token Meta refuses
// (190 invalid or expired, 10/200 missing permission) is never stored, and the refusal carries
// the catalogue's fix. A temporary token (24 h, App Dashboard) is accepted with a warning.

export type TokenInfo = {
  /** SYSTEM_USER, USER, … when debug_token answered. */
  type: string | null
  /** Epoch ms; null = never expires or unknown. */
  expiresAt: number | null
  scopes: string[]
  /** The WABAs the token's WhatsApp permissions reach (debug_token's granular scopes); [] = not said. */
  wabaIds: string[]
  /** The Meta app the token was made for (debug_token's app_id); null = not said. */
  appId: string | null
  warnings: string[]
}

const messagingScope = 'whatsapp_business_messaging'
const managementScope = 'whatsapp_business_management'

function refused(err: GraphError, wabaId: string): WahubError {
  const d = metaErrorDetails(err)
  return new WahubError(
    'token_invalid',
    `Meta refused the access token for WABA ${wabaId}: (#${d.code}) ${d.meaning}`,
    d,
    d.fix,
  )
}

export async function checkWabaToken(
  graph: GraphClient,
  target: GraphTarget,
  wabaId: string,
): Promise<TokenInfo> {
  const info: TokenInfo = { type: null, expiresAt: null, scopes: [], wabaIds: [], appId: null, warnings: [] }
  try {
    const { data } = await graph.debugToken(target, target.token)
    if (data.is_valid === false) {
      const code = data.error?.code ?? 190
      const explained = explainMetaError(code, data.error?.subcode)
      throw new WahubError(
        'token_invalid',
        `Meta says the access token for WABA ${wabaId} is not valid: (#${code}) ${explained.meaning}`,
        { code, meaning: explained.meaning, fix: explained.fix },
        explained.fix,
      )
    }
    info.type = data.type ?? null
    info.appId = data.app_id ?? null
    info.scopes = data.scopes ?? []
    info.wabaIds = [
      ...new Set(
        (data.granular_scopes ?? [])
          .filter((g) => g.scope.startsWith('whatsapp_business_'))
          .flatMap((g) => g.target_ids ?? []),
      ),
    ]
    if (info.wabaIds.length > 0 && !info.wabaIds.includes(wabaId)) {
      info.warnings.push(
        `The token's WhatsApp permissions reach ${info.wabaIds.join(', ')}, not WABA ${wabaId}: assign that WABA to the System User (Business settings > Users > System users > Assign assets) and generate a new token.`,
      )
    }
    if (data.expires_at && data.expires_at > 0) {
      info.expiresAt = data.expires_at * 1000
      info.warnings.push(
        `This token expires at ${new Date(info.expiresAt).toISOString()} (a temporary token). Replace it with a System User token, which never expires: ${explainMetaError(190).fix}`,
      )
    }
    if (info.scopes.length > 0 && !info.scopes.includes(messagingScope)) {
      info.warnings.push(
        `The token lacks ${messagingScope}: sends will fail with (#10). Give the System User that permission and generate a new token.`,
      )
    }
    if (info.scopes.length > 0 && !info.scopes.includes(managementScope)) {
      info.warnings.push(
        `The token lacks ${managementScope}: numbers, templates and webhooks cannot be managed from Wahub.`,
      )
    }
  } catch (err) {
    if (err instanceof WahubError) throw err
    if (err instanceof GraphError && isTokenError(err)) throw refused(err, wabaId)
    // Any other answer from debug_token (not offered by a proxy, app-token only) leaves the
    // expiry unknown; the WABA call below still proves the token works.
    if (!(err instanceof GraphError)) throw graphFailure(err, `checking the token of WABA ${wabaId}`)
  }
  try {
    await graph.listPhoneNumbers(target, wabaId, ['id'])
  } catch (err) {
    if (err instanceof GraphError && isTokenError(err)) throw refused(err, wabaId)
    throw graphFailure(err, `reading the phone numbers of WABA ${wabaId} with this token`)
  }
  return info
}
