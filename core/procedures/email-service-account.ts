/**
 * Procedure C: the email-integration service account (Indio), from the vendor's guide (seed 002, "configurer des
 * comptes de service pour l'intégration des courriels"). Sesame creates the account in a verified domain with a
 * generated password shown once, sets its usage location, assigns a licence with an Exchange plan and a free seat,
 * and waits for the mailbox. The guide's last part (the ApplicationImpersonation role for EWS) is obsolete: Sesame
 * says so with the dates, and gives today's way instead — an application scoped to this one mailbox with Exchange
 * RBAC for Applications, as PowerShell filled in for this tenant, account and app — then the MAPI check Graph
 * cannot make, and a wait for the role's propagation (up to 2 hours) with a reminder.
 */
import { fromGraphErrorData, type CallResult } from '../engine/call-result.js';
import { graphNeeds } from '../graph/scopes.js';
import { describeError } from '../i18n/describe-error.js';
import type { ServiceAccount, SubscribedSku } from '../ports/tenant-graph.js';
import { powerShellString } from './context-escaping.js';
import type { LocalizedText } from './text.js';
import { defineAction, defineCheck, defineChoiceSource, defineWait, graphCall } from './typed-logic.js';
import type {
  CheckOutcome,
  CopyableValue,
  JsonValue,
  Link,
  Procedure,
  ProcedureLogic,
  ProcedureModule,
  StepContext,
} from './types.js';
import { requiredScopesOf, secretRef } from './types.js';

export const EMAIL_SERVICE_ACCOUNT_ID = 'email-service-account';
/** The name of the generated password (the run and the audit keep only this name). */
export const SERVICE_PASSWORD = 'servicePassword';
export const SERVICE_PASSWORD_LENGTH = 24;
/** The Exchange role RBAC for Applications gives the app, scoped to the one mailbox. */
export const EXCHANGE_APP_ROLE = 'Application Mail.ReadWrite';

const L = (fr: string, en: string): LocalizedText => ({ fr, en });

/** The Exchange service plans that give a mailbox Outlook (MAPI) can open; Kiosk (DESKLESS) and FOUNDATION do not. */
const MAILBOX_PLANS: readonly { readonly prefix: string; readonly name: string }[] = [
  { prefix: 'EXCHANGE_S_ENTERPRISE', name: 'Exchange Online (Plan 2)' },
  { prefix: 'EXCHANGE_S_STANDARD', name: 'Exchange Online (Plan 1)' },
  { prefix: 'EXCHANGE_S_ESSENTIALS', name: 'Exchange Online Essentials' },
];

/** Statuses whose seats can be assigned ("Warning" is the grace period: still assignable). */
const ASSIGNABLE_STATUSES = ['Enabled', 'Warning'];

const LINKS = {
  purchase: {
    label: L(
      'Acheter une licence (centre d’administration Microsoft 365)',
      'Buy a licence (Microsoft 365 admin center)',
    ),
    url: 'https://admin.microsoft.com/#/catalog',
  },
  activeUsers: {
    label: L(
      'Utilisateurs actifs (centre d’administration Microsoft 365)',
      'Active users (Microsoft 365 admin center)',
    ),
    url: 'https://admin.microsoft.com/#/users',
  },
  rbacForApps: {
    label: L('RBAC pour les applications (Exchange Online)', 'RBAC for Applications (Exchange Online)'),
    url: 'https://learn.microsoft.com/exchange/permissions-exo/application-rbac',
  },
  appRegistrations: {
    label: L('Inscriptions d’applications (Entra)', 'App registrations (Entra)'),
    url: 'https://entra.microsoft.com/#view/Microsoft_AAD_RegisteredApps/ApplicationsListBlade',
  },
} satisfies Record<string, Link>;

// ---------------------------------------------------------------------------------------------------------
// Values of the run

function str(ctx: StepContext, fact: string): string | undefined {
  const v = ctx.facts[fact];
  return typeof v === 'string' && v !== '' ? v : undefined;
}

/** The alias typed (validated by the form: letters, digits, . _ -). */
const alias = (ctx: StepContext): string => (ctx.inputs.alias ?? '').trim();
/** The account's UPN: the alias in the verified domain picked from the tenant's. */
export function serviceUpn(ctx: StepContext): string {
  return `${alias(ctx)}@${str(ctx, 'upnDomain') ?? ''}`.toLowerCase();
}
const usageLocation = (ctx: StepContext): string => (ctx.inputs.usageLocation ?? '').trim().toUpperCase();
const accountId = (ctx: StepContext): string => str(ctx, 'accountId') ?? '';
const skuId = (ctx: StepContext): string => str(ctx, 'skuId') ?? '';
const appId = (ctx: StepContext): string => (ctx.inputs.appId ?? '').trim().toLowerCase();
/** The management scope RBAC for Applications restricts the app to: one per account. */
const scopeName = (ctx: StepContext): string => `Sesame - ${alias(ctx)} mailbox`;

type Failed = Extract<CallResult, { ok: false }>;

/** What failed, in the words describeError gives every error, with Graph's request-id. */
function graphFailure(what: LocalizedText, r: Failed): LocalizedText {
  const error = fromGraphErrorData(r.error);
  const id = r.error.requestId ? ` (request-id ${r.error.requestId})` : '';
  return {
    fr: `${what.fr} : ${describeError(error, 'fr').message}${id}`,
    en: `${what.en}: ${describeError(error, 'en').message}${id}`,
  };
}

const stopOn = (reason: LocalizedText): CheckOutcome => ({ result: 'stop', reason, summary: reason });

/** Graph's words for the refusals this procedure explains (the procedure's explanation comes first). */
const USAGE_LOCATION_ERROR = /usage location/i;
const NO_FREE_SEAT_ERROR = /does not have any available licenses/i;
const UNVERIFIED_DOMAIN_ERROR = /verified domain names/i;
const EXISTS_ERROR = /already exists/i;
const PASSWORD_ERROR = /password complexity/i;

/** A refused write: the procedure's explanation (shown first on the card), and what Graph said. */
function explained(
  explanation: LocalizedText,
  r: Failed,
  what: LocalizedText,
): { readonly status: 'failed'; readonly summary: LocalizedText; readonly explanation: LocalizedText } {
  return { status: 'failed', summary: graphFailure(what, r), explanation };
}

// ---------------------------------------------------------------------------------------------------------
// Licences

/** The mailbox plan a licence includes, if any. */
function mailboxPlanOf(
  sku: SubscribedSku,
): { readonly servicePlanName: string; readonly name: string } | undefined {
  for (const plan of sku.servicePlans) {
    const known = MAILBOX_PLANS.find((p) => (plan.servicePlanName ?? '').startsWith(p.prefix));
    if (known) return { servicePlanName: plan.servicePlanName ?? known.prefix, name: known.name };
  }
  return undefined;
}

/** Seats that can be given: enabled minus consumed (suspended and warning units are not counted as enabled). */
export function freeSeats(sku: SubscribedSku): number {
  if (!ASSIGNABLE_STATUSES.includes(sku.capabilityStatus ?? '')) return 0;
  return Math.max(0, (sku.prepaidUnits?.enabled ?? 0) - (sku.consumedUnits ?? 0));
}

interface LicenceFit {
  readonly sku: SubscribedSku;
  readonly plan: { readonly servicePlanName: string; readonly name: string };
  readonly free: number;
}

function licencesWithMailbox(skus: readonly SubscribedSku[]): LicenceFit[] {
  return skus.flatMap((sku) => {
    const plan = mailboxPlanOf(sku);
    return plan ? [{ sku, plan, free: freeSeats(sku) }] : [];
  });
}

