// The Graph API client: every call Wahub makes to Meta (or to the emulator) goes through here.
// Stateless apart from options: the target (base URL, version, token) is passed per call, so one
// client serves every WABA. Failures: see graph-errors.ts.

import type { BlockUsersRequest, BlockUsersResponse } from './block-users-types.ts'
import { collectPages } from './graph-paging.ts'
import {
  type GraphClientOptions,
  type GraphMethod,
  type GraphRequestInit,
  type GraphTarget,
  graphBytes,
  graphJson,
  graphSettings,
  graphUrl,
} from './graph-request.ts'
import type {
  AppInfo,
  BusinessProfile,
  CallbackOverride,
  CreateTemplateRequest,
  CreateTemplateResponse,
  DebugTokenResponse,
  EditTemplateRequest,
  ListTemplatesQuery,
  MediaInfo,
  MediaUploadResponse,
  MessageTemplate,
  OAuthTokenResponse,
  PhoneNumber,
  PhoneNumberField,
  SubscribedApp,
  UpdateBusinessProfileRequest,
  WabaInfo,
} from './management-types.ts'
import type { MarkReadRequest, OutboundMessage, SendMessageResponse } from './message-types.ts'
import type { GraphList, SuccessResponse } from './wire-common.ts'

export type { GraphTransportErrorKind } from './graph-errors.ts'
export { GraphError, GraphTransportError, MediaTooLargeError } from './graph-errors.ts'
export type { GraphClientOptions, GraphMethod, GraphRequestInit, GraphTarget } from './graph-request.ts'
export type { GraphErrorBody } from './wire-common.ts'

/** Optional per call: the caller's cancellation. */
export type CallOptions = { signal?: AbortSignal }

export type UploadMediaInput = { bytes: Uint8Array; mimeType: string; filename: string }

export type GraphClient = ReturnType<typeof createGraphClient>

