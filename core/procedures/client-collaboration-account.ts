/**
 * Procedure B: the client's Microsoft account for Cegid Loop's collaborative offers (seed 001, "Création ou mise en
 * place d'un compte Microsoft dans le cadre du collaboratif"). The client of the firm needs a Microsoft account:
 *
 * - a free Microsoft account (MSA): Sesame writes the client-facing instructions, in French or English, ready to
 *   copy or to send by e-mail; nothing is written in any tenant;
 * - a Microsoft 365 organisation: Sesame finds the client's tenant from their domain (Graph
 *   findTenantInformationByDomainName), builds the v2 admin-consent link for the vendor's app (the seed's v1
 *   `/common/oauth2/authorize` sign-in link only consented in passing and its "Application Administrator" is not
 *   enough for Microsoft Graph application permissions), says who can consent and what the app will be able to
 *   do. When the client's own administrator runs Sesame in the client's tenant, Sesame verifies the consent
 *   (service principal, delegated grant, application permissions), says exactly what is missing, and waits — with
 *   re-checks and a reminder — until it is there.
 */
import { ROLE, holdsAnyRole } from '../directory-roles.js';
import { fromGraphErrorData, type CallResult } from '../engine/call-result.js';
import { graphNeeds } from '../graph/scopes.js';
import { describeError } from '../i18n/describe-error.js';
import type { RoleHolder, ServicePrincipal } from '../ports/tenant-graph.js';
import type { LocalizedText } from './text.js';
import { defineCheck, defineWait, domainLookup, graphCall } from './typed-logic.js';
import type {
  CheckOutcome,
  JsonValue,
  Link,
  Procedure,
  ProcedureLogic,
  ProcedureModule,
  StepContext,
} from './types.js';
import { requiredScopesOf } from './types.js';

/** The Cegid Loop collaborative app, as the vendor's procedure names it. */
export const CEGID_LOOP_APP_ID = 'ff28182b-b927-4697-9f0e-3d38e40971a8';
/** Where the vendor's procedure sends the administrator back after consent (its only known redirect URI). */
export const CEGID_LOOP_REDIRECT_URI = 'https://loop.loopsoftware.fr/YPN/authorize';
/** Every permission configured on the app registration, as the v2 admin-consent endpoint requires. */
export const CONSENT_SCOPE = 'https://graph.microsoft.com/.default';
const MICROSOFT_GRAPH_APP_ID = '00000003-0000-0000-c000-000000000000';
export const ADMIN_CONSENT_URL =
  'https://login.microsoftonline.com/{clientTenantId}/v2.0/adminconsent?client_id={vendorAppId}&scope={consentScope}&redirect_uri={redirectUri}&state={consentState}';
export const MSA_SIGN_UP_URL = 'https://signup.live.com/';
const ENTRA_ENTERPRISE_APPS =
  'https://entra.microsoft.com/#view/Microsoft_AAD_IAM/StartboardApplicationsMenuBlade/~/AppAppsPreview';

/** Who may grant tenant-wide consent to Microsoft Graph application permissions. */
const CONSENT_ROLES = [ROLE.globalAdministrator, ROLE.privilegedRoleAdministrator];

/**
 * Domains of personal mail providers: an address there is a person's, never a company's Microsoft 365 — the client
 * needs a free Microsoft account (and with an Outlook.com address already has one).
 */
export const PERSONAL_MAIL_DOMAINS: readonly string[] = [
  'gmail.com',
  'googlemail.com',
  'outlook.com',
  'outlook.fr',
  'hotmail.com',
  'hotmail.fr',
  'live.com',
  'live.fr',
  'msn.com',
  'yahoo.com',
  'yahoo.fr',
  'icloud.com',
  'me.com',
  'aol.com',
  'orange.fr',
  'wanadoo.fr',
  'free.fr',
  'sfr.fr',
  'neuf.fr',
  'bbox.fr',
  'laposte.net',
  'gmx.fr',
  'gmx.com',
  'protonmail.com',
  'proton.me',
];

// ---------------------------------------------------------------------------------------------------------
// What the client reads to create a free Microsoft account (the seed's steps, on today's sign-up screens).

const MSA_LINES: Readonly<Record<'fr' | 'en', { subject: string; lines: readonly string[] }>> = {
  fr: {
    subject: 'Créer votre compte Microsoft gratuit pour Cegid Loop',
    lines: [
      'Bonjour,',
      'Pour accéder aux fonctionnalités collaboratives de Cegid Loop, vous avez besoin d’un compte Microsoft. Un compte gratuit suffit ; il se crée en quelques minutes :',
      '1. Ouvrez https://signup.live.com/ (ou https://account.microsoft.com/ puis « Créer un compte Microsoft »).',
      '2. Saisissez votre adresse e-mail actuelle (par exemple @gmail.com, @yahoo.fr ou @orange.fr), ou choisissez « Obtenir une nouvelle adresse e-mail » pour créer une adresse @outlook.fr ou @hotmail.com. Cliquez sur « Suivant ». Si vous avez déjà une adresse @outlook.com, @hotmail.fr ou @live.fr, votre compte Microsoft existe déjà : passez à l’étape 8.',
      '3. Choisissez un mot de passe, puis cliquez sur « Suivant ».',
      '4. Indiquez votre pays ou région (France) et votre date de naissance, puis cliquez sur « Suivant ». Si on vous le demande, indiquez aussi vos prénom et nom.',
      '5. Microsoft vous envoie un code de sécurité par e-mail (expéditeur : account-security-noreply@accountprotection.microsoft.com). Saisissez-le dans la fenêtre, puis cliquez sur « Suivant ». Pas de message ? Regardez dans le dossier Courrier indésirable.',
      '6. Résolvez la vérification anti-robot (un casse-tête ou « appuyer longuement »), puis cliquez sur « Suivant ».',
      '7. Votre compte Microsoft gratuit est prêt.',
      '8. Répondez-nous en indiquant l’adresse e-mail de votre compte Microsoft : nous l’utiliserons pour vous donner accès à Cegid Loop.',
      'Les pages de Microsoft changent de temps en temps : si un écran diffère, suivez simplement les indications affichées.',
    ],
  },
  en: {
    subject: 'Create your free Microsoft account for Cegid Loop',
    lines: [
      'Hello,',
      'To use the collaborative features of Cegid Loop you need a Microsoft account. A free one is enough, and it takes a few minutes:',
      '1. Open https://signup.live.com/ (or https://account.microsoft.com/ then "Create a Microsoft account").',
      '2. Type your current email address (e.g. @gmail.com, @yahoo.com), or choose "Get a new email address" to create an @outlook.com or @hotmail.com address. Click "Next". If you already have an @outlook.com, @hotmail.com or @live.com address, you already have a Microsoft account: go to step 8.',
      '3. Choose a password, then click "Next".',
      '4. Give your country or region and your date of birth, then click "Next". If asked, give your first and last name too.',
      '5. Microsoft emails you a security code (from account-security-noreply@accountprotection.microsoft.com). Type it in the window, then click "Next". No email? Look in your junk folder.',
      '6. Solve the anti-robot check (a puzzle or "press and hold"), then click "Next".',
      '7. Your free Microsoft account is ready.',
      '8. Reply to us with the email address of your Microsoft account: we will use it to give you access to Cegid Loop.',
      'Microsoft’s pages change from time to time: if a screen differs, just follow what it says.',
    ],
  },
};