/** Plan 1 first: it is enough for a service mailbox, and the cheapest. */
const planRank = (f: LicenceFit): number => (f.plan.name === 'Exchange Online (Plan 1)' ? 0 : 1);

const skuLabel = (f: LicenceFit): string =>
  `${f.sku.skuPartNumber ?? f.sku.skuId} — ${f.plan.name} — ${f.free} / ${f.sku.prepaidUnits?.enabled ?? 0}`;

/** The account holds a licence with a mailbox plan (reused account, or a licence assigned before a retry). */
function licensedWithMailbox(
  account: ServiceAccount,
  skus: readonly SubscribedSku[],
): LicenceFit | undefined {
  const fits = licencesWithMailbox(skus);
  return account.assignedLicenses
    .map((l) => fits.find((f) => f.sku.skuId.toLowerCase() === (l.skuId ?? '').toLowerCase()))
    .find((f) => f !== undefined);
}

const PLANS_THAT_FIT = L(
  'Exchange Online (Plan 1) — la moins chère qui convient —, Exchange Online (Plan 2), Microsoft 365 Business Basic, ' +
    'Business Standard ou Business Premium, Office 365 E1, E3 ou E5, Microsoft 365 E3 ou E5 (pas les licences ' +
    'Kiosk ni F1, sans Outlook de bureau)',
  'Exchange Online (Plan 1) — the cheapest that fits —, Exchange Online (Plan 2), Microsoft 365 Business Basic, ' +
    'Business Standard or Business Premium, Office 365 E1, E3 or E5, Microsoft 365 E3 or E5 (not the Kiosk or F1 ' +
    'licences, without desktop Outlook)',
);

// ---------------------------------------------------------------------------------------------------------
// The procedure

const NOT_SHOWN_AGAIN = L(
  'Sesame ne connaît pas le mot de passe d’un compte qu’il n’a pas créé et ne le change pas : si Indio en a besoin, ' +
    'réinitialisez-le dans le centre d’administration Microsoft 365.',
  'Sesame does not know the password of an account it did not create and does not change it: if Indio needs it, ' +
    'reset it in the Microsoft 365 admin center.',
);

