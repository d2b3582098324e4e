import type { GraphClient } from '../cloud-api/graph-client.ts'
import type { Config } from '../config.ts'
import type { Db } from '../db/connect.ts'
import type { Vault } from './vault.ts'

// What the channel operations need. The admin API and the CLI build one of these and call the
// same functions, so a number added from either behaves the same.
export type ChannelsContext = {
  db: Db
  vault: Vault
  graph: GraphClient
  config: Config
}

/** Who did it, for the audit log: `cli`, `api_key:<id>`, `user:<id>`, `system`. */
export type Actor = string
