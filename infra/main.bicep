// Sesame's Azure resources, deployed by teamsapp.yml's arm/deploy (`atk provision --env <env>`):
// the App Service (Linux, Node 24 LTS) that runs the bot and serves the tab, its managed identity, the Key Vault
// holding the secrets it reads, the Azure Bot resource (single-tenant, Azure-managed) with its Teams channel and the
// OAuth connection that performs Teams SSO, PostgreSQL Flexible Server (the production store), and Application
// Insights. Parameters come from env/.env.<env> and env/.env.<env>.user through main.parameters.json; no secret is
// written in this file. See docs/real-teams.md, "2. Provision".

@description('Prefix of every resource name, e.g. sesamedev. Lower case letters and digits.')
@minLength(3)
@maxLength(16)
param resourceBaseName string

param location string = resourceGroup().location

@description('App Service plan size. B1 is the smallest with Always On; P0v3 or larger for production.')
param appServicePlanSku string = 'B1'

@description('Azure Bot pricing tier: F0 (free, standard channels such as Teams) or S1.')
@allowed(['F0', 'S1'])
param botServiceSku string = 'F0'

@description('Display name of the bot in the Azure portal.')
param botDisplayName string

@description('The bot\'s Entra app (client) id: BOT_ID, made by aadApp/create.')
param botAadAppClientId string

@description('The tenant of the bot\'s single-tenant app: BOT_TENANT_ID.')
param botAadAppTenantId string

@secure()
@description('The bot app\'s client secret: SECRET_BOT_PASSWORD from env/.env.<env>.user.')
param botAadAppClientSecret string

@description('The SSO app\'s client id: AAD_APP_CLIENT_ID.')
param aadAppClientId string

@description('The SSO app\'s tenant: AAD_APP_TENANT_ID.')
param aadAppTenantId string

@secure()
@description('The SSO app\'s client secret: SECRET_AAD_APP_CLIENT_SECRET from env/.env.<env>.user.')
param aadAppClientSecret string

@description('Name of the OAuth connection on the Azure Bot: OAUTH_CONNECTION_NAME.')
param oauthConnectionName string

@description('PostgreSQL administrator login.')
param postgresAdminLogin string = 'sesameadmin'

@secure()
@description('PostgreSQL administrator password: SECRET_POSTGRES_ADMIN_PASSWORD from env/.env.<env>.user (you choose it).')
param postgresAdminPassword string

// The delegated Graph permissions Sesame's procedures use (SESAME_SIGN_IN_SCOPES, core/procedures/catalog.ts, derived from core/graph/operations), as the bot's OAuth connection
// asks for them: the same as aad.manifest.json requests (tests/infra/sso-agreement.test.ts checks all three).
var graphScopes = 'openid profile offline_access Policy.Read.All RoleManagement.ReadWrite.Directory User.Read User.ReadWrite.All CrossTenantInformation.ReadBasic.All Directory.Read.All LicenseAssignment.ReadWrite.All Domain.ReadWrite.All Application.ReadWrite.All Synchronization.ReadWrite.All AppRoleAssignment.ReadWrite.All AuditLog.Read.All'

var suffix = take(uniqueString(resourceGroup().id, resourceBaseName), 6)
var name = toLower('${resourceBaseName}-${suffix}')
// Key Vault names: 3-24 characters, letters, digits and hyphens.
var vaultName = take('kv-${replace(name, '-', '')}', 24)
var startCommand = 'node dist/server/main.js'
// Key Vault Secrets User (built-in role).
var keyVaultSecretsUserRoleId = '4633458b-17de-408a-b874-0445c86b69e6'

resource identity 'Microsoft.ManagedIdentity/userAssignedIdentities@2023-01-31' = {
  name: '${name}-identity'
  location: location
}

resource logs 'Microsoft.OperationalInsights/workspaces@2023-09-01' = {
  name: '${name}-logs'
  location: location
  properties: {
    sku: { name: 'PerGB2018' }
    retentionInDays: 30
  }
}

resource insights 'Microsoft.Insights/components@2020-02-02' = {
  name: '${name}-insights'
  location: location
  kind: 'web'
  properties: {
    Application_Type: 'web'
    WorkspaceResourceId: logs.id
  }
}

resource postgres 'Microsoft.DBforPostgreSQL/flexibleServers@2024-08-01' = {
  name: '${name}-pg'
  location: location
  sku: {
    name: 'Standard_B1ms'
    tier: 'Burstable'
  }
  properties: {
    version: '16'
    administratorLogin: postgresAdminLogin
    administratorLoginPassword: postgresAdminPassword
    storage: { storageSizeGB: 32 }
    backup: {
      backupRetentionDays: 7
      geoRedundantBackup: 'Disabled'
    }
    highAvailability: { mode: 'Disabled' }
    network: { publicNetworkAccess: 'Enabled' }
  }
}

// 0.0.0.0 to 0.0.0.0: connections from Azure services only (the App Service's outbound addresses).
resource postgresAzureOnly 'Microsoft.DBforPostgreSQL/flexibleServers/firewallRules@2024-08-01' = {
  parent: postgres
  name: 'AllowAzureServices'
  properties: {
    startIpAddress: '0.0.0.0'
    endIpAddress: '0.0.0.0'
  }
}

resource database 'Microsoft.DBforPostgreSQL/flexibleServers/databases@2024-08-01' = {
  parent: postgres
  name: 'sesame'
  properties: {
    charset: 'UTF8'
    collation: 'en_US.utf8'
  }
}

resource vault 'Microsoft.KeyVault/vaults@2023-07-01' = {
  name: vaultName
  location: location
  properties: {
    tenantId: subscription().tenantId
    sku: {
      family: 'A'
      name: 'standard'
    }
    enableRbacAuthorization: true
    enableSoftDelete: true
    softDeleteRetentionInDays: 7
  }
}