export const emailServiceAccount: Procedure = {
  id: EMAIL_SERVICE_ACCOUNT_ID,
  version: 1,
  title: L(
    'Compte de service pour l’intégration e-mail (Indio)',
    'Service account for email integration (Indio)',
  ),
  summary: L(
    'Crée le compte de service d’Indio dans un domaine vérifié (mot de passe généré, affiché une seule fois), lui ' +
      'attribue une licence avec Exchange et attend sa boîte aux lettres. L’étape EWS de l’éditeur est obsolète : ' +
      'Sesame donne la méthode actuelle (RBAC pour les applications, limitée à cette boîte) en PowerShell prêt à ' +
      'coller, la vérification MAPI, et attend la propagation.',
    'Creates Indio’s service account in a verified domain (generated password, shown once), assigns it a licence ' +
      'with Exchange and waits for its mailbox. The vendor’s EWS step is obsolete: Sesame gives today’s way (RBAC ' +
      'for Applications, limited to this mailbox) as PowerShell ready to paste, the MAPI check, and waits for the ' +
      'propagation.',
  ),
  aliases: [
    'compte de service Indio',
    'compte de service e-mail',
    'compte de service messagerie',
    'compte de service intégration e-mail',
    'intégration e-mail Indio',
    'intégration des courriels',
    'boîte mail d’intégration',
    'boîte aux lettres d’intégration',
    'boîte mail Indio',
    'Indio',
    'service account for Indio',
    'Indio service account',
    'email service account',
    'email integration account',
    'email integration Indio',
    'mailbox for Indio',
  ],
  vendor: { name: 'Indio', url: 'https://www.useindio.com/' },
  get requiredScopes() {
    return requiredScopesOf(this.steps);
  },
  steps: [
    {
      id: 'tenant',
      kind: 'check',
      logic: 'tenantDefaults',
      title: L('Votre organisation', 'Your organisation'),
      body: L(
        'Sesame lit le pays de votre organisation : il sert d’emplacement d’utilisation par défaut du compte (Microsoft ' +
          'refuse une licence à un compte qui n’en a pas).',
        'Sesame reads your organisation’s country: it is the account’s default usage location (Microsoft refuses a ' +
          'licence to an account without one).',
      ),
      ...graphNeeds('getOrganization'),
    },
    {
      id: 'upn-domain',
      kind: 'choice',
      title: L('Domaine de l’adresse du compte', 'Domain of the account’s address'),
      body: L(
        'Le compte de service aura une adresse (UPN) dans l’un des domaines vérifiés de votre organisation. Lequel ?',
        'The service account gets an address (UPN) in one of your organisation’s verified domains. Which one?',
      ),
      options: [],
      fromTenant: {
        source: 'verifiedDomains',
        fact: 'upnDomain',
        next: 'account',
        label: L('Domaine vérifié', 'Verified domain'),
        none: L(
          'Votre organisation n’a aucun domaine vérifié : Microsoft n’accepte pas d’adresse hors de ses domaines ' +
            'vérifiés. Vérifiez un domaine (procédure « domaine et approvisionnement »), puis recommencez.',
          'Your organisation has no verified domain: Microsoft accepts no address outside its verified domains. ' +
            'Verify a domain (the "domain and provisioning" procedure), then start again.',
        ),
      },
      ...graphNeeds('listDomains'),
    },
    {
      id: 'account',
      kind: 'input',
      title: L('Le compte de service', 'The service account'),
      body: L(
        'Son adresse sera alias@{upnDomain}. Emplacement d’utilisation : le pays où le compte est utilisé (code à ' +
          'deux lettres), par défaut celui de votre organisation.',
        'Its address will be alias@{upnDomain}. Usage location: the country where the account is used (two-letter ' +
          'code), by default your organisation’s.',
      ),
      fields: [
        {
          id: 'displayName',
          type: 'text',
          label: L('Nom affiché', 'Display name'),
          placeholder: L('Indio – intégration e-mail', 'Indio – email integration'),
          default: 'Indio',
          rules: [
            { kind: 'required' },
            { kind: 'maxLength', max: 256 },
            {
              kind: 'pattern',
              // No control characters, and not only punctuation: the name is what people see in the address book.
              pattern: '^(?=.*[\\p{L}\\p{N}])[^\\p{Cc}]+$',
              flags: 'u',
              message: L(
                'Nom affiché : au moins une lettre ou un chiffre, sans caractère de contrôle.',
                'Display name: at least one letter or digit, no control characters.',
              ),
            },
          ],
        },
        {
          id: 'alias',
          type: 'text',
          label: L('Alias (partie avant @)', 'Alias (the part before @)'),
          placeholder: L('indio', 'indio'),
          help: L(
            'Lettres sans accent, chiffres, point, tiret ou tiret bas ; il ne commence ni ne finit par un point.',
            'Unaccented letters, digits, dot, hyphen or underscore; it neither starts nor ends with a dot.',
          ),
          rules: [
            { kind: 'required' },
            { kind: 'maxLength', max: 64 },
            {
              kind: 'pattern',
              pattern: '^(?!.*\\.\\.)[A-Za-z0-9_-](?:[A-Za-z0-9._-]*[A-Za-z0-9_-])?$',
              message: L(
                'Alias : lettres sans accent, chiffres, point, tiret ou tiret bas, sans espace, sans point au début, à la fin ni deux de suite (exemple : « indio » ou « svc-indio »).',
                'Alias: unaccented letters, digits, dot, hyphen or underscore, no space, no dot at the start, at the end or twice in a row (example: "indio" or "svc-indio").',
              ),
            },
          ],
        },
        {
          id: 'usageLocation',
          type: 'text',
          label: L('Emplacement d’utilisation (pays)', 'Usage location (country)'),
          placeholder: L('FR', 'FR'),
          defaultFact: 'tenantCountry',
          rules: [
            { kind: 'required' },
            {
              kind: 'pattern',
              pattern: '^[A-Za-z]{2}$',
              message: L(
                'Emplacement d’utilisation : le code pays ISO à deux lettres (exemple : FR, BE, CH, CA).',
                'Usage location: the two-letter ISO country code (example: FR, BE, CH, CA).',
              ),
            },
          ],
        },
      ],
      submitLabel: L('Continuer', 'Continue'),
      scopes: [],
      roles: [],
    },
    {
      id: 'create',
      kind: 'action',
      logic: 'createAccount',
      title: L('Création du compte', 'Creating the account'),
      body: L(
        'Sesame cherche d’abord un compte {upn} : s’il existe, il le reprend au lieu d’en créer un second. Sinon il ' +
          'le crée avec un mot de passe fort généré, affiché une seule fois sur la carte suivante, sans obligation de ' +
          'le changer à la première connexion (Indio se connecte sans personne pour le changer).',
        'Sesame first looks for an account {upn}: if it exists, it reuses it instead of creating a second one. ' +
          'Otherwise it creates it with a generated strong password, shown once on the next card, with no change ' +
          'required at first sign-in (Indio signs in with nobody there to change it).',
      ),
      confirm: L(
        'Créer le compte {upn} (« {displayName} », emplacement {usageLocation}) avec un mot de passe généré ?',
        'Create the account {upn} ("{displayName}", usage location {usageLocation}) with a generated password?',
      ),
      confirmLabel: L('Créer le compte', 'Create the account'),
      generates: [
        {
          name: SERVICE_PASSWORD,
          length: SERVICE_PASSWORD_LENGTH,
          label: L(
            'Mot de passe du compte de service (copiez-le maintenant dans Indio : il ne sera plus affiché)',
            'Password of the service account (copy it into Indio now: it will not be shown again)',
          ),
        },
      ],
      ...graphNeeds('findUserByUpn', 'createServiceAccount'),
    },
    {
      id: 'usage-location',
      kind: 'action',
      logic: 'setUsageLocation',
      title: L('Emplacement d’utilisation', 'Usage location'),
      body: L(
        'Microsoft refuse d’attribuer une licence à un compte sans emplacement d’utilisation (le pays où il est ' +
          'utilisé, qui détermine les services disponibles).',
        'Microsoft refuses to assign a licence to an account without a usage location (the country where it is used, ' +
          'which decides the services available).',
      ),
      confirm: L(
        'Le compte {upn} n’a pas d’emplacement d’utilisation : le fixer à {usageLocation} ?',
        'The account {upn} has no usage location: set it to {usageLocation}?',
      ),
      confirmLabel: L('Fixer l’emplacement', 'Set the location'),
      ...graphNeeds('getServiceAccount', 'setUsageLocation'),
    },
    {
      id: 'licences',
      kind: 'check',
      logic: 'licenceFits',
      title: L('Licences avec Exchange', 'Licences with Exchange'),
      body: L(
        'Sesame cherche une licence qui comprend une boîte aux lettres Exchange et a une place libre (places ' +
          'activées moins places utilisées ; les places suspendues ne comptent pas).',
        'Sesame looks for a licence that includes an Exchange mailbox and has a free seat (enabled seats minus used ' +
          'seats; suspended seats do not count).',
      ),
      ...graphNeeds('getServiceAccount', 'listSubscribedSkus'),
    },
    {
      id: 'licence',
      kind: 'choice',
      title: L('Licence à attribuer', 'Licence to assign'),
      body: L(
        'Les licences de votre organisation qui comprennent Exchange et ont une place libre (libres / achetées). ' +
          'Exchange Online (Plan 1) suffit pour Indio.',
        'Your organisation’s licences that include Exchange and have a free seat (free / bought). Exchange Online ' +
          '(Plan 1) is enough for Indio.',
      ),
      options: [],
      fromTenant: {
        source: 'mailboxLicences',
        fact: 'skuId',
        next: 'assign',
        label: L('Licence', 'Licence'),
        none: L(
          'Plus aucune licence avec Exchange n’a de place libre : achetez-en une, puis relancez la procédure (elle ' +
            'reprend le compte créé).',
          'No licence with Exchange has a free seat any more: buy one, then run the procedure again (it reuses the ' +
            'account created).',
        ),
      },
      ...graphNeeds('listSubscribedSkus'),
    },
    {
      id: 'assign',
      kind: 'action',
      logic: 'assignLicence',
      title: L('Attribution de la licence', 'Assigning the licence'),
      confirm: L('Attribuer la licence {skuLabel} à {upn} ?', 'Assign the licence {skuLabel} to {upn}?'),
      confirmLabel: L('Attribuer', 'Assign'),
      ...graphNeeds('getServiceAccount', 'assignLicense'),
    },
    {
      id: 'mailbox',
      kind: 'wait',
      logic: 'mailboxReady',
      title: L('Boîte aux lettres', 'Mailbox'),
      body: L(
        'Exchange crée la boîte aux lettres de {upn} après l’attribution de la licence : en général quelques minutes, ' +
          'parfois plus. Sesame revérifie toutes les 5 minutes et vous prévient si elle n’est pas prête au bout d’une heure.',
        'Exchange creates the mailbox of {upn} after the licence is assigned: usually a few minutes, sometimes more. ' +
          'Sesame checks again every 5 minutes and tells you if it is not ready after an hour.',
      ),
      due: { durationMs: 60 * 60_000 },
      pollEveryMs: 5 * 60_000,
      pollForMs: 24 * 60 * 60_000,
      reminders: [
        {
          id: 'late',
          at: 'due',
          messageKey: 'email-service-account.mailbox-late',
          message: L(
            'La boîte aux lettres de {upn} n’est toujours pas prête une heure après l’attribution de la licence. ' +
              'Sesame continue de vérifier ; si elle n’apparaît pas dans la journée, ouvrez le compte dans le centre ' +
              'd’administration Microsoft 365 (Utilisateurs actifs › {upn} › Courrier).',
            'The mailbox of {upn} is still not ready an hour after the licence was assigned. Sesame keeps checking; if ' +
              'it does not appear within the day, open the account in the Microsoft 365 admin center (Active users › ' +
              '{upn} › Mail).',
          ),
        },
      ],
      onFailure: {
        messageKey: 'email-service-account.mailbox-failed',
        message: L(
          'Exchange n’a pas pu créer la boîte aux lettres de {upn} (approvisionnement en erreur). Ouvrez le compte ' +
            'dans le centre d’administration Microsoft 365 pour voir la raison.',
          'Exchange could not create the mailbox of {upn} (provisioning error). Open the account in the Microsoft 365 ' +
            'admin center to see why.',
        ),
      },
      ...graphNeeds('getServiceAccount'),
    },
    {
      id: 'ews-obsolete',
      kind: 'manual',
      title: L('La fin du guide d’Indio est obsolète', 'The end of Indio’s guide is obsolete'),
      instructions: L(
        'Le guide de l’éditeur termine en donnant au compte le rôle **ApplicationImpersonation** (« emprunt ' +
          'd’identité ») pour EWS. Ce n’est plus possible ni souhaitable :\n\n' +
          '- Exchange Online a **supprimé le rôle ApplicationImpersonation en février 2025** ;\n' +
          '- **EWS est bloqué par défaut depuis le 1er octobre 2026** et **s’arrête le 1er avril 2027** dans Exchange Online.\n\n' +
          'La méthode actuelle : une **application** (celle d’Indio basée sur Microsoft Graph, ou une inscription ' +
          'd’application que votre organisation crée) reçoit des autorisations d’application Exchange **limitées par ' +
          'RBAC pour les applications** à la seule boîte {upn}. Sesame prépare les commandes PowerShell pour votre ' +
          'organisation : il lui faut l’ID de l’application.',
        'The vendor’s guide ends by giving the account the **ApplicationImpersonation** role for EWS. That is no ' +
          'longer possible nor desirable:\n\n' +
          '- Exchange Online **removed the ApplicationImpersonation role in February 2025**;\n' +
          '- **EWS is blocked by default since 1 October 2026** and **shuts down on 1 April 2027** in Exchange Online.\n\n' +
          'Today’s way: an **application** (Indio’s Graph-based app, or an app registration your organisation ' +
          'creates) gets Exchange application permissions **scoped by RBAC for Applications** to the one mailbox ' +
          '{upn}. Sesame prepares the PowerShell commands for your organisation: it needs the app’s ID.',
      ),
      links: [LINKS.rbacForApps],
      doneLabel: L('Compris', 'Understood'),
      scopes: [],
      roles: [],
    },
    {
      id: 'app',
      kind: 'input',
      title: L('L’application qui lit la boîte', 'The app that reads the mailbox'),
      body: L(
        'L’ID d’application (client) de l’application d’Indio consentie dans votre organisation, ou de l’inscription ' +
          'd’application que vous avez créée pour Indio (Entra › Applications d’entreprise ou Inscriptions d’applications).',
        'The application (client) ID of Indio’s app consented in your organisation, or of the app registration you ' +
          'created for Indio (Entra › Enterprise applications or App registrations).',
      ),
      fields: [
        {
          id: 'appId',
          type: 'text',
          label: L('ID d’application (client)', 'Application (client) ID'),
          placeholder: L('00000000-0000-0000-0000-000000000000', '00000000-0000-0000-0000-000000000000'),
          rules: [
            { kind: 'required' },
            {
              kind: 'pattern',
              pattern: '^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$',
              message: L(
                'ID d’application : un GUID (exemple : 1b2c3d4e-0000-4000-8000-123456789abc).',
                'Application ID: a GUID (example: 1b2c3d4e-0000-4000-8000-123456789abc).',
              ),
            },
          ],
        },
      ],
      submitLabel: L('Préparer les commandes', 'Prepare the commands'),
      scopes: [],
      roles: [],
    },
    {
      id: 'app-sp',
      kind: 'check',
      logic: 'appServicePrincipal',
      title: L('Application dans votre organisation', 'App in your organisation'),
      body: L(
        'Sesame cherche le principal de service de l’application {appId} : Exchange a besoin de son ID d’objet.',
        'Sesame looks for the service principal of the app {appId}: Exchange needs its object ID.',
      ),
      ...graphNeeds('getServicePrincipalByAppId'),
    },
    {
      id: 'app-missing',
      kind: 'choice',
      title: L('Application introuvable', 'App not found'),
      body: L(
        'Aucune application {appId} dans votre organisation. Corrigez l’ID, ou faites d’abord consentir l’application ' +
          'd’Indio (ou créez l’inscription d’application), puis vérifiez de nouveau.',
        'No app {appId} in your organisation. Correct the ID, or first have Indio’s app consented (or create the app ' +
          'registration), then check again.',
      ),
      options: [
        { id: 'correct', label: L('Corriger l’ID', 'Correct the ID'), next: 'app' },
        { id: 'again', label: L('Vérifier de nouveau', 'Check again'), next: 'app-sp' },
      ],
      scopes: [],
      roles: [],
    },
    {
      id: 'app-grants',
      kind: 'check',
      logic: 'appGrants',
      title: L('Autorisations de l’application dans Entra', 'The app’s permissions in Entra'),
      body: L(
        'Une autorisation d’application Microsoft Graph accordée dans Entra vaut pour toutes les boîtes : elle ' +
          's’ajoute à la portée RBAC au lieu d’être limitée par elle. Sesame lit celles de {appName}.',
        'A Microsoft Graph application permission granted in Entra covers every mailbox: it adds to the RBAC scope ' +
          'instead of being limited by it. Sesame reads those of {appName}.',
      ),
      ...graphNeeds('listAppRoleAssignments', 'getServicePrincipalByAppId'),
    },
    {
      id: 'rbac',
      kind: 'manual',
      title: L('RBAC pour les applications (PowerShell)', 'RBAC for Applications (PowerShell)'),
      instructions: L(
        '1. Ouvrez PowerShell avec le module ExchangeOnlineManagement et connectez-vous en Administrateur Exchange ' +
          '(ou Administrateur général) : Connect-ExchangeOnline.\n\n' +
          '2. Collez les commandes affichées ci-dessus, dans l’ordre : elles déclarent l’application dans Exchange, ' +
          'créent une portée limitée à {upn} et donnent à l’application le rôle « ' +
          EXCHANGE_APP_ROLE +
          ' » sur cette seule portée.\n\n' +
          '3. **N’accordez pas aussi la même autorisation d’application Microsoft Graph (Mail.ReadWrite…) à ' +
          'l’application pour toute l’organisation dans Entra** : les deux s’additionnent, et l’application aurait ' +
          'accès à toutes les boîtes.\n\n' +
          'La prise en compte peut demander jusqu’à 2 heures : Sesame attend, puis vous rappelle de tester.',
        '1. Open PowerShell with the ExchangeOnlineManagement module and sign in as an Exchange Administrator (or ' +
          'Global Administrator): Connect-ExchangeOnline.\n\n' +
          '2. Paste the commands shown above, in order: they declare the app in Exchange, create a scope limited to ' +
          '{upn} and give the app the "' +
          EXCHANGE_APP_ROLE +
          '" role on that scope only.\n\n' +
          '3. **Do not also grant the app the same Microsoft Graph application permission (Mail.ReadWrite…) ' +
          'tenant-wide in Entra**: the grants add up, and the app would reach every mailbox.\n\n' +
          'It can take up to 2 hours to apply: Sesame waits, then reminds you to test.',
      ),
      links: [LINKS.rbacForApps],
      doneLabel: L('Commandes exécutées', 'Commands run'),
      scopes: [],
      roles: [],
    },
    {
      id: 'propagation',
      kind: 'wait',
      logic: 'propagation',
      title: L('Propagation des droits (jusqu’à 2 heures)', 'Rights propagating (up to 2 hours)'),
      body: L(
        'Exchange peut mettre jusqu’à 2 heures à appliquer l’attribution de rôle. Sesame vous rappelle de tester le {dueAtText}.',
        'Exchange can take up to 2 hours to apply the role assignment. Sesame reminds you to test on {dueAtText}.',
      ),
      due: { durationMs: 2 * 60 * 60_000 },
      // Graph cannot see the propagation: one re-check just after the due time (the reminder goes out first, so the
      // test commands are the last thing on the card), or "check now" once the due time has passed.
      pollEveryMs: 2 * 60 * 60_000 + 5 * 60_000,
      reminders: [
        {
          id: 'due',
          at: 'due',
          messageKey: 'email-service-account.propagated',
          message: L(
            'Deux heures ont passé depuis l’attribution du rôle à l’application pour la boîte {upn} : testez-la ' +
              'avec Test-ServicePrincipalAuthorization (InScope doit valoir True), puis vérifiez MAPI.',
            'Two hours have passed since the app was given the role on the mailbox {upn}: test it with ' +
              'Test-ServicePrincipalAuthorization (InScope must be True), then check MAPI.',
          ),
        },
      ],
      ...graphNeeds('getServiceAccount'),
    },
    {
      id: 'verify-commands',
      kind: 'check',
      logic: 'verifyCommands',
      title: L('Tests à faire', 'Tests to run'),
      body: L(
        'MAPI n’a pas d’API Microsoft Graph : Sesame vous donne les commandes à lancer.',
        'MAPI has no Microsoft Graph API: Sesame gives you the commands to run.',
      ),
      ...graphNeeds('getServiceAccount'),
    },
    {
      id: 'verify',
      kind: 'manual',
      title: L('Test de l’accès et de MAPI', 'Testing the access and MAPI'),
      instructions: L(
        '1. Test-ServicePrincipalAuthorization (ci-dessus) : la ligne « ' +
          EXCHANGE_APP_ROLE +
          ' » doit indiquer InScope True pour {upn}. False : attendez encore un peu, ou revoyez la portée.\n\n' +
          '2. Get-CASMailbox (ci-dessus) : MAPIEnabled doit valoir True. Sinon : Set-CASMailbox avec -MAPIEnabled $true.\n\n' +
          '3. Dans Indio, activez l’intégration e-mail avec le compte {upn}, son mot de passe (affiché à sa création) ' +
          'et l’application {appId}.',
        '1. Test-ServicePrincipalAuthorization (above): the "' +
          EXCHANGE_APP_ROLE +
          '" line must show InScope True for {upn}. False: wait a little longer, or check the scope.\n\n' +
          '2. Get-CASMailbox (above): MAPIEnabled must be True. If not: Set-CASMailbox with -MAPIEnabled $true.\n\n' +
          '3. In Indio, turn on the email integration with the account {upn}, its password (shown when it was ' +
          'created) and the app {appId}.',
      ),
      links: [LINKS.activeUsers],
      doneLabel: L('Tout est vérifié', 'All verified'),
      next: '$end',
      scopes: [],
      roles: [],
    },
  ],
};

