import { GRAPH_AUDIENCE, type SandboxAppRegistration } from '../contracts.js';
import { EntraError, entraErrors } from './entra-errors.js';

export const OIDC_SCOPES: ReadonlySet<string> = new Set(['openid', 'profile', 'email', 'offline_access']);
export const GRAPH_APP_ID = '00000003-0000-0000-c000-000000000000';
export const BOT_FRAMEWORK_AUDIENCE = 'https://api.botframework.com';

/** What a scope parameter asks for: OpenID scopes plus at most one resource, as Entra v2 allows. */
export type ResourceRequest =
  | { readonly kind: 'none' }
  | { readonly kind: 'graph'; readonly scopes: readonly string[] | 'default' }
  | { readonly kind: 'botframework' }
  | {
      readonly kind: 'app';
      readonly app: SandboxAppRegistration;
      readonly scopes: readonly string[] | 'default';
    };

export interface ParsedScopes {
  readonly oidc: ReadonlySet<string>;
  readonly resource: ResourceRequest;
}

function appPrefixes(app: SandboxAppRegistration): string[] {
  const prefixes = [app.clientId, `api://${app.clientId}`];
  if (app.applicationIdUri) prefixes.push(app.applicationIdUri);
  return prefixes.map((p) => p.toLowerCase().replace(/\/$/, ''));
}

export function parseScopes(scopeParam: string, apps: readonly SandboxAppRegistration[]): ParsedScopes {
  const oidc = new Set<string>();
  let resource: ResourceRequest = { kind: 'none' };
  const graphScopes: string[] = [];
  let graphDefault = false;
  const appScopes: string[] = [];
  let appDefault = false;
  let app: SandboxAppRegistration | undefined;
  let bot = false;

  for (const raw of scopeParam.split(/\s+/).filter(Boolean)) {
    const lower = raw.toLowerCase();
    if (OIDC_SCOPES.has(lower)) {
      oidc.add(lower);
      continue;
    }
    const graphPrefix = [`${GRAPH_AUDIENCE}/`, `${GRAPH_APP_ID}/`].find((p) => lower.startsWith(p));
    if (graphPrefix || (!raw.includes('/') && !raw.includes(':'))) {
      const name = graphPrefix ? raw.slice(graphPrefix.length) : raw;
      if (name === '.default') graphDefault = true;
      else if (name) graphScopes.push(name);
      else throw entraErrors.invalidScope(raw);
      continue;
    }
    if (lower === `${BOT_FRAMEWORK_AUDIENCE}/.default`) {
      bot = true;
      continue;
    }
    const slash = raw.lastIndexOf('/');
    const prefix = lower.slice(0, slash);
    const owner = apps.find((a) => appPrefixes(a).includes(prefix));
    if (!owner) throw entraErrors.unknownResource(slash > 0 ? raw.slice(0, slash) : raw);
    if (app && app !== owner) throw multipleResources();
    app = owner;
    const name = raw.slice(slash + 1);
    if (name === '.default') appDefault = true;
    else appScopes.push(name);
  }

  const kinds = [graphDefault || graphScopes.length > 0, bot, app !== undefined].filter(Boolean).length;
  if (kinds > 1) throw multipleResources();
  if (graphDefault || graphScopes.length > 0)
    resource = { kind: 'graph', scopes: graphDefault ? 'default' : graphScopes };
  else if (bot) resource = { kind: 'botframework' };
  else if (app) resource = { kind: 'app', app, scopes: appDefault ? 'default' : appScopes };
  return { oidc, resource };
}

function multipleResources(): EntraError {
  return new EntraError(
    400,
    'invalid_scope',
    28000,
    'Provided value for the input parameter scope is not valid because it contains more than one resource. Scope list is not valid.',
  );
}

/**
 * The delegated Graph scopes `app` gets: `.default` means everything consented; explicit scopes must all be
 * consented, otherwise Entra answers consent_required (a non-interactive grant cannot ask the user).
 */
export function grantGraphScopes(
  requested: readonly string[] | 'default',
  app: SandboxAppRegistration,
): string[] {
  const consented = new Map(app.consentedGraphScopes.map((s) => [s.toLowerCase(), s]));
  if (requested === 'default') return [...app.consentedGraphScopes];
  const granted: string[] = [];
  for (const scope of requested) {
    const match = consented.get(scope.toLowerCase());
    if (!match) throw entraErrors.consentRequired(app.clientId, app.displayName);
    if (!granted.includes(match)) granted.push(match);
  }
  return granted;
}

/** Scopes an app exposes on its own API (Teams SSO: access_as_user). */
export function grantAppScopes(requested: readonly string[] | 'default'): string[] {
  if (requested === 'default') return ['access_as_user'];
  for (const s of requested) if (s !== 'access_as_user') throw entraErrors.invalidScope(s);
  return ['access_as_user'];
}
