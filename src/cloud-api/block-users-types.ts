// The Block Users API (POST / DELETE / GET /{phone-number-id}/block_users): a business blocks a
// WhatsApp user on one of its numbers; the user can no longer write to it and the business
// cannot message them. Only users who wrote in the last 24 hours can be blocked; unblocking has
// no such limit. Results are per user: some may succeed while others fail.
// https://developers.facebook.com/documentation/business-messaging/whatsapp/block-users/

export type BlockUsersRequest = {
  messaging_product: 'whatsapp'
  block_users: { user: string }[]
}

export type BlockedUser = { input: string; wa_id: string }

export type FailedBlockUser = {
  input: string
  wa_id?: string
  errors: { message: string; code: number; error_data?: { details?: string } }[]
}

export type BlockUsersResponse = {
  messaging_product: 'whatsapp'
  block_users: {
    added_users?: BlockedUser[]
    removed_users?: BlockedUser[]
    failed_users?: FailedBlockUser[]
  }
}