// ---------------------------------------------------------------------------------------------------------
// Step logic

const tenantDefaults = defineCheck({
  reads: () => ({ org: graphCall('getOrganization') }),
  evaluate(_ctx, { org }): CheckOutcome {
    if (!org.ok)
      return {
        result: 'unknown',
        summary: graphFailure(
          L(
            'Lecture du pays de l’organisation (saisissez l’emplacement d’utilisation vous-même)',
            'Reading the organisation’s country (type the usage location yourself)',
          ),
          org,
        ),
        facts: { tenantCountry: null },
      };
    const country = org.data.countryLetterCode?.toUpperCase() ?? null;
    const name = org.data.displayName ?? org.data.id;
    return {
      result: country ? 'pass' : 'unknown',
      summary: country
        ? L(`${name} : pays ${country}.`, `${name}: country ${country}.`)
        : L(
            `${name} n’indique pas de pays : saisissez l’emplacement d’utilisation.`,
            `${name} gives no country: type the usage location.`,
          ),
      facts: { tenantCountry: country, tenantName: name },
    };
  },
});

const verifiedDomains = defineChoiceSource({
  reads: () => ({ domains: graphCall('listDomains') }),
  options(_ctx, { domains }) {
    if (!domains.ok)
      return { error: graphFailure(L('Lecture des domaines', 'Reading the domains'), domains) };
    const verified = domains.data.domains.filter((d) => d.isVerified === true);
    // The default domain first: it is the one people's addresses use.
    const sorted = [...verified].sort((a, b) => Number(b.isDefault === true) - Number(a.isDefault === true));
    return { options: sorted.map((d) => ({ id: d.id.toLowerCase(), label: d.id.toLowerCase() })) };
  },
});