resource botSecret 'Microsoft.KeyVault/vaults/secrets@2023-07-01' = {
  parent: vault
  name: 'bot-client-secret'
  properties: { value: botAadAppClientSecret }
}

resource ssoSecret 'Microsoft.KeyVault/vaults/secrets@2023-07-01' = {
  parent: vault
  name: 'sso-client-secret'
  properties: { value: aadAppClientSecret }
}

// TLS to Azure Database for PostgreSQL, whose certificate chains to a public root.
resource databaseUrlSecret 'Microsoft.KeyVault/vaults/secrets@2023-07-01' = {
  parent: vault
  name: 'database-url'
  properties: {
    value: 'postgres://${postgresAdminLogin}:${uriComponent(postgresAdminPassword)}@${postgres.properties.fullyQualifiedDomainName}:5432/${database.name}?sslmode=verify-full'
  }
}

resource vaultReader 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  scope: vault
  name: guid(vault.id, identity.id, keyVaultSecretsUserRoleId)
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', keyVaultSecretsUserRoleId)
    principalId: identity.properties.principalId
    principalType: 'ServicePrincipal'
  }
}

resource plan 'Microsoft.Web/serverfarms@2023-12-01' = {
  name: '${name}-plan'
  location: location
  kind: 'linux'
  sku: { name: appServicePlanSku }
  properties: {
    reserved: true
  }
}

var publicHost = '${name}.azurewebsites.net'
var applicationIdUri = 'api://${publicHost}/botid-${botAadAppClientId}'

resource site 'Microsoft.Web/sites@2023-12-01' = {
  name: name
  location: location
  kind: 'app,linux'
  identity: {
    type: 'UserAssigned'
    userAssignedIdentities: { '${identity.id}': {} }
  }
  properties: {
    serverFarmId: plan.id
    httpsOnly: true
    keyVaultReferenceIdentity: identity.id
    siteConfig: {
      linuxFxVersion: 'NODE|24-lts'
      appCommandLine: startCommand
      healthCheckPath: '/healthz'
      alwaysOn: true
      http20Enabled: true
      minTlsVersion: '1.2'
      ftpsState: 'Disabled'
      // The settings docs/real-teams.md lists ("5. Runtime settings"), and only those.
      appSettings: [
        { name: 'SESAME_MODE', value: 'production' }
        { name: 'PUBLIC_URL', value: 'https://${publicHost}' }
        { name: 'CLIENT_ID', value: botAadAppClientId }
        { name: 'CLIENT_SECRET', value: '@Microsoft.KeyVault(SecretUri=${botSecret.properties.secretUri})' }
        { name: 'TENANT_ID', value: botAadAppTenantId }
        { name: 'AAD_APP_CLIENT_ID', value: aadAppClientId }
        { name: 'AAD_APP_CLIENT_SECRET', value: '@Microsoft.KeyVault(SecretUri=${ssoSecret.properties.secretUri})' }
        { name: 'AAD_APP_ID_URI', value: applicationIdUri }
        { name: 'OAUTH_CONNECTION_NAME', value: oauthConnectionName }
        { name: 'DATABASE_URL', value: '@Microsoft.KeyVault(SecretUri=${databaseUrlSecret.properties.secretUri})' }
        { name: 'APPLICATIONINSIGHTS_CONNECTION_STRING', value: insights.properties.ConnectionString }
        // The artifact carries its production dependencies: no build on App Service.
        { name: 'SCM_DO_BUILD_DURING_DEPLOYMENT', value: 'false' }
      ]
    }
  }
  dependsOn: [vaultReader]
}

// The Azure-managed bot: single-tenant (Azure Bot Service takes no new multi-tenant bots), Teams channel, and the
// OAuth connection Teams SSO needs in the chat.
resource bot 'Microsoft.BotService/botServices@2022-09-15' = {
  name: name
  location: 'global'
  kind: 'azurebot'
  sku: { name: botServiceSku }
  properties: {
    displayName: botDisplayName
    endpoint: 'https://${publicHost}/api/messages'
    msaAppId: botAadAppClientId
    msaAppType: 'SingleTenant'
    msaAppTenantId: botAadAppTenantId
    developerAppInsightKey: insights.properties.InstrumentationKey
  }
}

resource teamsChannel 'Microsoft.BotService/botServices/channels@2022-09-15' = {
  parent: bot
  name: 'MsTeamsChannel'
  location: 'global'
  properties: {
    channelName: 'MsTeamsChannel'
    properties: { isEnabled: true }
  }
}

resource ssoConnection 'Microsoft.BotService/botServices/connections@2022-09-15' = {
  parent: bot
  name: oauthConnectionName
  location: 'global'
  properties: {
    // Microsoft Entra ID v2 ("Aadv2") with token exchange: Teams swaps the admin's SSO token silently.
    serviceProviderDisplayName: 'Azure Active Directory v2'
    serviceProviderId: '30dd229c-58e3-4a48-bdfd-91ec48eb906c'
    clientId: aadAppClientId
    clientSecret: aadAppClientSecret
    scopes: graphScopes
    parameters: [
      { key: 'tenantID', value: aadAppTenantId }
      { key: 'tokenExchangeUrl', value: applicationIdUri }
    ]
  }
}

// Written back to env/.env.<env> by the Toolkit (output names become the variable names).
output AZURE_APP_SERVICE_RESOURCE_ID string = site.id
output AZURE_BOT_RESOURCE_ID string = bot.id
output BOT_DOMAIN string = publicHost
output BOT_ENDPOINT string = 'https://${publicHost}'
output TAB_DOMAIN string = publicHost
output TAB_ENDPOINT string = 'https://${publicHost}'
