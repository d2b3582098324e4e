import enAnalytics from './en/analytics.json'
import enApiKeys from './en/api-keys.json'
import enAudit from './en/audit.json'
import enAuth from './en/auth.json'
import enCampaigns from './en/campaigns.json'
import enChannels from './en/channels.json'
import enCommon from './en/common.json'
import enErrors from './en/errors.json'
import enEvents from './en/events.json'
import enGolive from './en/golive.json'
import enInbox from './en/inbox.json'
import enIntegrations from './en/integrations.json'
import enSignup from './en/signup.json'
import enTemplates from './en/templates.json'
import enTenants from './en/tenants.json'
import esAnalytics from './es/analytics.json'
import esApiKeys from './es/api-keys.json'
import esAudit from './es/audit.json'
import esAuth from './es/auth.json'
import esCampaigns from './es/campaigns.json'
import esChannels from './es/channels.json'
import esCommon from './es/common.json'
import esErrors from './es/errors.json'
import esEvents from './es/events.json'
import esGolive from './es/golive.json'
import esInbox from './es/inbox.json'
import esIntegrations from './es/integrations.json'
import esSignup from './es/signup.json'
import esTemplates from './es/templates.json'
import esTenants from './es/tenants.json'
import ptAnalytics from './pt-BR/analytics.json'
import ptApiKeys from './pt-BR/api-keys.json'
import ptAudit from './pt-BR/audit.json'
import ptAuth from './pt-BR/auth.json'
import ptCampaigns from './pt-BR/campaigns.json'
import ptChannels from './pt-BR/channels.json'
import ptCommon from './pt-BR/common.json'
import ptErrors from './pt-BR/errors.json'
import ptEvents from './pt-BR/events.json'
import ptGolive from './pt-BR/golive.json'
import ptInbox from './pt-BR/inbox.json'
import ptIntegrations from './pt-BR/integrations.json'
import ptSignup from './pt-BR/signup.json'
import ptTemplates from './pt-BR/templates.json'
import ptTenants from './pt-BR/tenants.json'
import thAnalytics from './th/analytics.json'
import thApiKeys from './th/api-keys.json'
import thAudit from './th/audit.json'
import thAuth from './th/auth.json'
import thCampaigns from './th/campaigns.json'
import thChannels from './th/channels.json'
import thCommon from './th/common.json'
import thErrors from './th/errors.json'
import thEvents from './th/events.json'
import thGolive from './th/golive.json'
import thInbox from './th/inbox.json'
import thIntegrations from './th/integrations.json'
import thSignup from './th/signup.json'
import thTemplates from './th/templates.json'
import thTenants from './th/tenants.json'

// Every locale file, by language and feature (namespace). English is complete; a key missing in
// another language falls back to English. A new feature adds its file here for each language.

export const resources = {
  en: {
    analytics: enAnalytics,
    'api-keys': enApiKeys,
    audit: enAudit,
    auth: enAuth,
    campaigns: enCampaigns,
    channels: enChannels,
    common: enCommon,
    errors: enErrors,
    events: enEvents,
    golive: enGolive,
    signup: enSignup,
    inbox: enInbox,
    integrations: enIntegrations,
    templates: enTemplates,
    tenants: enTenants,
  },
  es: {
    analytics: esAnalytics,
    'api-keys': esApiKeys,
    audit: esAudit,
    auth: esAuth,
    campaigns: esCampaigns,
    channels: esChannels,
    common: esCommon,
    errors: esErrors,
    events: esEvents,
    golive: esGolive,
    signup: esSignup,
    inbox: esInbox,
    integrations: esIntegrations,
    templates: esTemplates,
    tenants: esTenants,
  },
  'pt-BR': {
    analytics: ptAnalytics,
    'api-keys': ptApiKeys,
    audit: ptAudit,
    auth: ptAuth,
    campaigns: ptCampaigns,
    channels: ptChannels,
    common: ptCommon,
    errors: ptErrors,
    events: ptEvents,
    golive: ptGolive,
    signup: ptSignup,
    inbox: ptInbox,
    integrations: ptIntegrations,
    templates: ptTemplates,
    tenants: ptTenants,
  },
  th: {
    analytics: thAnalytics,
    'api-keys': thApiKeys,
    audit: thAudit,
    auth: thAuth,
    campaigns: thCampaigns,
    channels: thChannels,
    common: thCommon,
    errors: thErrors,
    events: thEvents,
    golive: thGolive,
    signup: thSignup,
    inbox: thInbox,
    integrations: thIntegrations,
    templates: thTemplates,
    tenants: thTenants,
  },
}