/** What the card says of an account found with the UPN (reused, never duplicated). */
function foundAccount(upn: string, a: ServiceAccount): LocalizedText {
  const disabled = a.accountEnabled === false;
  const guest = a.userType === 'Guest';
  return L(
    `Le compte ${upn} existe déjà (${a.displayName ?? upn}, ${a.id}) : Sesame le reprend, il n’en crée pas d’autre. ${NOT_SHOWN_AGAIN.fr}` +
      (disabled ? ' Il est désactivé : activez-le dans le centre d’administration.' : '') +
      (guest ? ' C’est un invité : choisissez plutôt un autre alias.' : ''),
    `The account ${upn} already exists (${a.displayName ?? upn}, ${a.id}): Sesame reuses it and creates no other. ${NOT_SHOWN_AGAIN.en}` +
      (disabled ? ' It is disabled: enable it in the admin center.' : '') +
      (guest ? ' It is a guest: rather choose another alias.' : ''),
  );
}

const createAccount = defineAction({
  probe: (ctx) => ({ existing: graphCall('findUserByUpn', serviceUpn(ctx)) }),
  interpretProbe(ctx, { existing }) {
    const upn = serviceUpn(ctx);
    if (!existing.ok)
      return { error: true, summary: graphFailure(L(`Recherche de ${upn}`, `Looking for ${upn}`), existing) };
    const found = existing.data.users[0];
    if (!found) return { done: false, facts: { accountId: null, accountExisted: false } };
    return {
      done: true,
      summary: foundAccount(upn, found),
      facts: { accountId: found.id, accountExisted: true },
      objectIds: [found.id],
    };
  },
  write: (ctx) =>
    graphCall('createServiceAccount', {
      displayName: (ctx.inputs.displayName ?? '').trim(),
      mailNickname: alias(ctx),
      userPrincipalName: serviceUpn(ctx),
      usageLocation: usageLocation(ctx),
      password: secretRef(SERVICE_PASSWORD),
    }),
  interpretWrite(ctx, result) {
    const upn = serviceUpn(ctx);
    if (result.ok)
      return {
        status: 'done',
        summary: L(
          `Compte ${upn} créé (${result.data.id}), emplacement d’utilisation ${usageLocation(ctx)}. Son mot de passe est affiché ci-dessous, une seule fois : copiez-le maintenant dans Indio (ou un coffre de mots de passe).`,
          `Account ${upn} created (${result.data.id}), usage location ${usageLocation(ctx)}. Its password is shown below, once: copy it now into Indio (or a password vault).`,
        ),
        facts: { accountId: result.data.id, accountExisted: false },
        objectIds: [result.data.id],
      };
    const what = L(`Création de ${upn}`, `Creating ${upn}`);
    const message = result.error.message;
    if (UNVERIFIED_DOMAIN_ERROR.test(message))
      return explained(
        L(
          `Le domaine de ${upn} n’est plus vérifié dans votre organisation : Microsoft n’accepte une adresse que dans un domaine vérifié. Rien n’a été créé. Annulez et relancez la procédure pour choisir un domaine vérifié.`,
          `The domain of ${upn} is no longer verified in your organisation: Microsoft accepts an address only in a verified domain. Nothing was created. Cancel and start the procedure again to pick a verified domain.`,
        ),
        result,
        what,
      );
    if (EXISTS_ERROR.test(message))
      return explained(
        L(
          `Un objet ${upn} vient d’apparaître (créé entre-temps ou pas encore visible) : rien n’a été créé en double. Réessayez : Sesame le retrouvera et le reprendra.`,
          `An object ${upn} just appeared (created meanwhile, or not visible yet): nothing was created twice. Retry: Sesame will find it and reuse it.`,
        ),
        result,
        what,
      );
    if (PASSWORD_ERROR.test(message))
      return explained(
        L(
          'La stratégie de mot de passe de votre organisation a refusé le mot de passe généré. Rien n’a été créé ; un nouvel essai en génère un autre.',
          'Your organisation’s password policy refused the generated password. Nothing was created; a retry generates another.',
        ),
        result,
        what,
      );
    return { status: 'failed', summary: graphFailure(what, result) };
  },
});

