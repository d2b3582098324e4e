import type { ChannelsContext } from '../channels/context.ts'
import type { DialectCapabilities } from '../db/dialect.ts'
import type { Logger } from '../log.ts'

// What sending needs: the database, the vault (tokens are decrypted per call by
// channels/graph-target.ts), the Graph client, the config and a logger; `nudge` wakes this
// process's send workers after a commit (other instances find the job by polling).
export type MessagingContext = ChannelsContext & {
  log: Logger
  nudge?: () => void
  /** The database's capabilities: on PostgreSQL a bulk send locks its customers in the global order (decision 0020). */
  caps?: DialectCapabilities
}

/** Who queued a message: `api_key:<id>`, `user:<id>`, `cli`. */
export type SendSource = { source: 'api' | 'cli' | 'dashboard'; createdBy: string | null }
