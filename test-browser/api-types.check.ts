// Compile-time only (the root `tsc` checks it; nothing runs it): every shape the server sends fits
// the dashboard's copy of it (web/src/api-types.ts, written out because the server's modules do
// not type-check against the browser's libraries — decision 0014). A field renamed or retyped on
// either side fails `npm run typecheck` here.

import type { Static } from 'typebox'
import type { DoctorReport as ServerDoctorReport } from '../src/diagnostics/types.ts'
import type { presentActivity } from '../src/http/presenters/activity.ts'
import type { presentAgent } from '../src/http/presenters/agent.ts'
import type { presentApiKey } from '../src/http/presenters/api-key.ts'
import type { presentAddApp, presentApp } from '../src/http/presenters/app.ts'
import type {
  presentAudience,
  presentCampaign,
  presentProgress,
  presentSuppression,
} from '../src/http/presenters/campaign.ts'
import type { presentCannedReply } from '../src/http/presenters/canned-reply.ts'
import type { presentContact } from '../src/http/presenters/contact.ts'
import type { ConversationView } from '../src/http/presenters/conversation.ts'
import type { MessageView } from '../src/http/presenters/message.ts'
import type { presentNotification } from '../src/http/presenters/notification.ts'
import type { presentNumber } from '../src/http/presenters/number.ts'
import type { presentSettings } from '../src/http/presenters/settings.ts'
import type { presentTemplate } from '../src/http/presenters/template.ts'
import type { presentTenant } from '../src/http/presenters/tenant.ts'
import type { presentUser } from '../src/http/presenters/user.ts'
import type { presentWaba } from '../src/http/presenters/waba.ts'
import type { presentWebhookStatus } from '../src/http/presenters/webhook-status.ts'
import type {
  presentAttempt,
  presentDelivery,
  presentSubscription,
} from '../src/http/presenters/webhook-subscription.ts'
import type { presentWidgetSettings } from '../src/http/presenters/widget-settings.ts'
import type * as Analytics from '../src/http/routes/analytics/schema.ts'
import type * as Web from '../web/src/api-types.ts'

/** Compiles only when the server's `S` can be used where the dashboard expects `C`. */
type Fits<S extends C, C> = [S, C]

export type ServerShapesFitTheDashboard = [
  Fits<MessageView, Web.Message>,
  Fits<ConversationView, Web.Conversation>,
  Fits<ReturnType<typeof presentUser>, Web.User>,
  Fits<ReturnType<typeof presentNumber>, Web.PhoneNumber>,
  Fits<ReturnType<typeof presentTenant>, Web.Tenant>,
  Fits<ReturnType<typeof presentApiKey>, Web.ApiKey>,
  Fits<ReturnType<typeof presentApp>, Web.MetaApp>,
  Fits<ReturnType<typeof presentAddApp>, Web.AddAppResult>,
  Fits<ReturnType<typeof presentWaba>, Web.Waba>,
  Fits<ReturnType<typeof presentSettings>, Web.ChannelSettings>,
  Fits<ReturnType<typeof presentTemplate>, Web.Template>,
  Fits<ReturnType<typeof presentWebhookStatus>, Web.WebhookStatus>,
  Fits<ReturnType<typeof presentActivity>, Web.Activity>,
  Fits<ReturnType<typeof presentAgent>, Web.Agent>,
  Fits<ReturnType<typeof presentNotification>, Web.AppNotification>,
  Fits<ReturnType<typeof presentCannedReply>, Web.CannedReply>,
  Fits<ReturnType<typeof presentContact>, Web.Contact>,
  Fits<ServerDoctorReport, Web.DoctorReport>,
  Fits<Static<typeof Analytics.SummaryAnswer>, Web.AnalyticsSummary>,
  Fits<Static<typeof Analytics.TimeseriesAnswer>, Web.AnalyticsSeries>,
  Fits<Static<typeof Analytics.BreakdownAnswer>, Web.AnalyticsBreakdown>,
  Fits<Static<typeof Analytics.FailuresAnswer>, Web.AnalyticsFailures>,
  Fits<Static<typeof Analytics.NumbersAnswer>, Web.AnalyticsNumbers>,
  Fits<ReturnType<typeof presentCampaign>, Web.Campaign>,
  Fits<ReturnType<typeof presentProgress>, Web.CampaignProgress>,
  Fits<ReturnType<typeof presentAudience>, Web.Audience>,
  Fits<ReturnType<typeof presentSuppression>, Web.Suppression>,
  Fits<ReturnType<typeof presentSubscription>, Web.WebhookSubscription>,
  Fits<ReturnType<typeof presentAttempt>, Web.WebhookAttempt>,
  Fits<ReturnType<typeof presentDelivery>, Web.WebhookDelivery>,
  Fits<ReturnType<typeof presentWidgetSettings>, Web.WidgetSettings>,
]