const setUsageLocation = defineAction({
  probe: (ctx) => ({ account: graphCall('getServiceAccount', accountId(ctx)) }),
  interpretProbe(ctx, { account }) {
    const upn = serviceUpn(ctx);
    if (!account.ok)
      return { error: true, summary: graphFailure(L(`Lecture de ${upn}`, `Reading ${upn}`), account) };
    const current = account.data.usageLocation;
    if (current)
      return {
        done: true,
        summary: L(`Emplacement d’utilisation : ${current}.`, `Usage location: ${current}.`),
        facts: { accountUsageLocation: current },
      };
    return { done: false };
  },
  write: (ctx) => graphCall('setUsageLocation', accountId(ctx), usageLocation(ctx)),
  interpretWrite(ctx, result) {
    const upn = serviceUpn(ctx);
    if (result.ok)
      return {
        status: 'done',
        summary: L(
          `Emplacement d’utilisation de ${upn} fixé à ${usageLocation(ctx)}.`,
          `Usage location of ${upn} set to ${usageLocation(ctx)}.`,
        ),
        facts: { accountUsageLocation: usageLocation(ctx) },
      };
    return {
      status: 'failed',
      summary: graphFailure(L(`Emplacement d’utilisation de ${upn}`, `Usage location of ${upn}`), result),
    };
  },
});

const licenceFits = defineCheck({
  reads: (ctx) => ({
    account: graphCall('getServiceAccount', accountId(ctx)),
    skus: graphCall('listSubscribedSkus'),
  }),
  evaluate(ctx, { account, skus }): CheckOutcome {
    const upn = serviceUpn(ctx);
    if (!account.ok) return stopOn(graphFailure(L(`Lecture de ${upn}`, `Reading ${upn}`), account));
    if (!skus.ok) return stopOn(graphFailure(L('Lecture des licences', 'Reading the licences'), skus));
    const has = licensedWithMailbox(account.data, skus.data.skus);
    if (has)
      return {
        result: 'pass',
        next: 'mailbox',
        summary: L(
          `${upn} a déjà une licence avec Exchange : ${has.sku.skuPartNumber ?? has.sku.skuId} (${has.plan.name}).`,
          `${upn} already has a licence with Exchange: ${has.sku.skuPartNumber ?? has.sku.skuId} (${has.plan.name}).`,
        ),
        facts: { skuId: has.sku.skuId, skuIdLabel: skuLabel(has) },
      };
    const fits = licencesWithMailbox(skus.data.skus);
    const free = fits.filter((f) => f.free > 0);
    if (free.length > 0)
      return {
        result: 'pass',
        summary: L(
          `Licences avec Exchange et une place libre : ${free.map(skuLabel).join(' ; ')}.`,
          `Licences with Exchange and a free seat: ${free.map(skuLabel).join('; ')}.`,
        ),
      };
    const full = fits.map((f) => {
      const enabled = f.sku.prepaidUnits?.enabled ?? 0;
      const suspended = f.sku.prepaidUnits?.suspended ?? 0;
      const status = f.sku.capabilityStatus ?? '';
      const fr =
        `${f.sku.skuPartNumber ?? f.sku.skuId} (${f.plan.name}) : ${f.sku.consumedUnits ?? 0} utilisées sur ${enabled}` +
        (suspended > 0 ? `, ${suspended} suspendues` : '') +
        (ASSIGNABLE_STATUSES.includes(status) ? '' : `, abonnement ${status}`);
      const en =
        `${f.sku.skuPartNumber ?? f.sku.skuId} (${f.plan.name}): ${f.sku.consumedUnits ?? 0} used of ${enabled}` +
        (suspended > 0 ? `, ${suspended} suspended` : '') +
        (ASSIGNABLE_STATUSES.includes(status) ? '' : `, subscription ${status}`);
      return { fr, en };
    });
    const others = skus.data.skus
      .filter((s) => !mailboxPlanOf(s))
      .map((s) => s.skuPartNumber ?? s.skuId)
      .join(', ');
    const reason =
      full.length > 0
        ? L(
            `Aucune licence avec Exchange n’a de place libre — ${full.map((f) => f.fr).join(' ; ')}. ` +
              `Il faut en acheter une : une place de plus de l’une d’elles, ou une licence qui convient (${PLANS_THAT_FIT.fr}). ` +
              `Le compte ${upn} reste tel quel, sans licence : relancez la procédure une fois la licence achetée, elle le reprendra.`,
            `No licence with Exchange has a free seat — ${full.map((f) => f.en).join('; ')}. ` +
              `One must be bought: one more seat of one of them, or a licence that fits (${PLANS_THAT_FIT.en}). ` +
              `The account ${upn} stays as it is, unlicensed: run the procedure again once the licence is bought, it will reuse it.`,
          )
        : L(
            `Aucune de vos licences ne comprend de boîte aux lettres Exchange${others ? ` (${others})` : ''}. ` +
              `Il faut en acheter une qui convient : ${PLANS_THAT_FIT.fr}. Le compte ${upn} reste tel quel, sans licence : ` +
              'relancez la procédure une fois la licence achetée, elle le reprendra.',
            `None of your licences includes an Exchange mailbox${others ? ` (${others})` : ''}. ` +
              `One that fits must be bought: ${PLANS_THAT_FIT.en}. The account ${upn} stays as it is, unlicensed: run ` +
              'the procedure again once the licence is bought, it will reuse it.',
          );
    return { result: 'stop', reason, summary: reason, links: [LINKS.purchase] };
  },
});

const mailboxLicences = defineChoiceSource({
  reads: () => ({ skus: graphCall('listSubscribedSkus') }),
  options(_ctx, { skus }) {
    if (!skus.ok) return { error: graphFailure(L('Lecture des licences', 'Reading the licences'), skus) };
    const free = licencesWithMailbox(skus.data.skus)
      .filter((f) => f.free > 0)
      .sort((a, b) => planRank(a) - planRank(b) || b.free - a.free);
    return { options: free.map((f) => ({ id: f.sku.skuId, label: skuLabel(f) })) };
  },
});

