import createClient, { type Client, type ClientOptions } from 'openapi-fetch'
import type { components, paths } from './generated/schema.d.ts'

// Wahub's typed client: openapi-fetch over the types openapi-typescript generated from the
// server's own OpenAPI document (`npm run client:generate`). Every path, query, body and answer
// is checked by the compiler; nothing is written by hand but this wrapper.

export type { components, paths }
export type WahubClient = Client<paths>

export type WahubClientOptions = Omit<ClientOptions, 'baseUrl'> & {
  /** Where Wahub answers, e.g. https://wahub.example.com */
  baseUrl: string
  /** An API key (`wahub apikey add`): sent as `Authorization: Bearer …`. */
  apiKey: string
}

export function createWahubClient(options: WahubClientOptions): WahubClient {
  const { apiKey, baseUrl, headers, ...rest } = options
  return createClient<paths>({
    ...rest,
    baseUrl: baseUrl.replace(/\/+$/, ''),
    headers: { ...(headers as Record<string, string> | undefined), authorization: `Bearer ${apiKey}` },
  })
}
