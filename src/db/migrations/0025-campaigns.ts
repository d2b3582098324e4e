import type { Kysely } from 'kysely'
import type { DialectCapabilities } from '../dialect.ts'

// Campaigns (issue 18, docs/CAMPAIGNS.md): the tenant's suppression list and its opt-out
// keywords, audiences (a snapshot of recipients with their row's attributes), campaigns and one
// row per recipient of a campaign (its state and, once queued, its message). Plus an index on
// messages by number and time: the messaging-limit window counts a number's recent recipients.

export async function up(db: Kysely<unknown>, _caps: DialectCapabilities): Promise<void> {
  const schema = db.schema
  await schema
    .createTable('suppressions')
    .addColumn('tenant_id', 'text', (c) => c.notNull().references('tenants.id').onDelete('cascade'))
    .addColumn('wa_id', 'text', (c) => c.notNull())
    .addColumn('source', 'text', (c) => c.notNull()) // keyword | button | api | cli | dashboard | import
    .addColumn('detail', 'text') // the keyword, or who added it
    .addColumn('message_id', 'text') // the inbound message that opted out (analytics counts these)
    .addColumn('created_at', 'int8', (c) => c.notNull())
    .addPrimaryKeyConstraint('suppressions_pk', ['tenant_id', 'wa_id'])
    .execute()
  await schema
    .createIndex('suppressions_tenant_time')
    .on('suppressions')
    .columns(['tenant_id', 'created_at'])
    .execute()

  await schema
    .createTable('suppression_settings')
    .addColumn('tenant_id', 'text', (c) => c.primaryKey().references('tenants.id').onDelete('cascade'))
    .addColumn('keywords', 'text', (c) => c.notNull()) // JSON { language: [keyword] }
    .addColumn('updated_at', 'int8', (c) => c.notNull())
    .execute()

  await schema
    .createTable('audiences')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('tenant_id', 'text', (c) => c.notNull().references('tenants.id').onDelete('cascade'))
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('source', 'text', (c) => c.notNull()) // csv | filter | inline
    .addColumn('size', 'integer', (c) => c.notNull())
    .addColumn('rejected', 'integer', (c) => c.notNull())
    .addColumn('duplicates', 'integer', (c) => c.notNull())
    .addColumn('errors', 'text', (c) => c.notNull()) // JSON [{ row, field, problem }] (first 1,000)
    .addColumn('columns', 'text', (c) => c.notNull()) // JSON [column]
    .addColumn('created_at', 'int8', (c) => c.notNull())
    .execute()
  await schema.createIndex('audiences_tenant').on('audiences').columns(['tenant_id', 'id']).execute()

  await schema
    .createTable('audience_members')
    .addColumn('audience_id', 'text', (c) => c.notNull().references('audiences.id').onDelete('cascade'))
    .addColumn('row', 'integer', (c) => c.notNull())
    .addColumn('contact_id', 'text', (c) => c.notNull().references('contacts.id').onDelete('cascade'))
    .addColumn('wa_id', 'text', (c) => c.notNull())
    .addColumn('attributes', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('audience_members_pk', ['audience_id', 'row'])
    .execute()

  await schema
    .createTable('campaigns')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('tenant_id', 'text', (c) => c.notNull().references('tenants.id').onDelete('cascade'))
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('audience_id', 'text', (c) => c.notNull().references('audiences.id').onDelete('cascade'))
    .addColumn('phone_number_id', 'text', (c) =>
      c.notNull().references('phone_numbers.id').onDelete('cascade'),
    )
    .addColumn('template_name', 'text', (c) => c.notNull())
    .addColumn('template_language', 'text', (c) => c.notNull())
    .addColumn('parameters', 'text', (c) => c.notNull()) // JSON CampaignParameter[]
    .addColumn('status', 'text', (c) => c.notNull()) // draft | scheduled | running | paused | cancelled | completed
    .addColumn('reason', 'text') // why it is paused (or waiting)
    .addColumn('paused_by', 'text') // user | messaging_limit | quality | template
    .addColumn('quality_guard', 'text', (c) => c.notNull()) // RED | YELLOW
    .addColumn('start_at', 'int8')
    .addColumn('time_zone', 'text', (c) => c.notNull())
    .addColumn('quiet_hours', 'text') // "21:00-08:00" in the campaign's time zone
    .addColumn('rate_mps', 'integer')
    .addColumn('pace_at', 'int8') // when the next recipient may be due (rate below the number's)
    .addColumn('resume_at', 'int8') // an automatic pause ends then
    .addColumn('launched_at', 'int8')
    .addColumn('finished_at', 'int8')
    .addColumn('created_by', 'text')
    .addColumn('created_at', 'int8', (c) => c.notNull())
    .addColumn('updated_at', 'int8', (c) => c.notNull())
    .execute()
  await schema.createIndex('campaigns_tenant').on('campaigns').columns(['tenant_id', 'id']).execute()

  await schema
    .createTable('campaign_recipients')
    .addColumn('campaign_id', 'text', (c) => c.notNull().references('campaigns.id').onDelete('cascade'))
    .addColumn('seq', 'integer', (c) => c.notNull())
    .addColumn('contact_id', 'text', (c) => c.notNull().references('contacts.id').onDelete('cascade'))
    .addColumn('wa_id', 'text', (c) => c.notNull())
    .addColumn('params', 'text', (c) => c.notNull()) // JSON: the template parameters for this recipient
    .addColumn('state', 'text', (c) => c.notNull()) // pending | queued | skipped | cancelled
    .addColumn('reason', 'text') // skipped: opted_out | invalid | duplicate; failed sends: the message says
    .addColumn('message_id', 'text')
    .addColumn('queued_at', 'int8')
    .addPrimaryKeyConstraint('campaign_recipients_pk', ['campaign_id', 'seq'])
    .execute()
  await schema
    .createIndex('campaign_recipients_state')
    .on('campaign_recipients')
    .columns(['campaign_id', 'state', 'seq'])
    .execute()
  await schema
    .createIndex('campaign_recipients_message')
    .on('campaign_recipients')
    .column('message_id')
    .execute()

  await schema
    .createIndex('messages_number_created')
    .on('messages')
    .columns(['phone_number_id', 'created_at'])
    .execute()
}