const assignLicence = defineAction({
  probe: (ctx) => ({ account: graphCall('getServiceAccount', accountId(ctx)) }),
  interpretProbe(ctx, { account }) {
    const upn = serviceUpn(ctx);
    if (!account.ok)
      return { error: true, summary: graphFailure(L(`Lecture de ${upn}`, `Reading ${upn}`), account) };
    const id = skuId(ctx).toLowerCase();
    if (account.data.assignedLicenses.some((l) => (l.skuId ?? '').toLowerCase() === id))
      return {
        done: true,
        summary: L(`${upn} a déjà cette licence.`, `${upn} already has this licence.`),
      };
    return { done: false };
  },
  write: (ctx) => graphCall('assignLicense', accountId(ctx), skuId(ctx)),
  interpretWrite(ctx, result) {
    const upn = serviceUpn(ctx);
    const label = str(ctx, 'skuIdLabel') ?? skuId(ctx);
    if (result.ok)
      return {
        status: 'done',
        summary: L(`Licence ${label} attribuée à ${upn}.`, `Licence ${label} assigned to ${upn}.`),
      };
    const what = L(`Attribution de ${label}`, `Assigning ${label}`);
    if (USAGE_LOCATION_ERROR.test(result.error.message))
      return explained(
        L(
          `Microsoft refuse la licence : ${upn} n’a pas d’emplacement d’utilisation valide (le pays où le compte est utilisé, qui décide des services disponibles). Fixez-le dans le centre d’administration Microsoft 365 (Utilisateurs actifs › ${upn} › Compte › Emplacement d’utilisation), puis réessayez. La licence n’a pas été attribuée.`,
          `Microsoft refuses the licence: ${upn} has no valid usage location (the country where the account is used, which decides the services available). Set it in the Microsoft 365 admin center (Active users › ${upn} › Account › Usage location), then retry. The licence was not assigned.`,
        ),
        result,
        what,
      );
    if (NO_FREE_SEAT_ERROR.test(result.error.message))
      return explained(
        L(
          `La dernière place libre de ${label} a été prise entre-temps : la licence n’a pas été attribuée. Libérez une place ou achetez-en une, puis réessayez.`,
          `The last free seat of ${label} was taken meanwhile: the licence was not assigned. Free a seat or buy one, then retry.`,
        ),
        result,
        what,
      );
    return { status: 'failed', summary: graphFailure(what, result) };
  },
});

const mailboxReady = defineWait({
  poll: (ctx) => ({ account: graphCall('getServiceAccount', accountId(ctx)) }),
  interpretPoll(ctx, { account }) {
    const upn = serviceUpn(ctx);
    if (!account.ok)
      return {
        satisfied: false,
        summary: L(
          `Sesame n’a pas pu relire ${upn} ; nouvel essai à la prochaine vérification.`,
          `Sesame could not read ${upn}; it will try again at the next check.`,
        ),
      };
    const exchange = account.data.provisionedPlans.filter(
      (p) => (p.service ?? '').toLowerCase() === 'exchange',
    );
    if (exchange.some((p) => p.provisioningStatus === 'Success'))
      return {
        satisfied: true,
        summary: L(`La boîte aux lettres de ${upn} est prête.`, `The mailbox of ${upn} is ready.`),
        objectIds: [account.data.id],
      };
    if (exchange.some((p) => p.provisioningStatus === 'Error'))
      return {
        satisfied: false,
        failed: true,
        summary: L(
          `Exchange n’a pas pu créer la boîte aux lettres de ${upn} (approvisionnement en erreur) : ouvrez le compte dans le centre d’administration Microsoft 365 pour voir la raison, puis réessayez.`,
          `Exchange could not create the mailbox of ${upn} (provisioning error): open the account in the Microsoft 365 admin center to see why, then retry.`,
        ),
        links: [LINKS.activeUsers],
      };
    const status = exchange[0]?.provisioningStatus;
    return {
      satisfied: false,
      summary: status
        ? L(
            `La boîte aux lettres de ${upn} n’est pas encore prête (${status}).`,
            `The mailbox of ${upn} is not ready yet (${status}).`,
          )
        : L(
            `Exchange n’a pas encore commencé la boîte aux lettres de ${upn}.`,
            `Exchange has not started the mailbox of ${upn} yet.`,
          ),
    };
  },
});

const appServicePrincipal = defineCheck({
  reads: (ctx) => ({ sp: graphCall('getServicePrincipalByAppId', appId(ctx)) }),
  evaluate(ctx, { sp }): CheckOutcome {
    const id = appId(ctx);
    if (!sp.ok) {
      if (sp.error.code === 'graph_not_found')
        return {
          result: 'warn',
          next: 'app-missing',
          summary: L(
            `Aucun principal de service pour l’application ${id} dans votre organisation : elle n’y a pas été consentie ni créée.`,
            `No service principal for the app ${id} in your organisation: it was neither consented nor created here.`,
          ),
          facts: { appObjectId: null, appName: null },
          links: [LINKS.appRegistrations],
        };
      return stopOn(graphFailure(L(`Lecture de l’application ${id}`, `Reading the app ${id}`), sp));
    }
    return {
      result: 'pass',
      next: 'app-grants',
      summary: L(
        `Application « ${sp.data.displayName ?? id} » : principal de service ${sp.data.id}.`,
        `App "${sp.data.displayName ?? id}": service principal ${sp.data.id}.`,
      ),
      facts: { appObjectId: sp.data.id, appName: sp.data.displayName ?? id },
      objectIds: [sp.data.id],
    };
  },
});

/** Microsoft Graph application permissions that reach mail: granted in Entra, they cover every mailbox. */
const MAIL_APP_PERMISSIONS =
  /^(Mail\.|MailboxSettings\.|MailboxFolder\.|MailboxItem\.|Calendars\.|Contacts\.|full_access_as_app|EWS\.)/i;
const MICROSOFT_GRAPH_APP_ID = '00000003-0000-0000-c000-000000000000';
const EXCHANGE_ONLINE_APP_ID = '00000002-0000-0ff1-ce00-000000000000';

/** The PowerShell to paste, every value from the run as a verbatim string literal. */
export function rbacCommands(v: {
  readonly appId: string;
  readonly objectId: string;
  readonly appName: string;
  readonly upn: string;
  readonly scope: string;
}): readonly CopyableValue[] {
  return [
    {
      label: L('1. Déclarer l’application dans Exchange', '1. Declare the app in Exchange'),
      value: `New-ServicePrincipal -AppId ${powerShellString(v.appId)} -ObjectId ${powerShellString(v.objectId)} -DisplayName ${powerShellString(v.appName)}`,
    },
    {
      label: L('2. Une portée limitée à la boîte du compte', '2. A scope limited to the account’s mailbox'),
      value: `New-ManagementScope -Name ${powerShellString(v.scope)} -RecipientRestrictionFilter ${powerShellString(`PrimarySmtpAddress -eq ${opathString(v.upn)}`)}`,
    },
    {
      label: L('3. Le rôle, sur cette portée seulement', '3. The role, on that scope only'),
      value: `New-ManagementRoleAssignment -App ${powerShellString(v.appId)} -Role ${powerShellString(EXCHANGE_APP_ROLE)} -CustomResourceScope ${powerShellString(v.scope)}`,
    },
    {
      label: L('4. Vérifier (InScope : True)', '4. Check (InScope: True)'),
      value: `Test-ServicePrincipalAuthorization -Identity ${powerShellString(v.appId)} -Resource ${powerShellString(v.upn)}`,
    },
  ];
}

/** An OPATH string literal (single quotes, a quote doubled), for a recipient filter. */
function opathString(value: string): string {
  return `'${value.replace(/'/g, "''")}'`;
}

