/**
 * One identifier URI and one set of scopes across the three places that must agree for Teams SSO to work: the Teams
 * manifest's webApplicationInfo, the Entra app (aad.manifest.json) and the Azure Bot's OAuth connection
 * (infra/main.bicep). A mismatch shows only when an admin signs in (AADSTS500011, a sign-in card instead of SSO).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { SESAME_SIGN_IN_SCOPES } from '../../core/procedures/catalog.js';
import { readBicep, readParameters, resourceBlock } from './bicep-template.js';

const root = join(import.meta.dirname, '..', '..');
type Json = Record<string, unknown>;
const manifest = JSON.parse(readFileSync(join(root, 'manifest', 'manifest.json'), 'utf8')) as Json;
const aad = JSON.parse(readFileSync(join(root, 'aad.manifest.json'), 'utf8')) as Json;
const bicep = readBicep();
const parameters = readParameters();
const connection = resourceBlock(bicep.text, 'ssoConnection').body;

/** Fills the Toolkit's ${{VAR}} placeholders the way provisioning would. */
const env: Record<string, string> = {
  BOT_ID: '11111111-2222-4333-8444-555555555555',
  BOT_DOMAIN: 'sesamedev-abc123.azurewebsites.net',
  AAD_APP_CLIENT_ID: '22222222-3333-4444-8555-666666666666',
  AAD_APP_TENANT_ID: '66666666-7777-4888-9999-000000000000',
  BOT_TENANT_ID: '66666666-7777-4888-9999-000000000000',
  APP_NAME_SUFFIX: 'dev',
  OAUTH_CONNECTION_NAME: 'sesame-sso',
};
const fill = (s: string) =>
  s.replace(
    /\$\{\{(\w+)\}\}/g,
    (_, v: string) =>
      env[v] ??
      (() => {
        throw new Error(`no value for ${v}`);
      })(),
  );

/** The Bicep side, with parameters from main.parameters.json and publicHost being the BOT_DOMAIN output. */
function bicepValue(expression: string): string {
  expect(bicep.outputs.get('BOT_DOMAIN')).toBe('publicHost');
  const values: Record<string, string> = { publicHost: env.BOT_DOMAIN! };
  for (const [name, value] of Object.entries(parameters))
    if (!value.includes('SECRET_')) values[name] = fill(value);
  const literal = /^'(.*)'$/.exec(expression);
  if (literal) return bicep.interpolate(literal[1]!, values);
  if (bicep.vars.has(expression)) return bicep.interpolate(bicep.vars.get(expression)!, values);
  if (values[expression] !== undefined) return values[expression]!;
  throw new Error(`cannot evaluate ${expression}`);
}

function connectionProperty(key: string): string {
  const m =
    new RegExp(`\\{ key: '${key}', value: (\\w+) \\}`).exec(connection) ??
    new RegExp(`^\\s+${key}: (\\S+)$`, 'm').exec(connection);
  if (!m) throw new Error(`the OAuth connection has no ${key}`);
  return bicepValue(m[1]!);
}

describe('SSO settings agree', () => {
  it('on one identifier URI: webApplicationInfo.resource, the Entra app and the token exchange URL', () => {
    const info = manifest.webApplicationInfo as { id: string; resource: string };
    const uri = `api://${env.BOT_DOMAIN}/botid-${env.BOT_ID}`;
    expect(fill(info.resource)).toBe(uri);
    expect((aad.identifierUris as string[]).map(fill)).toEqual([uri]);
    expect(connectionProperty('tokenExchangeUrl')).toBe(uri);
    // The App Service tells the server the same URI (it validates tab tokens for it).
    expect(bicepValue(bicep.appSettings.get('AAD_APP_ID_URI')!)).toBe(uri);
  });

  it('on one app: webApplicationInfo.id, the Entra app and the OAuth connection’s client', () => {
    const info = manifest.webApplicationInfo as { id: string };
    expect(fill(info.id)).toBe(env.AAD_APP_CLIENT_ID);
    expect(fill(aad.appId as string)).toBe(env.AAD_APP_CLIENT_ID);
    expect(connectionProperty('clientId')).toBe(env.AAD_APP_CLIENT_ID);
    expect(connectionProperty('tenantID')).toBe(env.AAD_APP_TENANT_ID);
    expect(bicepValue(bicep.appSettings.get('AAD_APP_CLIENT_ID')!)).toBe(env.AAD_APP_CLIENT_ID);
  });

  it('on one set of scopes: the Entra app requests, the OAuth connection asks for, Sesame’s operations need', () => {
    const graph = (
      aad.requiredResourceAccess as {
        resourceAppId: string;
        resourceAccess: { id: string; type: string }[];
      }[]
    ).find((r) => r.resourceAppId === 'Microsoft Graph')!;
    const requested = graph.resourceAccess.map((r) => r.id);
    expect(graph.resourceAccess.every((r) => r.type === 'Scope')).toBe(true);
    const asked = connectionProperty('scopes').split(' ');
    expect([...requested].sort()).toEqual([...SESAME_SIGN_IN_SCOPES].sort());
    expect([...asked].sort()).toEqual([...SESAME_SIGN_IN_SCOPES].sort());
  });

  it('uses Microsoft Entra ID v2 with token exchange, and Teams can get tokens for the exposed scope', () => {
    expect(connection).toContain("serviceProviderId: '30dd229c-58e3-4a48-bdfd-91ec48eb906c'");
    expect(connection).toContain("serviceProviderDisplayName: 'Azure Active Directory v2'");
    expect(parameters.oauthConnectionName).toBe('${{OAUTH_CONNECTION_NAME}}');
    expect(resourceBlock(bicep.text, 'ssoConnection').body).toContain('name: oauthConnectionName');
    const scope = (aad.oauth2Permissions as { id: string; value: string }[]).find(
      (p) => p.value === 'access_as_user',
    )!;
    for (const pre of aad.preAuthorizedApplications as { appId: string; permissionIds: string[] }[])
      expect([pre.appId, pre.permissionIds]).toEqual([pre.appId, [scope.id]]);
    expect(aad.replyUrlsWithType).toEqual(
      expect.arrayContaining([{ url: 'https://token.botframework.com/.auth/web/redirect', type: 'Web' }]),
    );
  });
});