/** The instructions as a card shows them (each line its own paragraph), framed in the admin's language. */
function msaInstructions(client: 'fr' | 'en'): LocalizedText {
  const text = MSA_LINES[client].lines.map((l) => l.replace(/([*_~`[\]<>#|\\])/g, '\\$1')).join('\n\n');
  const intro = {
    fr: `Voici le texte à envoyer à votre client (${client === 'fr' ? 'en français' : 'en anglais'}). Copiez-le, ou cliquez sur « Préparer l’e-mail » pour l’ouvrir dans votre messagerie. Rien n’est modifié dans votre locataire.`,
    en: `Here is the text to send your client (${client === 'fr' ? 'in French' : 'in English'}). Copy it, or click "Prepare the email" to open it in your mail app. Nothing changes in your tenant.`,
  };
  return { fr: `${intro.fr}\n\n---\n\n${text}`, en: `${intro.en}\n\n---\n\n${text}` };
}

const msaLinks = (client: 'fr' | 'en'): readonly Link[] => [
  {
    label: { fr: 'Préparer l’e-mail', en: 'Prepare the email' },
    url:
      client === 'fr'
        ? 'mailto:?subject={msaSubjectFr}&body={msaBodyFr}'
        : 'mailto:?subject={msaSubjectEn}&body={msaBodyEn}',
  },
  {
    label: { fr: 'Page de création de compte Microsoft', en: 'Microsoft account sign-up page' },
    url: MSA_SIGN_UP_URL,
  },
];

// ---------------------------------------------------------------------------------------------------------
// Texts shared by the consent steps.

const WHO_CAN_CONSENT: LocalizedText = {
  fr:
    '**Qui peut consentir :** un Administrateur général ou un Administrateur de rôle privilégié de l’organisation ' +
    'du client. Un Administrateur d’application ou un Administrateur d’application cloud ne suffit pas : ils ne ' +
    'peuvent pas accorder les autorisations d’application de Microsoft Graph (contrairement à ce que dit l’ancienne ' +
    'procédure de l’éditeur).',
  en:
    '**Who can consent:** a Global Administrator or a Privileged Role Administrator of the client’s organisation. ' +
    'An Application Administrator or Cloud Application Administrator is not enough: they cannot grant Microsoft ' +
    'Graph application permissions (unlike what the vendor’s older procedure says).',
};

const CONSENT_URL_TEXT =
  'https://login.microsoftonline.com/{clientTenantId}/v2.0/adminconsent?client\\_id=' +
  CEGID_LOOP_APP_ID +
  '&scope=https%3A%2F%2Fgraph.microsoft.com%2F.default&redirect\\_uri=https%3A%2F%2Floop.loopsoftware.fr%2FYPN%2Fauthorize&state={consentState}';

const CONSENT_LINK: Link = {
  label: { fr: 'Lien de consentement administrateur (Cegid Loop)', en: 'Admin-consent link (Cegid Loop)' },
  url: ADMIN_CONSENT_URL,
};
const ENTERPRISE_APPS_LINK: Link = {
  label: { fr: 'Applications d’entreprise (Entra)', en: 'Enterprise applications (Entra)' },
  url: ENTRA_ENTERPRISE_APPS,
};

const REVIEW_PERMISSIONS: LocalizedText = {
  fr:
    '**Ce que l’application pourra faire :** autorisations déléguées (au nom des utilisateurs connectés) : ' +
    '{delegatedPermissions} ; autorisations d’application (sans utilisateur connecté) : {applicationPermissions}. ' +
    'L’écran de consentement de Microsoft liste les autorisations demandées avant d’accepter : lisez-les, puis ' +
    'cliquez sur « Accepter ».',
  en:
    '**What the app will be able to do:** delegated permissions (on behalf of signed-in users): ' +
    '{delegatedPermissions}; application permissions (with no signed-in user): {applicationPermissions}. ' +
    'Microsoft’s consent screen lists the permissions asked for before accepting: read them, then click "Accept".',
};

export const clientCollaborationAccount: Procedure = {
  id: 'client-collaboration-account',
  version: 1,
  title: {
    fr: 'Compte Microsoft du client pour Cegid Loop (collaboratif)',
    en: 'Client’s Microsoft account for Cegid Loop (collaborative)',
  },
  summary: {
    fr:
      'Pour les offres collaboratives de Cegid Loop : soit les instructions de création d’un compte Microsoft ' +
      'gratuit à envoyer au client, soit, s’il a Microsoft 365, la recherche de son organisation, le lien de ' +
      'consentement administrateur pour l’application Cegid Loop, et sa vérification dans l’organisation du client.',
    en:
      'For Cegid Loop’s collaborative offers: either the instructions to create a free Microsoft account, to send the ' +
      'client, or, when they have Microsoft 365, finding their organisation, the admin-consent link for the Cegid ' +
      'Loop app, and checking it in the client’s organisation.',
  },
  // Fuzzy matching takes "collaboratif" and "collaborative" for Microsoft "Collaborate" (procedure E): the names use
  // the plural forms, which it does not.
  aliases: [
    'compte Microsoft client',
    'compte Microsoft du client',
    'compte Microsoft client Cegid Loop',
    'compte Microsoft gratuit',
    'compte MSA',
    'offres collaboratives',
    'Cegid Loop offres collaboratives',
    'Cegid Loop collaboratifs',
    'consentement Cegid',
    'consentement Cegid Loop',
    'consentement administrateur Cegid Loop',
    'client Microsoft account',
    'client Microsoft account Cegid Loop',
    'free Microsoft account',
    'collaborative offers',
    'Cegid Loop collaborative offers',
    'Cegid Loop consent',
    'admin consent Cegid Loop',
  ],

  // Not "Cegid Loop" alone: those two words name procedure A; B is named by longer names that contain them.
  vendor: {
    name: 'Cegid Loop (offres collaboratives)',
    url: 'https://www.cegid.com/fr/produits/cegid-loop/',
  },
  get requiredScopes() {
    return requiredScopesOf(this.steps);
  },
  steps: [
    {
      id: 'account-type',
      kind: 'choice',
      title: { fr: 'Type de compte du client', en: 'Client’s account type' },
      body: {
        fr:
          'Cegid Loop exige un compte Microsoft pour chaque client du cabinet dans les offres collaboratives. Votre ' +
          'client a-t-il Microsoft 365 (licence payante, avec son propre domaine), ou lui faut-il un compte ' +
          'Microsoft gratuit (MSA : @outlook.com, @hotmail.fr, ou son adresse @gmail.com, @yahoo.fr…) ?',
        en:
          'Cegid Loop requires a Microsoft account for each client of the firm in its collaborative offers. Does ' +
          'your client have Microsoft 365 (a paid licence, with their own domain), or do they need a free ' +
          'Microsoft account (MSA: @outlook.com, @hotmail.com, or their @gmail.com, @yahoo.com… address)?',
      },
      options: [
        {
          id: 'msa',
          label: { fr: 'Compte Microsoft gratuit', en: 'Free Microsoft account' },
          next: 'msa-language',
          facts: { accountType: 'msa' },
        },
        {
          id: 'm365',
          label: { fr: 'Microsoft 365 (payant)', en: 'Microsoft 365 (paid)' },
          next: 'client-domain',
          facts: { accountType: 'm365' },
        },
      ],
      scopes: [],
      roles: [],
    },
    {
      id: 'msa-language',
      kind: 'choice',
      title: { fr: 'Langue du client', en: 'Client’s language' },
      body: {
        fr: 'Dans quelle langue Sesame doit-il écrire les instructions pour votre client ?',
        en: 'In which language should Sesame write the instructions for your client?',
      },
      options: [
        {
          id: 'fr',
          label: { fr: 'Français', en: 'French' },
          next: 'msa-fr',
          facts: { clientLanguage: 'fr' },
        },
        {
          id: 'en',
          label: { fr: 'Anglais', en: 'English' },
          next: 'msa-en',
          facts: { clientLanguage: 'en' },
        },
      ],
      scopes: [],
      roles: [],
    },
    {
      id: 'msa-fr',
      kind: 'manual',
      title: { fr: 'Instructions pour le client (français)', en: 'Instructions for the client (French)' },
      instructions: msaInstructions('fr'),
      links: msaLinks('fr'),
      doneLabel: { fr: 'Envoyé au client', en: 'Sent to the client' },
      next: '$end',
      scopes: [],
      roles: [],
    },
    {
      id: 'msa-en',
      kind: 'manual',
      title: { fr: 'Instructions pour le client (anglais)', en: 'Instructions for the client (English)' },
      instructions: msaInstructions('en'),
      links: msaLinks('en'),
      doneLabel: { fr: 'Envoyé au client', en: 'Sent to the client' },
      next: '$end',
      scopes: [],
      roles: [],
    },
    {
      id: 'client-domain',
      kind: 'input',
      title: { fr: 'Domaine du client', en: 'Client’s domain' },
      body: {
        fr: 'Le domaine de l’organisation Microsoft 365 du client : la partie après @ de son adresse professionnelle.',
        en: 'The domain of the client’s Microsoft 365 organisation: the part after @ of their work address.',
      },
      fields: [
        {
          id: 'domain',
          type: 'text',
          label: { fr: 'Domaine (ou adresse e-mail) du client', en: 'Client’s domain (or email address)' },
          placeholder: { fr: 'client-exemple.fr', en: 'client-example.com' },
          help: {
            fr: 'Une adresse complète est acceptée : Sesame n’en garde que le domaine.',
            en: 'A full address is accepted: Sesame keeps only its domain.',
          },
          rules: [
            { kind: 'required' },
            { kind: 'maxLength', max: 254 },
            {
              kind: 'pattern',
              pattern:
                '^\\s*(?:[^@\\s]+@)?(?=[^@\\s]{4,253}\\s*$)(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\\.)+[a-z]{2,63}\\.?\\s*$',
              flags: 'i',
              message: {
                fr: 'Ce n’est pas un nom de domaine : attendu par exemple « client-exemple.fr » (lettres, chiffres, tirets, au moins un point).',
                en: 'This is not a domain name: expected e.g. "client-example.com" (letters, digits, hyphens, at least one dot).',
              },
            },
          ],
        },
      ],
      submitLabel: { fr: 'Chercher l’organisation', en: 'Find the organisation' },
      scopes: [],
      roles: [],
    },
    {
      id: 'find-tenant',
      kind: 'check',
      logic: 'findTenant',
      title: { fr: 'Organisation Microsoft 365 du client', en: 'Client’s Microsoft 365 organisation' },
      body: {
        fr: 'Sesame demande à Microsoft quelle organisation Microsoft 365 a vérifié le domaine {domain}.',
        en: 'Sesame asks Microsoft which Microsoft 365 organisation verified the domain {domain}.',
      },
      ...graphNeeds('findTenantByDomain'),
    },
    {
      id: 'domain-dns',
      kind: 'check',
      logic: 'domainExists',
      title: { fr: 'Le domaine dans le DNS', en: 'The domain in DNS' },
      body: {
        fr:
          'Microsoft ne connaît aucune organisation pour {domain} ; il répond de même pour un domaine qui n’existe ' +
          'pas. Sesame demande au DNS si le domaine existe et où va son courrier (MX).',
        en:
          'Microsoft knows no organisation for {domain}, and answers the same for a domain that does not exist. ' +
          'Sesame asks DNS whether the domain exists and where its mail goes (MX).',
      },
      readsDns: true,
      scopes: [],
      roles: [],
    },
    {
      id: 'no-domain',
      kind: 'choice',
      title: { fr: 'Domaine inexistant', en: 'No such domain' },
      body: {
        fr:
          'Le domaine {domain} n’existe pas : aucun serveur DNS ne le connaît. Vérifiez son orthographe avec ' +
          'l’adresse e-mail du client, puis corrigez-le.',
        en:
          'The domain {domain} does not exist: no DNS server knows it. Check its spelling against the client’s ' +
          'email address, then correct it.',
      },
      options: [
        {
          id: 'correct',
          label: { fr: 'Corriger le domaine', en: 'Correct the domain' },
          next: 'client-domain',
        },
        {
          id: 'msa',
          label: { fr: 'Compte Microsoft gratuit', en: 'Free Microsoft account' },
          next: 'msa-language',
          facts: { accountType: 'msa' },
        },
      ],
      scopes: [],
      roles: [],
    },
    {
      id: 'no-tenant',
      kind: 'choice',
      title: { fr: 'Aucune organisation Microsoft 365', en: 'No Microsoft 365 organisation' },
      body: {
        fr:
          'Le domaine {domain} existe (courrier : {domainMx}) mais aucune organisation Microsoft 365 ne l’a ' +
          'vérifié : votre client n’a pas Microsoft 365 avec ce domaine. Il lui faut un compte Microsoft gratuit, ' +
          'ou bien créer une organisation Microsoft 365 et y vérifier {domain} ; cherchez-la à nouveau ensuite.',
        en:
          'The domain {domain} exists (mail: {domainMx}) but no Microsoft 365 organisation has verified it: your ' +
          'client has no Microsoft 365 with this domain. They need a free Microsoft account, or to create a ' +
          'Microsoft 365 organisation and verify {domain} in it; then look for it again.',
      },
      options: [
        {
          id: 'msa',
          label: { fr: 'Compte Microsoft gratuit', en: 'Free Microsoft account' },
          next: 'msa-language',
          facts: { accountType: 'msa' },
        },
        {
          id: 'again',
          label: { fr: 'Chercher à nouveau', en: 'Look again' },
          next: 'find-tenant',
        },
        {
          id: 'correct',
          label: { fr: 'Corriger le domaine', en: 'Correct the domain' },
          next: 'client-domain',
        },
      ],
      scopes: [],
      roles: [],
    },
    {
      id: 'dns-failed',
      kind: 'choice',
      title: { fr: 'Le DNS n’a pas répondu', en: 'DNS did not answer' },
      body: {
        fr:
          'Microsoft ne connaît aucune organisation pour {domain}, et le DNS n’a pas pu dire si le domaine existe : ' +
          'rien n’est encore su du domaine. Réessayez dans un moment.',
        en:
          'Microsoft knows no organisation for {domain}, and DNS could not say whether the domain exists: nothing ' +
          'is known of the domain yet. Try again in a moment.',
      },
      options: [
        {
          id: 'retry',
          label: { fr: 'Réessayer', en: 'Try again' },
          next: 'domain-dns',
        },
        {
          id: 'correct',
          label: { fr: 'Corriger le domaine', en: 'Correct the domain' },
          next: 'client-domain',
        },
        {
          id: 'msa',
          label: { fr: 'Compte Microsoft gratuit', en: 'Free Microsoft account' },
          next: 'msa-language',
          facts: { accountType: 'msa' },
        },
      ],
      scopes: [],
      roles: [],
    },
    {
      id: 'app-consented',
      kind: 'check',
      logic: 'appConsented',
      title: { fr: 'Application Cegid Loop ici', en: 'Cegid Loop app here' },
      body: {
        fr: 'Sesame cherche l’application Cegid Loop ({vendorAppId}) dans votre organisation.',
        en: 'Sesame looks for the Cegid Loop app ({vendorAppId}) in your organisation.',
      },
      ...graphNeeds('getServicePrincipalByAppId'),
    },
    {
      id: 'app-permissions',
      kind: 'check',
      logic: 'appPermissions',
      title: { fr: 'Autorisations accordées', en: 'Permissions granted' },
      body: {
        fr: 'Sesame lit ce que le consentement a accordé à Cegid Loop : autorisations déléguées et d’application.',
        en: 'Sesame reads what the consent granted Cegid Loop: delegated and application permissions.',
      },
      ...graphNeeds('listPermissionGrants', 'listAppRoleAssignments', 'getServicePrincipalByAppId'),
    },
    {
      id: 'who-consents',
      kind: 'check',
      logic: 'whoConsents',
      title: { fr: 'Qui peut consentir', en: 'Who can consent' },
      body: {
        fr: 'Sesame cherche qui, dans votre organisation, peut consentir pour tous : Administrateur général ou Administrateur de rôle privilégié.',
        en: 'Sesame looks for who in your organisation can consent for everyone: Global Administrator or Privileged Role Administrator.',
      },
      ...graphNeeds('listRoleHolders'),
    },
    {
      id: 'consent-link',
      kind: 'manual',
      title: { fr: 'Consentement administrateur', en: 'Admin consent' },
      instructions: {
        fr:
          '{consentWho}\n\n' +
          '1. Ouvrez le lien de consentement ci-dessous, connecté avec un compte Administrateur général ou ' +
          'Administrateur de rôle privilégié de {clientTenantName}.\n\n' +
          '2. Lisez les autorisations demandées, puis cliquez sur « Accepter ». Microsoft renvoie ensuite vers le ' +
          'site de Cegid Loop.\n\n' +
          '3. Cliquez sur « J’ai consenti » : Sesame vérifie, puis revérifie de lui-même jusqu’à ce que le ' +
          'consentement soit là.\n\n' +
          `Lien : ${CONSENT_URL_TEXT}\n\n` +
          `${WHO_CAN_CONSENT.fr}\n\n${REVIEW_PERMISSIONS.fr}`,
        en:
          '{consentWho}\n\n' +
          '1. Open the consent link below, signed in with a Global Administrator or Privileged Role Administrator ' +
          'account of {clientTenantName}.\n\n' +
          '2. Read the permissions asked for, then click "Accept". Microsoft then goes on to Cegid Loop’s site.\n\n' +
          '3. Click "I consented": Sesame checks, then checks again by itself until the consent is there.\n\n' +
          `Link: ${CONSENT_URL_TEXT}\n\n` +
          `${WHO_CAN_CONSENT.en}\n\n${REVIEW_PERMISSIONS.en}`,
      },
      links: [CONSENT_LINK, ENTERPRISE_APPS_LINK],
      doneLabel: { fr: 'J’ai consenti', en: 'I consented' },
      scopes: [],
      roles: [],
    },
    {
      id: 'consent-wait',
      kind: 'wait',
      logic: 'consentGiven',
      title: { fr: 'Consentement en attente', en: 'Waiting for the consent' },
      body: {
        fr:
          'Sesame vérifie toutes les 15 minutes si Cegid Loop a reçu le consentement dans {clientTenantName}, et vous ' +
          'le rappelle s’il manque encore le {dueAtText}. Le lien de consentement reste valable : ' +
          'un Administrateur général ou Administrateur de rôle privilégié peut l’ouvrir à tout moment.',
        en:
          'Sesame checks every 15 minutes whether Cegid Loop has been consented in {clientTenantName}, and reminds ' +
          'you if it is still missing on {dueAtText}. The consent link stays valid: a Global Administrator or ' +
          'Privileged Role Administrator can open it at any time.',
      },
      due: { businessDays: 2, timeZone: 'Europe/Paris', holidays: 'fr' },
      pollEveryMs: 15 * 60_000,
      pollForMs: 14 * 86_400_000,
      reminders: [
        {
          id: 'due',
          at: 'due',
          messageKey: 'client-collaboration-account.consent-missing',
          message: {
            fr:
              'Le consentement administrateur à l’application Cegid Loop manque toujours dans {clientTenantName} ' +
              '({dueAtText}). Un Administrateur général ou Administrateur de rôle privilégié doit ouvrir le lien de ' +
              'consentement de la procédure et cliquer sur « Accepter ».',
            en:
              'The admin consent to the Cegid Loop app is still missing in {clientTenantName} ({dueAtText}). A ' +
              'Global Administrator or Privileged Role Administrator must open the procedure’s consent link and ' +
              'click "Accept".',
          },
        },
      ],
      next: 'app-permissions',
      ...graphNeeds('getServicePrincipalByAppId', 'listPermissionGrants'),
    },
    {
      id: 'send-link',
      kind: 'manual',
      title: { fr: 'Lien à envoyer au client', en: 'Link to send the client' },
      instructions: {
        fr:
          'Le consentement se donne dans l’organisation du client, {clientTenantName} ({clientTenantId}) : envoyez ce ' +
          'lien à son administrateur. Rien n’est modifié dans votre locataire.\n\n' +
          `Lien : ${CONSENT_URL_TEXT}\n\n` +
          `${WHO_CAN_CONSENT.fr}\n\n${REVIEW_PERMISSIONS.fr}\n\n` +
          'Pour le vérifier ensuite, l’administrateur du client peut lancer cette même procédure dans Sesame, dans ' +
          'son organisation (« consentement Cegid Loop ») : Sesame y lit le consentement et dit ce qui manque. Vous ' +
          'pourrez alors créer l’interlocuteur dans Cegid Loop.',
        en:
          'The consent is given in the client’s organisation, {clientTenantName} ({clientTenantId}): send this link ' +
          'to its administrator. Nothing changes in your tenant.\n\n' +
          `Link: ${CONSENT_URL_TEXT}\n\n` +
          `${WHO_CAN_CONSENT.en}\n\n${REVIEW_PERMISSIONS.en}\n\n` +
          'To check it afterwards, the client’s administrator can run this same procedure in Sesame, in their ' +
          'organisation ("Cegid Loop consent"): Sesame reads the consent there and says what is missing. You can then ' +
          'create the contact in Cegid Loop.',
      },
      links: [CONSENT_LINK],
      doneLabel: { fr: 'Lien envoyé au client', en: 'Link sent to the client' },
      next: '$end',
      scopes: [],
      roles: [],
    },
  ],
};

// ---------------------------------------------------------------------------------------------------------
// Step logic

type Failed = Extract<CallResult, { ok: false }>;

function graphFailure(what: LocalizedText, r: Failed): LocalizedText {
  const error = fromGraphErrorData(r.error);
  const id = r.error.requestId ? ` (request-id ${r.error.requestId})` : '';
  return {
    fr: `${what.fr} : ${describeError(error, 'fr').message}${id}`,
    en: `${what.en}: ${describeError(error, 'en').message}${id}`,
  };
}

/** The domain the admin typed, without an address's local part, spaces, a final dot or capitals. */
export function clientDomain(ctx: StepContext): string {
  const typed = (ctx.inputs.domain ?? '').trim().toLowerCase();
  return typed
    .slice(typed.lastIndexOf('@') + 1)
    .replace(/\.$/, '')
    .trim();
}

function str(ctx: StepContext, fact: string): string | undefined {
  const v = ctx.facts[fact];
  return typeof v === 'string' && v !== '' ? v : undefined;
}

/** Is Sesame running in the client's own tenant (its administrator verifies), or in the firm's? */
function ownTenant(ctx: StepContext): boolean {
  return ctx.facts.clientTenantIsOwn === true;
}

const findTenant = defineCheck({
  reads: (ctx) => ({ tenant: graphCall('findTenantByDomain', clientDomain(ctx)) }),
  evaluate(ctx, { tenant }): CheckOutcome {
    const domain = clientDomain(ctx);
    const reset = {
      clientTenantId: null,
      clientTenantName: null,
      clientTenantIsOwn: null,
      vendorSpId: null,
      domainExists: null,
      domainMx: null,
      dnsError: null,
    };
    if (PERSONAL_MAIL_DOMAINS.includes(domain)) {
      return {
        result: 'warn',
        next: 'msa-language',
        summary: {
          fr:
            `${domain} est le domaine d’une messagerie personnelle, pas celui d’une organisation Microsoft 365 : ` +
            'votre client a besoin d’un compte Microsoft gratuit (avec une adresse Outlook.com, Hotmail ou Live, il ' +
            'en a déjà un). Sesame prépare les instructions.',
          en:
            `${domain} is a personal mail provider’s domain, not a Microsoft 365 organisation’s: your client needs ` +
            'a free Microsoft account (with an Outlook.com, Hotmail or Live address they already have one). Sesame ' +
            'prepares the instructions.',
        },
        facts: { ...reset, accountType: 'msa', tenantLookup: 'personal' },
      };
    }
    if (!tenant.ok) {
      // Graph answers 404 alike for a domain that does not exist and for one no tenant verified: DNS tells.
      if (tenant.error.code === 'graph_not_found') {
        return {
          result: 'pass',
          next: 'domain-dns',
          summary: {
            fr: `Aucune organisation Microsoft 365 n’a vérifié ${domain} : Sesame demande au DNS si le domaine existe.`,
            en: `No Microsoft 365 organisation has verified ${domain}: Sesame asks DNS whether the domain exists.`,
          },
          facts: { ...reset, tenantLookup: 'none' },
        };
      }
      const reason = graphFailure(
        { fr: `Recherche de l’organisation de ${domain}`, en: `Looking up the organisation of ${domain}` },
        tenant,
      );
      return { result: 'stop', reason, summary: reason };
    }
    const t = tenant.data;
    const name = t.displayName ?? t.defaultDomainName ?? t.tenantId;
    const own = t.tenantId.toLowerCase() === ctx.run.tenantId.toLowerCase();
    const facts = {
      clientTenantId: t.tenantId,
      clientTenantName: name,
      clientTenantIsOwn: own,
      vendorSpId: null,
      tenantLookup: 'tenant',
      // What DNS said of a domain typed before this one no longer applies.
      domainExists: null,
      domainMx: null,
      dnsError: null,
    };
    return {
      result: 'pass',
      next: 'app-consented',
      summary: own
        ? {
            fr: `${domain} appartient à votre propre organisation, ${name} (${t.tenantId}) : Sesame vérifie le consentement ici.`,
            en: `${domain} belongs to your own organisation, ${name} (${t.tenantId}): Sesame checks the consent here.`,
          }
        : {
            fr: `${domain} appartient à l’organisation Microsoft 365 « ${name} » (${t.tenantId}).`,
            en: `${domain} belongs to the Microsoft 365 organisation "${name}" (${t.tenantId}).`,
          },
      facts,
      objectIds: [t.tenantId],
    };
  },
});

/** Asked only once Graph said 404: does the domain exist at all (NXDOMAIN), and where does its mail go. */
const domainExists = defineCheck({
  reads: (ctx) => ({ dns: domainLookup(clientDomain(ctx)) }),
  evaluate(ctx, { dns }): CheckOutcome {
    const domain = clientDomain(ctx);
    if (!dns.ok) {
      const error = fromGraphErrorData(dns.error);
      return {
        result: 'warn',
        next: 'dns-failed',
        summary: {
          fr: `Le DNS n’a pas pu dire si ${domain} existe : ${describeError(error, 'fr').message}`,
          en: `DNS could not say whether ${domain} exists: ${describeError(error, 'en').message}`,
        },
        // The resolver's own words (ESERVFAIL, ECONNREFUSED…) stay in the run for support, not on the card.
        facts: { domainExists: null, domainMx: null, dnsError: dns.error.message },
      };
    }
    if (!dns.data.exists) {
      return {
        result: 'warn',
        next: 'no-domain',
        summary: {
          fr: `Le domaine ${domain} n’existe pas (le DNS répond qu’aucun domaine ne porte ce nom) : vérifiez l’orthographe.`,
          en: `The domain ${domain} does not exist (DNS answers that no domain has this name): check the spelling.`,
        },
        facts: { domainExists: false, domainMx: [], dnsError: null },
      };
    }
    const mx = dns.data.mx.map((m) => m.exchange);
    return {
      result: 'warn',
      next: 'no-tenant',
      summary: {
        fr: `Le domaine ${domain} existe (courrier : ${mx.length > 0 ? mx.join(', ') : 'aucun MX'}) mais n’a pas Microsoft 365.`,
        en: `The domain ${domain} exists (mail: ${mx.length > 0 ? mx.join(', ') : 'no MX'}) but has no Microsoft 365.`,
      },
      facts: { domainExists: true, domainMx: mx, dnsError: null },
    };
  },
});

const appConsented = defineCheck({
  reads: () => ({ sp: graphCall('getServicePrincipalByAppId', CEGID_LOOP_APP_ID) }),
  evaluate(ctx, { sp }): CheckOutcome {
    const tenantName = str(ctx, 'clientTenantName') ?? '';
    if (!sp.ok) {
      if (sp.error.code !== 'graph_not_found') {
        const what = { fr: 'Lecture de l’application Cegid Loop', en: 'Reading the Cegid Loop app' };
        if (ownTenant(ctx)) {
          const reason = graphFailure(what, sp);
          return { result: 'stop', reason, summary: reason };
        }
        return { result: 'unknown', next: 'send-link', summary: graphFailure(what, sp) };
      }
      if (ownTenant(ctx)) {
        return {
          result: 'warn',
          next: 'who-consents',
          summary: {
            fr: `Cegid Loop n’a jamais reçu de consentement dans ${tenantName} : son principal de service n’existe pas. Il manque tout : le principal de service, les autorisations déléguées et les autorisations d’application.`,
            en: `Cegid Loop was never consented in ${tenantName}: its service principal does not exist. Everything is missing: the service principal, the delegated and the application permissions.`,
          },
          facts: { vendorSpId: null, delegatedScopes: null, applicationPermissions: null },
        };
      }
      return {
        result: 'pass',
        next: 'send-link',
        summary: {
          fr: 'Cegid Loop n’a pas reçu de consentement dans votre organisation : Sesame ne peut pas lire ses autorisations d’ici. L’écran de consentement du client les listera.',
          en: 'Cegid Loop has not been consented in your organisation: Sesame cannot read its permissions from here. The client’s consent screen will list them.',
        },
        facts: { vendorSpId: null, delegatedScopes: null, applicationPermissions: null },
      };
    }
    return {
      result: 'pass',
      summary: {
        fr: `Cegid Loop est présent ici : principal de service ${sp.data.id}.`,
        en: `Cegid Loop is here: service principal ${sp.data.id}.`,
      },
      facts: { vendorSpId: sp.data.id },
      objectIds: [sp.data.id],
    };
  },
});

interface GrantedPermissions {
  readonly adminScopes: readonly string[];
  /** Users who consented for themselves only, with their scopes. */
  readonly userConsents: number;
  readonly application: readonly string[];
}

function describeGranted(g: GrantedPermissions): LocalizedText {
  const delegated = g.adminScopes.length > 0 ? g.adminScopes.join(', ') : null;
  const app = g.application.length > 0 ? g.application.join(', ') : null;
  return {
    fr:
      `autorisations déléguées (au nom des utilisateurs connectés) : ${delegated ?? 'aucune pour toute l’organisation'} ; ` +
      `autorisations d’application (sans utilisateur connecté) : ${app ?? 'aucune'}.`,
    en:
      `delegated permissions (on behalf of signed-in users): ${delegated ?? 'none for the whole organisation'}; ` +
      `application permissions (with no signed-in user): ${app ?? 'none'}.`,
  };
}

const appPermissions = defineCheck({
  reads: (ctx) => {
    const spId = str(ctx, 'vendorSpId') ?? '';
    return {
      grants: graphCall('listPermissionGrants', spId),
      roles: graphCall('listAppRoleAssignments', spId),
      graph: graphCall('getServicePrincipalByAppId', MICROSOFT_GRAPH_APP_ID),
    };
  },
  evaluate(ctx, { grants, roles, graph }): CheckOutcome {
    const tenantName = str(ctx, 'clientTenantName') ?? '';
    const what = { fr: 'Lecture des autorisations de Cegid Loop', en: 'Reading Cegid Loop’s permissions' };
    const failed = [grants, roles].find((r): r is Failed => !r.ok);
    if (failed || !grants.ok || !roles.ok) {
      const summary = failed ? graphFailure(what, failed) : what;
      if (ownTenant(ctx)) return { result: 'stop', reason: summary, summary };
      return { result: 'unknown', next: 'send-link', summary };
    }
    const graphSp: ServicePrincipal | undefined = graph.ok ? graph.data : undefined;
    const roleName = (resourceId: string, appRoleId: string, resource: string | null): string => {
      const known =
        graphSp && graphSp.id === resourceId ? graphSp.appRoles.find((r) => r.id === appRoleId) : undefined;
      return known?.value ?? `${resource ?? resourceId} ${appRoleId}`;
    };
    const adminGrants = grants.data.grants.filter((g) => g.consentType === 'AllPrincipals');
    const granted: GrantedPermissions = {
      adminScopes: [
        ...new Set(adminGrants.flatMap((g) => (g.scope ?? '').split(' ').filter((s) => s !== ''))),
      ],
      userConsents: grants.data.grants.filter((g) => g.consentType === 'Principal').length,
      application: roles.data.assignments.map((a) =>
        roleName(a.resourceId ?? '', a.appRoleId ?? '', a.resourceDisplayName),
      ),
    };
    const described = describeGranted(granted);
    const facts: Record<string, JsonValue> = {
      delegatedScopes: [...granted.adminScopes],
      applicationPermissions: [...granted.application],
    };
    const objectIds = [...adminGrants.map((g) => g.id), ...roles.data.assignments.map((a) => a.id)];
    if (!ownTenant(ctx)) {
      return {
        result: 'pass',
        next: 'send-link',
        summary: {
          fr: `Dans votre organisation, Cegid Loop a reçu : ${described.fr}`,
          en: `In your organisation, Cegid Loop was granted: ${described.en}`,
        },
        facts,
        objectIds,
      };
    }
    if (adminGrants.length > 0) {
      return {
        result: 'pass',
        next: '$end',
        summary: {
          fr: `Consentement vérifié dans ${tenantName} : ${described.fr} Vous pouvez créer l’interlocuteur dans Cegid Loop.`,
          en: `Consent verified in ${tenantName}: ${described.en} You can create the contact in Cegid Loop.`,
        },
        facts,
        objectIds,
      };
    }
    const users = granted.userConsents;
    return {
      result: 'warn',
      next: 'who-consents',
      summary: {
        fr:
          `Cegid Loop existe dans ${tenantName} mais il manque le consentement administrateur pour toute ` +
          `l’organisation (aucune autorisation déléguée accordée à tous${users > 0 ? ` ; ${users} utilisateur(s) n’ont consenti que pour eux-mêmes` : ''}). ` +
          `Autorisations d’application : ${granted.application.length > 0 ? granted.application.join(', ') : 'aucune'}.`,
        en:
          `Cegid Loop exists in ${tenantName} but the admin consent for the whole organisation is missing (no ` +
          `delegated permission granted to everyone${users > 0 ? `; ${users} user(s) consented for themselves only` : ''}). ` +
          `Application permissions: ${granted.application.length > 0 ? granted.application.join(', ') : 'none'}.`,
      },
      facts,
      objectIds,
    };
  },
});

function person(h: RoleHolder): string {
  if (h.displayName && h.userPrincipalName) return `${h.displayName} (${h.userPrincipalName})`;
  return h.displayName ?? h.userPrincipalName ?? h.principalId;
}

const whoConsents = defineCheck({
  reads: () => ({
    globalAdmins: graphCall('listRoleHolders', ROLE.globalAdministrator),
    privilegedRoleAdmins: graphCall('listRoleHolders', ROLE.privilegedRoleAdministrator),
  }),
  evaluate(ctx, { globalAdmins, privilegedRoleAdmins }): CheckOutcome {
    const users = (r: typeof globalAdmins) =>
      r.ok
        ? r.data.holders.filter(
            (h) => h.principalType === null || h.principalType === '#microsoft.graph.user',
          )
        : [];
    const holders = [...users(globalAdmins), ...users(privilegedRoleAdmins)];
    const me = ctx.run.admin.id.toLowerCase();
    const canConsent =
      (ctx.adminRoles !== undefined && holdsAnyRole(ctx.adminRoles, CONSENT_ROLES)) ||
      holders.some((h) => h.principalId.toLowerCase() === me);
    const names = [...new Set(holders.filter((h) => h.principalId.toLowerCase() !== me).map(person))];
    const unreadable = !globalAdmins.ok || !privilegedRoleAdmins.ok;
    if (canConsent) {
      const summary = {
        fr: 'Vous détenez Administrateur général ou Administrateur de rôle privilégié : vous pouvez consentir vous-même.',
        en: 'You hold Global Administrator or Privileged Role Administrator: you can consent yourself.',
      };
      const consentWho = { fr: 'Vous pouvez consentir vous-même.', en: 'You can consent yourself.' };
      return { result: 'pass', summary, facts: { canConsent: true, consentWho } };
    }
    const list = names.length > 0 ? names.slice(0, 8).join(', ') : undefined;
    const ask = names.length > 0 ? names.slice(0, 3).join(', ') : undefined;
    const summary: LocalizedText = list
      ? {
          fr:
            'Vous ne détenez ni Administrateur général ni Administrateur de rôle privilégié : vous ne pouvez pas ' +
            `consentir vous-même (Administrateur d’application ne suffit pas). Demandez à : ${list}.`,
          en:
            'You hold neither Global Administrator nor Privileged Role Administrator: you cannot consent yourself ' +
            `(Application Administrator is not enough). Ask: ${list}.`,
        }
      : {
          fr:
            'Vous ne détenez ni Administrateur général ni Administrateur de rôle privilégié : vous ne pouvez pas ' +
            `consentir vous-même. ${unreadable ? 'Sesame n’a pas pu lire qui détient ces rôles' : 'Personne d’autre ne détient ces rôles'} : demandez à l’administrateur de votre organisation.`,
          en:
            'You hold neither Global Administrator nor Privileged Role Administrator: you cannot consent yourself. ' +
            `${unreadable ? 'Sesame could not read who holds these roles' : 'Nobody else holds these roles'}: ask your organisation’s administrator.`,
        };
    const consentWho = ask
      ? {
          fr: `Vous ne pouvez pas consentir vous-même : envoyez ce lien à ${ask}.`,
          en: `You cannot consent yourself: send this link to ${ask}.`,
        }
      : {
          fr: 'Vous ne pouvez pas consentir vous-même : envoyez ce lien à un administrateur qui le peut.',
          en: 'You cannot consent yourself: send this link to an administrator who can.',
        };
    return { result: 'warn', summary, facts: { canConsent: false, consentWho } };
  },
});

/** Polls the service principal, and once it is known the tenant-wide grant. */
const consentGiven = defineWait({
  poll: (ctx) => {
    const spId = str(ctx, 'vendorSpId');
    return {
      sp: graphCall('getServicePrincipalByAppId', CEGID_LOOP_APP_ID),
      grants: spId ? graphCall('listPermissionGrants', spId) : undefined,
    };
  },
  interpretPoll(ctx, { sp, grants }) {
    const tenantName = str(ctx, 'clientTenantName') ?? '';
    if (!sp.ok) {
      return {
        satisfied: false,
        summary:
          sp.error.code === 'graph_not_found'
            ? {
                fr: `Toujours aucun consentement à Cegid Loop dans ${tenantName}.`,
                en: `Still no consent to Cegid Loop in ${tenantName}.`,
              }
            : {
                fr: 'Sesame n’a pas pu relire l’application Cegid Loop ; nouvel essai à la prochaine vérification.',
                en: 'Sesame could not read the Cegid Loop app; it will try again at the next check.',
              },
      };
    }
    // The service principal was already there: only a tenant-wide grant means the consent was given.
    if (grants && !(grants.ok && grants.data.grants.some((g) => g.consentType === 'AllPrincipals'))) {
      return {
        satisfied: false,
        summary: {
          fr: `Le consentement administrateur à Cegid Loop manque toujours dans ${tenantName}.`,
          en: `The admin consent to Cegid Loop is still missing in ${tenantName}.`,
        },
      };
    }
    return {
      satisfied: true,
      summary: {
        fr: `Cegid Loop a reçu un consentement dans ${tenantName} : Sesame vérifie les autorisations.`,
        en: `Cegid Loop was consented in ${tenantName}: Sesame checks the permissions.`,
      },
      facts: { vendorSpId: sp.data.id },
      objectIds: [sp.data.id],
    };
  },
});

/** The domain's mail exchangers as DNS gave them (procedure B's "exists, no Microsoft 365" card). */
function mxText(ctx: StepContext, locale: 'fr' | 'en'): string {
  const v = ctx.facts.domainMx;
  const mx = Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : [];
  if (mx.length > 0) return mx.join(', ');
  return locale === 'fr' ? 'aucun MX' : 'no MX';
}

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

function localized(v: JsonValue | undefined, locale: 'fr' | 'en'): string | undefined {
  if (v && typeof v === 'object' && !Array.isArray(v)) {
    const s = (v as Readonly<Record<string, JsonValue>>)[locale];
    return typeof s === 'string' ? s : undefined;
  }
  return undefined;
}

export const clientCollaborationAccountLogic: ProcedureLogic = {
  checks: { findTenant, domainExists, appConsented, appPermissions, whoConsents },
  actions: {},
  waits: { consentGiven },
  textParams(ctx, locale) {
    const listed = (fact: string): string | undefined => {
      const v = ctx.facts[fact];
      if (!Array.isArray(v)) return undefined;
      return v.length > 0 ? v.join(', ') : locale === 'fr' ? 'aucune' : 'none';
    };
    const unread =
      locale === 'fr'
        ? 'illisibles avant le consentement (l’éditeur les déclare ; l’écran de consentement les liste)'
        : 'not readable before the consent (the vendor declares them; the consent screen lists them)';
    return {
      domain: clientDomain(ctx) || (locale === 'fr' ? '(domaine)' : '(domain)'),
      clientTenantId: str(ctx, 'clientTenantId') ?? ctx.run.tenantId,
      clientTenantName:
        str(ctx, 'clientTenantName') ??
        (locale === 'fr' ? 'l’organisation du client' : 'the client’s organisation'),
      vendorAppId: CEGID_LOOP_APP_ID,
      consentScope: CONSENT_SCOPE,
      redirectUri: CEGID_LOOP_REDIRECT_URI,
      consentState: ctx.run.id,
      consentWho: localized(ctx.facts.consentWho, locale) ?? '',
      delegatedPermissions: listed('delegatedScopes') ?? unread,
      applicationPermissions: listed('applicationPermissions') ?? unread,
      domainMx: mxText(ctx, locale),
      dueAtText: formatDue(ctx.run.stepResults['consent-wait']?.dueAt, locale),
      msaSubjectFr: MSA_LINES.fr.subject,
      msaBodyFr: MSA_LINES.fr.lines.join('\n\n'),
      msaSubjectEn: MSA_LINES.en.subject,
      msaBodyEn: MSA_LINES.en.lines.join('\n\n'),
    };
  },
};

export const clientCollaborationAccountModule: ProcedureModule = {
  procedure: clientCollaborationAccount,
  logic: clientCollaborationAccountLogic,
};