const appGrants = defineCheck({
  reads: (ctx) => ({
    roles: graphCall('listAppRoleAssignments', str(ctx, 'appObjectId') ?? ''),
    // The resources whose app roles reach mail: their role lists name what an assignment's role id grants.
    graph: graphCall('getServicePrincipalByAppId', MICROSOFT_GRAPH_APP_ID),
    exchange: graphCall('getServicePrincipalByAppId', EXCHANGE_ONLINE_APP_ID),
  }),
  evaluate(ctx, { roles, graph, exchange }): CheckOutcome {
    const upn = serviceUpn(ctx);
    const commands = rbacCommands({
      appId: appId(ctx),
      objectId: str(ctx, 'appObjectId') ?? '',
      appName: str(ctx, 'appName') ?? appId(ctx),
      upn,
      scope: scopeName(ctx),
    });
    if (!roles.ok)
      return {
        result: 'unknown',
        summary: graphFailure(
          L(
            'Lecture des autorisations de l’application (vérifiez vous-même qu’aucune autorisation Mail.* n’est accordée dans Entra)',
            'Reading the app’s permissions (check yourself that no Mail.* permission is granted in Entra)',
          ),
          roles,
        ),
        copyable: commands,
      };
    const resources = [graph, exchange].flatMap((r) => (r.ok ? [r.data] : []));
    const mailGrants = roles.data.assignments.flatMap((a) => {
      const resource = resources.find((r) => r.id === a.resourceId);
      if (!resource) return [];
      const role = resource.appRoles.find((r) => r.id === a.appRoleId);
      const value = role?.value ?? '';
      return MAIL_APP_PERMISSIONS.test(value)
        ? [{ id: a.id, name: `${value} (${resource.displayName ?? resource.appId})` }]
        : [];
    });
    if (mailGrants.length > 0) {
      const list = mailGrants.map((g) => g.name).join(', ');
      return {
        result: 'warn',
        summary: L(
          `L’application a déjà, pour toute l’organisation, des autorisations d’application sur le courrier accordées dans Entra : ${list}. Elles valent pour toutes les boîtes et s’ajoutent à la portée RBAC. Retirez-les dans Entra (Applications d’entreprise › l’application › Autorisations) : la portée RBAC limitera alors l’accès à ${upn}. Les commandes à coller :`,
          `The app already has tenant-wide application permissions on mail granted in Entra: ${list}. They cover every mailbox and add to the RBAC scope. Remove them in Entra (Enterprise applications › the app › Permissions): the RBAC scope will then limit access to ${upn}. The commands to paste:`,
        ),
        copyable: commands,
        objectIds: mailGrants.map((g) => g.id),
        facts: { tenantWideMailGrants: mailGrants.map((g) => g.name) },
      };
    }
    const unnamed = !graph.ok;
    return {
      result: unnamed && roles.data.assignments.length > 0 ? 'unknown' : 'pass',
      summary:
        unnamed && roles.data.assignments.length > 0
          ? L(
              `Sesame n’a pas pu nommer les ${roles.data.assignments.length} autorisation(s) d’application de l’application : vérifiez dans Entra qu’aucune ne donne accès au courrier pour toute l’organisation. Les commandes à coller :`,
              `Sesame could not name the app’s ${roles.data.assignments.length} application permission(s): check in Entra that none gives tenant-wide access to mail. The commands to paste:`,
            )
          : L(
              `Aucune autorisation d’application sur le courrier accordée à l’application dans Entra : la portée RBAC sera sa seule porte vers ${upn}. Les commandes à coller :`,
              `No application permission on mail granted to the app in Entra: the RBAC scope will be its only way to ${upn}. The commands to paste:`,
            ),
      copyable: commands,
      facts: { tenantWideMailGrants: [] },
    };
  },
});

/** Due once the wait's due time has passed: the propagation is a matter of time, Graph cannot see it. */
const propagation = defineWait({
  poll: (ctx) => ({ account: graphCall('getServiceAccount', accountId(ctx)) }),
  interpretPoll(ctx, { account }) {
    const upn = serviceUpn(ctx);
    const due = ctx.run.stepResults.propagation?.dueAt;
    const passed = due !== undefined && ctx.now >= Date.parse(due);
    if (account.ok && account.data.accountEnabled === false)
      return {
        satisfied: false,
        summary: L(
          `Le compte ${upn} est désactivé : Indio ne pourra pas s’en servir. Activez-le dans le centre d’administration.`,
          `The account ${upn} is disabled: Indio will not be able to use it. Enable it in the admin center.`,
        ),
      };
    return passed
      ? {
          satisfied: true,
          summary: L('Deux heures ont passé : testez.', 'Two hours have passed: test.'),
        }
      : {
          satisfied: false,
          summary: L(
            'Les droits se propagent dans Exchange (jusqu’à 2 heures).',
            'The rights are propagating in Exchange (up to 2 hours).',
          ),
        };
  },
});

const verifyCommands = defineCheck({
  reads: (ctx) => ({ account: graphCall('getServiceAccount', accountId(ctx)) }),
  evaluate(ctx, { account }): CheckOutcome {
    const upn = serviceUpn(ctx);
    const copyable: CopyableValue[] = [
      {
        label: L('Accès de l’application à la boîte', 'The app’s access to the mailbox'),
        value: `Test-ServicePrincipalAuthorization -Identity ${powerShellString(appId(ctx))} -Resource ${powerShellString(upn)}`,
      },
      {
        label: L('MAPI activé (MAPIEnabled : True)', 'MAPI enabled (MAPIEnabled: True)'),
        value: `Get-CASMailbox -Identity ${powerShellString(upn)} | Format-List MAPIEnabled`,
      },
      {
        label: L('Si MAPIEnabled vaut False', 'If MAPIEnabled is False'),
        value: `Set-CASMailbox -Identity ${powerShellString(upn)} -MAPIEnabled $true`,
      },
    ];
    if (!account.ok)
      return {
        result: 'unknown',
        summary: graphFailure(L(`Lecture de ${upn}`, `Reading ${upn}`), account),
        copyable,
      };
    return {
      result: 'pass',
      summary: L(`Les commandes de test pour ${upn} :`, `The test commands for ${upn}:`),
      copyable,
      objectIds: [account.data.id],
    };
  },
});

function formatDue(iso: string | undefined, locale: 'fr' | 'en'): string {
  if (!iso) return locale === 'fr' ? '(échéance à venir)' : '(due time to come)';
  return new Intl.DateTimeFormat(locale === 'fr' ? 'fr-FR' : 'en-GB', {
    timeZone: 'Europe/Paris',
    weekday: 'long',
    day: 'numeric',
    month: 'long',
    hour: '2-digit',
    minute: '2-digit',
    timeZoneName: 'short',
  }).format(new Date(iso));
}

export const emailServiceAccountLogic: ProcedureLogic = {
  checks: { tenantDefaults, licenceFits, appServicePrincipal, appGrants, verifyCommands },
  actions: { createAccount, setUsageLocation, assignLicence },
  waits: { mailboxReady, propagation },
  choices: { verifiedDomains, mailboxLicences },
  textParams(ctx, locale) {
    const fact = (name: string): JsonValue | undefined => ctx.facts[name];
    return {
      upn: alias(ctx) ? serviceUpn(ctx) : locale === 'fr' ? '(le compte)' : '(the account)',
      upnDomain: str(ctx, 'upnDomain') ?? (locale === 'fr' ? '(domaine)' : '(domain)'),
      displayName: (ctx.inputs.displayName ?? '').trim(),
      usageLocation: usageLocation(ctx),
      skuLabel: str(ctx, 'skuIdLabel') ?? (typeof fact('skuId') === 'string' ? String(fact('skuId')) : ''),
      appId: appId(ctx) || (locale === 'fr' ? '(application)' : '(app)'),
      appName: str(ctx, 'appName') ?? appId(ctx),
      dueAtText: formatDue(ctx.run.stepResults.propagation?.dueAt, locale),
    };
  },
};

export const emailServiceAccountModule: ProcedureModule = {
  procedure: emailServiceAccount,
  logic: emailServiceAccountLogic,
};