export function createGraphClient(options?: GraphClientOptions) {
  const settings = graphSettings(options)
  const json = <T>(target: GraphTarget, method: GraphMethod, path: string, init?: GraphRequestInit) =>
    graphJson<T>(settings, target, method, graphUrl(target, path, init?.query), init)
  const pages = <T>(
    target: GraphTarget,
    path: string,
    query: GraphRequestInit['query'],
    call?: CallOptions,
  ) =>
    collectPages<T>((after) =>
      json<GraphList<T>>(target, 'GET', path, { query: { ...query, after }, ...call }),
    )

  return {
    /** Any Graph call; `path` is relative to `{baseUrl}/{version}/`. */
    request: <T = unknown>(target: GraphTarget, method: GraphMethod, path: string, init?: GraphRequestInit) =>
      json<T>(target, method, path, init),

    /** 200 means accepted, not delivered (FACTS §2). */
    sendMessage: (target: GraphTarget, phoneNumberId: string, body: OutboundMessage, call?: CallOptions) =>
      json<SendMessageResponse>(target, 'POST', `${phoneNumberId}/messages`, { json: body, ...call }),

    /** Marks this and earlier messages read; `typing` shows a typing indicator for up to 25 s. */
    markRead: (
      target: GraphTarget,
      phoneNumberId: string,
      wamid: string,
      opts: { typing?: boolean } & CallOptions = {},
    ) => {
      const body: MarkReadRequest = { messaging_product: 'whatsapp', status: 'read', message_id: wamid }
      if (opts.typing) body.typing_indicator = { type: 'text' }
      return json<SuccessResponse>(target, 'POST', `${phoneNumberId}/messages`, {
        json: body,
        signal: opts.signal,
      })
    },

    /** Blocks (`block: true`) or unblocks users on a number; results are per user. */
    blockUsers: (
      target: GraphTarget,
      phoneNumberId: string,
      users: string[],
      block: boolean,
      call?: CallOptions,
    ) => {
      const body: BlockUsersRequest = {
        messaging_product: 'whatsapp',
        block_users: users.map((user) => ({ user })),
      }
      return json<BlockUsersResponse>(target, block ? 'POST' : 'DELETE', `${phoneNumberId}/block_users`, {
        json: body,
        ...call,
      })
    },

    getPhoneNumber: (
      target: GraphTarget,
      phoneNumberId: string,
      fields: readonly PhoneNumberField[] = [],
      call?: CallOptions,
    ) => json<PhoneNumber>(target, 'GET', phoneNumberId, { query: { fields: nonEmpty(fields) }, ...call }),

    /** Every number of the WABA, all pages. */
    listPhoneNumbers: (
      target: GraphTarget,
      wabaId: string,
      fields: readonly PhoneNumberField[] = [],
      call?: CallOptions,
    ) => pages<PhoneNumber>(target, `${wabaId}/phone_numbers`, { fields: nonEmpty(fields) }, call),

    /** PIN: the number's 6-digit two-step verification PIN (set on first registration). */
    registerPhone: (target: GraphTarget, phoneNumberId: string, pin: string, call?: CallOptions) =>
      json<SuccessResponse>(target, 'POST', `${phoneNumberId}/register`, {
        json: { messaging_product: 'whatsapp', pin },
        ...call,
      }),

    deregisterPhone: (target: GraphTarget, phoneNumberId: string, call?: CallOptions) =>
      json<SuccessResponse>(target, 'POST', `${phoneNumberId}/deregister`, { ...call }),

    getSubscribedApps: async (target: GraphTarget, wabaId: string, call?: CallOptions) =>
      (await json<GraphList<SubscribedApp>>(target, 'GET', `${wabaId}/subscribed_apps`, { ...call })).data ??
      [],

    /** Without `override`, subscribes the app AND removes any WABA-level override (M-OVR). */
    subscribeApp: (target: GraphTarget, wabaId: string, override?: CallbackOverride, call?: CallOptions) =>
      json<SuccessResponse>(target, 'POST', `${wabaId}/subscribed_apps`, { json: override, ...call }),

    unsubscribeApp: (target: GraphTarget, wabaId: string, call?: CallOptions) =>
      json<SuccessResponse>(target, 'DELETE', `${wabaId}/subscribed_apps`, { ...call }),

    /** Number-level callback override; `override_callback_uri: ""` removes it (M-OVR). */
    setNumberWebhook: (
      target: GraphTarget,
      phoneNumberId: string,
      override: CallbackOverride,
      call?: CallOptions,
    ) =>
      json<SuccessResponse>(target, 'POST', phoneNumberId, {
        json: { webhook_configuration: override },
        ...call,
      }),

    /** Every template of the WABA (all languages), all pages. */
    listTemplates: (
      target: GraphTarget,
      wabaId: string,
      query: ListTemplatesQuery = {},
      call?: CallOptions,
    ) =>
      pages<MessageTemplate>(
        target,
        `${wabaId}/message_templates`,
        { name: query.name, status: query.status },
        call,
      ),

    /** Answers PENDING; approval arrives later by `message_template_status_update`. */
    createTemplate: (
      target: GraphTarget,
      wabaId: string,
      template: CreateTemplateRequest,
      call?: CallOptions,
    ) =>
      json<CreateTemplateResponse>(target, 'POST', `${wabaId}/message_templates`, {
        json: template,
        ...call,
      }),

    /** POST /{template-id}: new components (or category) send it back to review. */
    editTemplate: (target: GraphTarget, templateId: string, edit: EditTemplateRequest, call?: CallOptions) =>
      json<SuccessResponse>(target, 'POST', templateId, { json: edit, ...call }),

    /**
     * Resumable Upload API (a template's media header example): opens a session for the app,
     * sends the bytes from offset 0 and answers the handle to put in `example.header_handle`.
     */
    uploadResumable: async (
      target: GraphTarget,
      appId: string,
      file: UploadMediaInput,
      call?: CallOptions,
    ): Promise<string> => {
      const session = await json<{ id: string }>(target, 'POST', `${appId}/uploads`, {
        query: { file_name: file.filename, file_length: file.bytes.byteLength, file_type: file.mimeType },
        ...call,
      })
      const done = await json<{ h?: string }>(target, 'POST', session.id, {
        raw: { bytes: file.bytes, headers: { file_offset: '0', 'content-type': 'application/octet-stream' } },
        ...call,
      })
      if (!done.h) throw new Error(`resumable upload ${session.id} did not answer a handle`)
      return done.h
    },

    /** By name: every language. With `hsmId`: that one template only. */
    deleteTemplate: (target: GraphTarget, wabaId: string, name: string, hsmId?: string, call?: CallOptions) =>
      json<SuccessResponse>(target, 'DELETE', `${wabaId}/message_templates`, {
        query: { name, hsm_id: hsmId },
        ...call,
      }),

    /** Multipart upload; the id is valid 30 days (M-MEDIA). */
    uploadMedia: (
      target: GraphTarget,
      phoneNumberId: string,
      media: UploadMediaInput,
      call?: CallOptions,
    ) => {
      const form = new FormData()
      form.set('messaging_product', 'whatsapp')
      form.set('type', media.mimeType) // Meta requires the MIME type as a field too (FACTS §1.9)
      form.set('file', new Blob([media.bytes], { type: media.mimeType }), media.filename)
      return json<MediaUploadResponse>(target, 'POST', `${phoneNumberId}/media`, { form, ...call })
    },

    /** Its `url` is valid 5 minutes and needs the token: download at once. */
    getMedia: (target: GraphTarget, mediaId: string, opts: { phoneNumberId?: string } & CallOptions = {}) =>
      json<MediaInfo>(target, 'GET', mediaId, {
        query: { phone_number_id: opts.phoneNumberId },
        signal: opts.signal,
      }),

    /**
     * Downloads a media URL from getMedia (or a webhook's `url`) with the bearer token. The token
     * is only sent over https or to the target's own origin (the emulator).
     */
    downloadMedia: async (
      target: GraphTarget,
      url: string,
      /** `timeoutMs`: a 100 MB document may need more than the client default. */
      opts: { maxBytes: number; timeoutMs?: number } & CallOptions,
    ) => {
      const parsed = new URL(url)
      if (parsed.protocol !== 'https:' && parsed.origin !== new URL(target.baseUrl).origin) {
        throw new TypeError(`refusing to send the access token to ${parsed.origin}: not https`)
      }
      const timeoutMs = opts.timeoutMs ?? settings.timeoutMs
      return (await graphBytes({ ...settings, timeoutMs }, target, parsed, opts.maxBytes, opts.signal)).bytes
    },

    deleteMedia: (
      target: GraphTarget,
      mediaId: string,
      opts: { phoneNumberId?: string } & CallOptions = {},
    ) =>
      json<SuccessResponse>(target, 'DELETE', mediaId, {
        query: { phone_number_id: opts.phoneNumberId },
        signal: opts.signal,
      }),

    /** `target.token` authenticates the call (an app token or a token of the same app). */
    debugToken: (target: GraphTarget, inputToken: string, call?: CallOptions) =>
      json<DebugTokenResponse>(target, 'GET', 'debug_token', { query: { input_token: inputToken }, ...call }),

    /** A WABA's own fields (business verification, review, payment method). */
    getWabaInfo: (target: GraphTarget, wabaId: string, fields: readonly string[], call?: CallOptions) =>
      json<WabaInfo>(target, 'GET', wabaId, { query: { fields: fields.join(',') }, ...call }),

    /** The Meta app's own fields; `target.token` is the app token "APP_ID|APP_SECRET". */
    getAppInfo: (target: GraphTarget, appId: string, fields: readonly string[], call?: CallOptions) =>
      json<AppInfo>(target, 'GET', appId, { query: { fields: fields.join(',') }, ...call }),

    /**
     * Embedded Signup: the code Facebook Login for Business returned → a business token of the
     * customer's business (`target.token` is unused by Meta here; the app id and secret are the query).
     */
    exchangeCode: (
      target: GraphTarget,
      input: { appId: string; appSecret: string; code: string },
      call?: CallOptions,
    ) =>
      json<OAuthTokenResponse>(target, 'GET', 'oauth/access_token', {
        query: { client_id: input.appId, client_secret: input.appSecret, code: input.code },
        ...call,
      }),

    getBusinessProfile: async (target: GraphTarget, phoneNumberId: string, call?: CallOptions) => {
      const fields = [
        'about',
        'address',
        'description',
        'email',
        'profile_picture_url',
        'websites',
        'vertical',
      ]
      const list = await json<GraphList<BusinessProfile>>(
        target,
        'GET',
        `${phoneNumberId}/whatsapp_business_profile`,
        {
          query: { fields },
          ...call,
        },
      )
      return list.data?.[0] ?? {}
    },

    updateBusinessProfile: (
      target: GraphTarget,
      phoneNumberId: string,
      profile: UpdateBusinessProfileRequest,
      call?: CallOptions,
    ) =>
      json<SuccessResponse>(target, 'POST', `${phoneNumberId}/whatsapp_business_profile`, {
        json: { messaging_product: 'whatsapp', ...profile },
        ...call,
      }),
  }
}

function nonEmpty(fields: readonly string[]): readonly string[] | undefined {
  return fields.length > 0 ? fields : undefined
}
