/**
 * Procedure D: a verified domain and automatic provisioning to a gallery app (GoTo / LogMeIn). From the vendor's
 * help page "Configurer l’approvisionnement automatique des utilisateurs et des produits" (seed 003): an
 * organisation with at least one verified domain, a product administrator whose e-mail address is in that domain
 * (LogMeIn side, by hand), then automatic provisioning. In Microsoft Entra that is: a verified custom domain
 * (GET /domains, POST /domains, the TXT record, POST /domains/{id}/verify re-checked while DNS propagates), the
 * gallery app instantiated once, its provisioning job created from the app's template, the vendor's tenant URL and
 * secret token tested and saved, users and groups assigned, the job started and watched until it is steady, or
 * explained in plain words when it goes into quarantine.
 */
import { fromGraphErrorData } from '../engine/call-result.js';
import type { CallResult } from '../engine/call-result.js';
import { graphNeeds } from '../graph/scopes.js';
import { describeError } from '../i18n/describe-error.js';
import type { SynchronizationJob } from '../ports/tenant-graph.js';
import type { LocalizedText } from './text.js';
import {
  defineAction,
  defineBatch,
  defineCheck,
  defineChoiceSource,
  defineWait,
  graphCall,
} from './typed-logic.js';
import { secretRef } from './secret-refs.js';
import type {
  CheckOutcome,
  Link,
  PollOutcome,
  ProbeOutcome,
  Procedure,
  ProcedureLogic,
  ProcedureModule,
  StepContext,
} from './types.js';
import { requiredScopesOf } from './types.js';

/** The gallery apps this procedure provisions to, by the displayName Sesame looks their template up with. */
export const GALLERY_APPS = { logMeIn: 'LogMeIn', goToMeeting: 'GoTo Meeting' } as const;
/** The default app role: "access" without a named role, for apps that declare none for users. */
export const DEFAULT_ACCESS_ROLE = '00000000-0000-0000-0000-000000000000';
/** Graph's steadyStateLastAchievedTime before a job first caught up. */
const NEVER = '0001-01-01T00:00:00Z';

const L = (fr: string, en: string): LocalizedText => ({ fr, en });

export const LINKS = {
  organizationCenter: {
    label: L('Centre d’organisation LogMeIn', 'LogMeIn Organization Center'),
    url: 'https://organization.logmeininc.com',
  },
  productAdmins: {
    label: L('Gérer les administrateurs (aide GoTo)', 'Manage administrators (GoTo help)'),
    url: 'https://support.goto.com/meeting/help/manage-organization-users-g2m710102',
  },
  tutorial: {
    label: L('Tutoriel Microsoft : provisionnement LogMeIn', 'Microsoft tutorial: LogMeIn provisioning'),
    url: 'https://learn.microsoft.com/entra/identity/saas-apps/logmein-provisioning-tutorial',
  },
  quarantine: {
    label: L('Quarantaine du provisionnement (Microsoft)', 'Provisioning quarantine (Microsoft)'),
    url: 'https://learn.microsoft.com/entra/identity/app-provisioning/application-provisioning-quarantine-status',
  },
  enterpriseApps: {
    label: L('Applications d’entreprise (Entra)', 'Enterprise applications (Entra)'),
    url: 'https://entra.microsoft.com/#view/Microsoft_AAD_IAM/StartboardApplicationsMenuBlade/~/AppAppsPreview',
  },
  domains: {
    label: L('Noms de domaine personnalisés (Entra)', 'Custom domain names (Entra)'),
    url: 'https://entra.microsoft.com/#view/Microsoft_AAD_IAM/DomainsManagementMenuBlade/~/CustomDomainNames',
  },
} satisfies Record<string, Link>;

const RETRY_SP = {
  on: ['graph_not_found'] as const,
  initialDelayMs: 5_000,
  factor: 2,
  maxDelayMs: 60_000,
  maxElapsedMs: 600_000,
};

export const domainAndProvisioning: Procedure = {
  id: 'domain-and-provisioning',
  version: 2,
  title: L(
    'Domaine vérifié et provisionnement automatique (GoTo / LogMeIn)',
    'Verified domain and automatic provisioning (GoTo / LogMeIn)',
  ),
  summary: L(
    'Vérifie qu’un domaine personnalisé de votre locataire est vérifié (sinon l’ajoute et vous donne l’enregistrement ' +
      'TXT à publier), vous guide côté LogMeIn, ajoute l’application de la galerie une seule fois, crée la tâche de ' +
      'provisionnement, teste et enregistre le jeton secret du fournisseur, attribue l’application aux utilisateurs ' +
      'et groupes choisis, démarre le provisionnement et le surveille.',
    'Checks that a custom domain of your tenant is verified (otherwise adds one and gives you the TXT record to ' +
      'publish), walks you through the LogMeIn side, adds the gallery app once, creates the provisioning job, tests ' +
      'and saves the vendor’s secret token, assigns the app to the users and groups you pick, starts provisioning ' +
      'and watches it.',
  ),
  aliases: [
    'GoTo',
    'LogMeIn',
    'GoTo Meeting',
    'GoToMeeting',
    'GoTo Webinar',
    'GoToWebinar',
    'provisionnement automatique',
    'approvisionnement automatique',
    'provisionnement GoTo',
    'provisionnement LogMeIn',
    'vérifier un domaine',
    'vérification de domaine',
    'ajouter un domaine',
    'automatic provisioning',
    'user provisioning',
    'verify a domain',
    'domain verification',
    'LogMeIn provisioning',
    'GoTo provisioning',
    'SCIM GoTo',
  ],
  vendor: { name: 'GoTo / LogMeIn', url: 'https://www.goto.com' },
  get requiredScopes() {
    return requiredScopesOf(this.steps);
  },
  steps: [
    {
      id: 'domains',
      kind: 'check',
      logic: 'verifiedDomains',
      title: L('Domaines vérifiés', 'Verified domains'),
      body: L(
        'LogMeIn n’accepte que des adresses dans un domaine vérifié : Sesame lit les domaines de votre locataire.',
        'LogMeIn accepts only addresses in a verified domain: Sesame reads your tenant’s domains.',
      ),
      ...graphNeeds('listDomains'),
    },
    {
      id: 'domain-confirm',
      kind: 'choice',
      title: L('Domaine à utiliser', 'Domain to use'),
      body: L(
        'Les adresses de vos utilisateurs chez LogMeIn seront dans {domain}. Utiliser ce domaine vérifié ?',
        'Your users’ LogMeIn addresses will be in {domain}. Use this verified domain?',
      ),
      options: [
        { id: 'use', label: L('Utiliser {domain}', 'Use {domain}'), next: 'vendor-admin' },
        {
          id: 'add',
          label: L('Ajouter ou vérifier un autre domaine', 'Add or verify another domain'),
          next: 'domain-name',
        },
      ],
      scopes: [],
      roles: [],
    },
    {
      id: 'domain-name',
      kind: 'input',
      title: L('Domaine à vérifier', 'Domain to verify'),
      body: L(
        'Le domaine des adresses e-mail de vos utilisateurs (celui que LogMeIn vérifiera aussi), par exemple ' +
          'cabinet-exemple.fr. Vous devez pouvoir modifier sa zone DNS.',
        'The domain of your users’ e-mail addresses (the one LogMeIn will verify too), e.g. cabinet-exemple.fr. You ' +
          'must be able to edit its DNS zone.',
      ),
      fields: [
        {
          id: 'domainName',
          type: 'text',
          label: L('Nom de domaine', 'Domain name'),
          placeholder: L('cabinet-exemple.fr', 'example-firm.com'),
          rules: [
            { kind: 'required' },
            { kind: 'maxLength', max: 253 },
            {
              kind: 'pattern',
              pattern:
                '^(?!.*\\.onmicrosoft\\.com$)([A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\\.)+[A-Za-z]{2,63}$',
              message: L(
                'Indiquez un nom de domaine complet (par exemple cabinet-exemple.fr), hors onmicrosoft.com.',
                'Give a full domain name (e.g. example-firm.com), not an onmicrosoft.com one.',
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
      id: 'add-domain',
      kind: 'action',
      logic: 'addDomain',
      title: L('Ajout du domaine', 'Adding the domain'),
      body: L(
        'Le domaine est ajouté non vérifié ; Microsoft donne ensuite l’enregistrement TXT qui prouve qu’il est à vous.',
        'The domain is added unverified; Microsoft then gives the TXT record that proves it is yours.',
      ),
      confirm: L('Ajouter {domain} à votre locataire ?', 'Add {domain} to your tenant?'),
      confirmLabel: L('Ajouter', 'Add'),
      ...graphNeeds('listDomains', 'addDomain'),
    },
    {
      id: 'dns-record',
      kind: 'check',
      logic: 'txtRecord',
      title: L('Enregistrement TXT', 'TXT record'),
      body: L(
        'Sesame lit l’enregistrement que Microsoft attend dans le DNS de {domain}.',
        'Sesame reads the record Microsoft expects in the DNS of {domain}.',
      ),
      ...graphNeeds('listVerificationDnsRecords'),
    },
    {
      id: 'publish-txt',
      kind: 'manual',
      title: L('Publication chez votre hébergeur DNS', 'Publishing at your DNS host'),
      instructions: L(
        'Chez l’hébergeur DNS de {domain} (OVHcloud, Gandi, GoDaddy…), ajoutez un enregistrement de type TXT :\n\n' +
          '- nom (hôte) : @ (ou {domain}) ;\n- valeur : l’enregistrement affiché ci-dessous, tel quel ;\n' +
          '- TTL : {txtTtl} secondes (ou la valeur par défaut).\n\n' +
          'Enregistrez, puis cliquez sur « C’est publié » : Sesame demande la vérification à Microsoft et réessaie de ' +
          'lui-même tant que le DNS se propage (quelques minutes, parfois plusieurs heures).',
        'At the DNS host of {domain} (OVHcloud, Gandi, GoDaddy…), add a record of type TXT:\n\n' +
          '- name (host): @ (or {domain});\n- value: the record shown below, as it is;\n' +
          '- TTL: {txtTtl} seconds (or the default).\n\n' +
          'Save, then click "It is published": Sesame asks Microsoft to verify and tries again by itself while DNS ' +
          'propagates (minutes, sometimes hours).',
      ),
      links: [LINKS.domains],
      doneLabel: L('C’est publié', 'It is published'),
      scopes: [],
      roles: [],
    },
    {
      id: 'verify-domain',
      kind: 'check',
      logic: 'verifyDomain',
      title: L('Vérification du domaine', 'Domain verification'),
      body: L(
        'Sesame demande à Microsoft de vérifier {domain} ; tant que l’enregistrement TXT n’est pas visible, il réessaie.',
        'Sesame asks Microsoft to verify {domain}; while the TXT record is not visible yet, it tries again.',
      ),
      ...graphNeeds('verifyDomain'),
      // DNS usually propagates in minutes; Microsoft allows up to 72 hours. After a day Sesame stops and says so.
      retry: { on: [], initialDelayMs: 60_000, factor: 2, maxDelayMs: 1_800_000, maxElapsedMs: 86_400_000 },
      onGiveUp: {
        messageKey: 'domain-and-provisioning.domain-not-verified',
        message: L(
          'Le domaine {domain} n’est toujours pas vérifié après 24 heures : Microsoft ne trouve pas l’enregistrement ' +
            'TXT {txtValue}. Vérifiez chez votre hébergeur DNS qu’il est publié sur {domain} lui-même (nom @), sans ' +
            'guillemets en trop, puis cliquez sur « Réessayer » dans la procédure.',
          'The domain {domain} is still not verified after 24 hours: Microsoft cannot find the TXT record ' +
            '{txtValue}. Check at your DNS host that it is published on {domain} itself (name @), without extra ' +
            'quotes, then click "Retry" in the procedure.',
        ),
      },
    },
    {
      id: 'vendor-admin',
      kind: 'manual',
      title: L(
        'Côté LogMeIn : organisation et administrateur',
        'LogMeIn side: organisation and administrator',
      ),
      instructions: L(
        '1. Dans le Centre d’organisation LogMeIn, créez votre organisation en vérifiant {domain} (LogMeIn donne son ' +
          'propre enregistrement TXT « logmein-verification-code=… », ou un fichier à déposer sur votre site).\n\n' +
          '2. Dans le Centre d’administration LogMeIn, donnez le rôle d’administrateur de produit (GoTo Meeting, ' +
          'GoTo Webinar…) à un administrateur de l’organisation, ou ajoutez un administrateur d’organisation et ' +
          'donnez-lui ce rôle.\n\n' +
          '**Pourquoi :** LogMeIn n’accepte le provisionnement que si au moins un administrateur de l’organisation est ' +
          'aussi administrateur de produit, et si le domaine de son adresse e-mail est l’un des domaines vérifiés ' +
          '(ici {domain}). Sinon LogMeIn refusera les comptes que Microsoft Entra lui envoie.\n\n' +
          '3. Gardez ouvert l’écran où LogMeIn donne l’URL du locataire et le jeton secret du provisionnement : ' +
          'Sesame vous les demandera.',
        '1. In the LogMeIn Organization Center, create your organisation by verifying {domain} (LogMeIn gives its ' +
          'own TXT record "logmein-verification-code=…", or a file to put on your website).\n\n' +
          '2. In the LogMeIn Admin Center, give the product administrator role (GoTo Meeting, GoTo Webinar…) to an ' +
          'organisation administrator, or add an organisation administrator and give them that role.\n\n' +
          '**Why:** LogMeIn accepts provisioning only if at least one organisation administrator is also a product ' +
          'administrator, and the domain of their e-mail address is one of the verified domains (here {domain}). ' +
          'Otherwise LogMeIn refuses the accounts Microsoft Entra sends it.\n\n' +
          '3. Keep open the page where LogMeIn gives the tenant URL and the provisioning secret token: Sesame will ' +
          'ask for them.',
      ),
      links: [LINKS.organizationCenter, LINKS.productAdmins],
      doneLabel: L('C’est fait côté LogMeIn', 'Done on the LogMeIn side'),
      scopes: [],
      roles: [],
    },
    {
      id: 'app-choice',
      kind: 'choice',
      title: L('Application de la galerie', 'Gallery app'),
      body: L(
        'Quelle application de la galerie Microsoft Entra provisionner ? LogMeIn couvre les produits GoTo de votre ' +
          'organisation LogMeIn.',
        'Which Microsoft Entra gallery app should be provisioned? LogMeIn covers the GoTo products of your LogMeIn ' +
          'organisation.',
      ),
      options: [
        {
          id: 'logmein',
          label: L('LogMeIn', 'LogMeIn'),
          next: 'find-template',
          facts: { appName: GALLERY_APPS.logMeIn },
        },
        {
          id: 'goto-meeting',
          label: L('GoTo Meeting', 'GoTo Meeting'),
          next: 'find-template',
          facts: { appName: GALLERY_APPS.goToMeeting },
        },
      ],
      scopes: [],
      roles: [],
    },
    {
      id: 'find-template',
      kind: 'check',
      logic: 'findTemplate',
      title: L('Modèle dans la galerie', 'Gallery template'),
      body: L(
        'Sesame cherche {appName} dans la galerie Microsoft Entra.',
        'Sesame looks for {appName} in the Microsoft Entra gallery.',
      ),
      ...graphNeeds('findApplicationTemplates'),
    },
    {
      id: 'instantiate',
      kind: 'action',
      logic: 'instantiate',
      title: L('Ajout de l’application', 'Adding the app'),
      body: L(
        'Sesame vérifie d’abord si {appName} est déjà dans vos applications d’entreprise : il la réutilise plutôt ' +
          'que d’en créer une seconde.',
        'Sesame first checks whether {appName} is already among your enterprise apps: it reuses it rather than ' +
          'making a second one.',
      ),
      confirm: L(
        'Ajouter {appName} à vos applications d’entreprise ?',
        'Add {appName} to your enterprise apps?',
      ),
      confirmLabel: L('Ajouter', 'Add'),
      ...graphNeeds('findServicePrincipalsByTemplate', 'instantiateApplicationTemplate'),
    },
    {
      id: 'app-ready',
      kind: 'check',
      logic: 'appReady',
      title: L('Application prête', 'App ready'),
      body: L(
        'Un principal de service tout juste créé met quelques secondes à se répliquer : Sesame attend qu’il réponde.',
        'A just-created service principal takes seconds to replicate: Sesame waits until it answers.',
      ),
      ...graphNeeds('getServicePrincipal'),
      retry: RETRY_SP,
    },
    {
      id: 'create-job',
      kind: 'action',
      logic: 'createJob',
      title: L('Tâche de provisionnement', 'Provisioning job'),
      body: L(
        'La tâche est créée à partir du modèle de provisionnement de {appName} ; une tâche existante est réutilisée.',
        'The job is made from {appName}’s provisioning template; an existing job is reused.',
      ),
      confirm: L('Créer la tâche de provisionnement de {appName} ?', 'Create {appName}’s provisioning job?'),
      confirmLabel: L('Créer', 'Create'),
      ...graphNeeds('listSynchronizationJobs', 'listSynchronizationTemplates', 'createSynchronizationJob'),
      retry: RETRY_SP,
    },
    {
      id: 'assignees',
      kind: 'choice',
      title: L('Utilisateurs et groupes', 'Users and groups'),
      body: L(
        'Seuls les utilisateurs et groupes attribués à {appName} sont provisionnés chez LogMeIn (pour un groupe : ' +
          'ses membres). Commencez par quelques-uns ; vous pourrez en ajouter ensuite.',
        'Only the users and groups assigned to {appName} are provisioned to LogMeIn (for a group: its members). ' +
          'Start with a few; you can add more later.',
      ),
      options: [],
      fromTenant: {
        source: 'assignees',
        fact: 'assigneeIds',
        next: 'assign',
        label: L('Utilisateurs et groupes à provisionner', 'Users and groups to provision'),
        none: L(
          'Votre locataire n’a ni utilisateur membre actif ni groupe de sécurité à attribuer à l’application.',
          'Your tenant has no enabled member user and no security group to assign to the app.',
        ),
        multiple: true,
      },
      ...graphNeeds('listMemberUsers', 'listSecurityGroups'),
    },
    {
      id: 'assign',
      kind: 'batch',
      logic: 'assignments',
      title: L('Attributions', 'Assignments'),
      body: L(
        'Sesame lit qui a déjà accès à {appName} et n’attribue que les autres.',
        'Sesame reads who already has access to {appName} and assigns only the others.',
      ),
      confirm: L(
        'Attribuer {appName} à {count} utilisateur(s) ou groupe(s) ?',
        'Assign {appName} to {count} user(s) or group(s)?',
      ),
      confirmLabel: L('Attribuer', 'Assign'),
      ...graphNeeds('listAppRoleAssignedTo', 'assignAppRole'),
    },
    {
      id: 'tenant-url',
      kind: 'input',
      title: L('Identifiants de l’administrateur', 'Admin credentials'),
      body: L(
        'Dans le Centre d’administration LogMeIn, le provisionnement donne une URL du locataire et un jeton secret. ' +
          'Collez ici l’URL ; le jeton vous sera demandé à l’étape suivante, dans un champ masqué.',
        'In the LogMeIn Admin Center, provisioning gives a tenant URL and a secret token. Paste the URL here; the ' +
          'token is asked for at the next step, in a masked field.',
      ),
      fields: [
        {
          id: 'tenantUrl',
          type: 'text',
          label: L('URL du locataire', 'Tenant URL'),
          placeholder: L('https://…', 'https://…'),
          rules: [
            { kind: 'required' },
            { kind: 'maxLength', max: 500 },
            {
              kind: 'pattern',
              pattern: '^https://[A-Za-z0-9](?:[A-Za-z0-9.-]*[A-Za-z0-9])?(?::[0-9]{1,5})?(?:/[^\\s]*)?$',
              message: L(
                'Indiquez l’adresse complète donnée par LogMeIn, en https:// (par exemple https://api.example.com/scim).',
                'Give the full address LogMeIn gives, with https:// (e.g. https://api.example.com/scim).',
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
      id: 'credentials',
      kind: 'action',
      logic: 'credentials',
      title: L('Test et enregistrement des identifiants', 'Testing and saving the credentials'),
      body: L(
        'Sesame demande à Microsoft Entra de tester la connexion à {appName} avec ces identifiants, et ne les ' +
          'enregistre que s’ils sont acceptés.',
        'Sesame asks Microsoft Entra to test the connection to {appName} with these credentials, and saves them only ' +
          'if they are accepted.',
      ),
      confirm: L(
        'Tester puis enregistrer les identifiants de {appName} (URL {tenantUrl}) ?',
        'Test then save {appName}’s credentials (URL {tenantUrl})?',
      ),
      confirmLabel: L('Tester et enregistrer', 'Test and save'),
      secretFields: [
        {
          id: 'secretToken',
          label: L('Jeton secret', 'Secret token'),
          help: L(
            'Le jeton donné par LogMeIn avec l’URL du locataire. Collez-le ici seulement, jamais dans le chat.',
            'The token LogMeIn gives with the tenant URL. Paste it here only, never in the chat.',
          ),
          rules: [{ kind: 'maxLength', max: 2000 }],
        },
      ],
      ...graphNeeds(
        'getSynchronizationJob',
        'validateSynchronizationCredentials',
        'saveSynchronizationSecrets',
      ),
    },
    {
      id: 'start-job',
      kind: 'action',
      logic: 'startJob',
      title: L('Démarrage du provisionnement', 'Starting provisioning'),
      body: L(
        'Le premier cycle crée les comptes des utilisateurs et groupes attribués chez {appName} ; les suivants ont ' +
          'lieu environ toutes les 40 minutes.',
        'The first cycle creates the accounts of the assigned users and groups at {appName}; the next ones run about ' +
          'every 40 minutes.',
      ),
      confirm: L('Démarrer le provisionnement vers {appName} ?', 'Start provisioning to {appName}?'),
      confirmLabel: L('Démarrer', 'Start'),
      ...graphNeeds('getSynchronizationJob', 'startSynchronizationJob'),
    },
    {
      id: 'watch',
      kind: 'wait',
      logic: 'jobSteady',
      title: L('Suivi du provisionnement', 'Watching provisioning'),
      body: L(
        'Sesame relit l’état de la tâche toutes les 5 minutes jusqu’à ce que le premier cycle soit terminé, et vous ' +
          'prévient si elle passe en quarantaine.',
        'Sesame reads the job’s status every 5 minutes until the first cycle is over, and tells you if it goes into ' +
          'quarantine.',
      ),
      due: { durationMs: 2 * 3_600_000 },
      pollEveryMs: 300_000,
      pollForMs: 24 * 3_600_000,
      reminders: [
        {
          id: 'slow',
          at: 'due',
          messageKey: 'domain-and-provisioning.first-cycle-slow',
          message: L(
            'Le premier cycle de provisionnement vers {appName} n’est toujours pas terminé après 2 heures. C’est ' +
              'possible avec beaucoup d’utilisateurs ; Sesame continue de vérifier.',
            'The first provisioning cycle to {appName} is still not over after 2 hours. That happens with many ' +
              'users; Sesame keeps checking.',
          ),
        },
      ],
      onFailure: {
        messageKey: 'domain-and-provisioning.job-failed',
        message: L(
          'Le provisionnement vers {appName} est en échec : {jobProblem} Ouvrez la procédure pour corriger.',
          'Provisioning to {appName} is failing: {jobProblem} Open the procedure to fix it.',
        ),
      },
      fix: { step: 'tenant-url', label: L('Changer les identifiants', 'Change the credentials') },
      ...graphNeeds('getSynchronizationJob'),
    },
    {
      id: 'users-at-vendor',
      kind: 'manual',
      title: L('Les utilisateurs chez LogMeIn', 'The users at LogMeIn'),
      instructions: L(
        'Tout est prêt. Les utilisateurs attribués apparaissent dans le Centre d’administration LogMeIn ; chacun ' +
          'reçoit un e-mail de bienvenue avec son adresse et un lien pour créer son mot de passe. Les changements ' +
          '(arrivées, départs, changements de groupe) suivront à chaque cycle.',
        'All set. The assigned users appear in the LogMeIn Admin Center; each receives a welcome e-mail with their ' +
          'address and a link to create their password. Changes (arrivals, departures, group changes) follow at each ' +
          'cycle.',
      ),
      links: [LINKS.tutorial],
      doneLabel: L('Terminé', 'Done'),
      scopes: [],
      roles: [],
    },
  ],
};

// ---------------------------------------------------------------------------------------------------------
// Step logic

const str = (v: unknown): string => (typeof v === 'string' ? v : '');

function domain(ctx: StepContext): string {
  return (ctx.inputs.domainName ?? str(ctx.facts.domain)).trim().toLowerCase() || str(ctx.facts.domain);
}
const appName = (ctx: StepContext): string => str(ctx.facts.appName) || GALLERY_APPS.logMeIn;
const spId = (ctx: StepContext): string => str(ctx.facts.spId);
const jobId = (ctx: StepContext): string => str(ctx.facts.jobId);

/** What failed, in the words describeError gives every error, with Graph's request-id. */
export function graphFailure(what: LocalizedText, r: Extract<CallResult, { ok: false }>): LocalizedText {
  const error = fromGraphErrorData(r.error);
  const id = r.error.requestId ? ` (request-id ${r.error.requestId})` : '';
  return {
    fr: `${what.fr} : ${describeError(error, 'fr').message}${id}`,
    en: `${what.en}: ${describeError(error, 'en').message}${id}`,
  };
}

const stopOn = (reason: LocalizedText): CheckOutcome => ({ result: 'stop', reason, summary: reason });

const verifiedDomains = defineCheck({
  reads: () => ({ domains: graphCall('listDomains') }),
  evaluate(_ctx, { domains }): CheckOutcome {
    if (!domains.ok) return stopOn(graphFailure(L('Lecture des domaines', 'Reading the domains'), domains));
    const custom = domains.data.domains.filter((d) => !d.id.toLowerCase().endsWith('.onmicrosoft.com'));
    const verified = custom.filter((d) => d.isVerified === true);
    const pending = custom.filter((d) => d.isVerified !== true).map((d) => d.id);
    const pendingNote: LocalizedText[] =
      pending.length > 0
        ? [
            L(
              `Domaines ajoutés mais pas encore vérifiés : ${pending.join(', ')}.`,
              `Domains added but not verified yet: ${pending.join(', ')}.`,
            ),
          ]
        : [];
    if (verified.length === 0) {
      return {
        result: 'warn',
        next: 'domain-name',
        summary: L(
          'Aucun domaine personnalisé vérifié : vos utilisateurs n’ont que des adresses en onmicrosoft.com, que ' +
            'LogMeIn ne peut pas vérifier. Ajoutons le domaine de votre organisation.',
          'No verified custom domain: your users only have onmicrosoft.com addresses, which LogMeIn cannot verify. ' +
            'Let us add your organisation’s domain.',
        ),
        notes: pendingNote,
        facts: { verifiedDomains: [], domain: null },
      };
    }
    const chosen = verified.find((d) => d.isDefault === true) ?? verified[0]!;
    const names = verified.map((d) => d.id);
    return {
      result: 'pass',
      summary: L(
        `Domaines personnalisés vérifiés : ${names.join(', ')}.`,
        `Verified custom domains: ${names.join(', ')}.`,
      ),
      notes: pendingNote,
      facts: { verifiedDomains: names, domain: chosen.id, domainVerified: true },
    };
  },
});

const addDomain = defineAction({
  probe: () => ({ domains: graphCall('listDomains') }),
  interpretProbe(ctx, results) {
    const r = results.domains;
    if (!r || !r.ok)
      return {
        error: true,
        summary: r
          ? graphFailure(L('Lecture des domaines', 'Reading the domains'), r)
          : L('Lecture impossible.', 'Could not read.'),
      };
    const name = domain(ctx);
    const existing = r.data.domains.find((d) => d.id.toLowerCase() === name);
    if (!existing) return { done: false, facts: { domain: name, domainVerified: false } };
    const verified = existing.isVerified === true;
    return {
      done: true,
      summary: verified
        ? L(`${name} est déjà vérifié dans votre locataire.`, `${name} is already verified in your tenant.`)
        : L(
            `${name} est déjà ajouté à votre locataire, pas encore vérifié : Sesame reprend sa vérification.`,
            `${name} is already added to your tenant, not verified yet: Sesame resumes its verification.`,
          ),
      facts: { domain: name, domainVerified: verified },
    };
  },
  write: (ctx) => graphCall('addDomain', domain(ctx)),
  interpretWrite(ctx, result) {
    const name = domain(ctx);
    if (result.ok)
      return {
        status: 'done',
        summary: L(`${name} est ajouté, non vérifié.`, `${name} is added, not verified.`),
        facts: { domain: name, domainVerified: false },
      };
    if (/already exists/i.test(result.error.message))
      return {
        status: 'done',
        already: true,
        summary: L(`${name} était déjà ajouté.`, `${name} was already added.`),
        facts: { domain: name, domainVerified: false },
      };
    return { status: 'failed', summary: graphFailure(L(`Ajout de ${name}`, `Adding ${name}`), result) };
  },
});

const txtRecord = defineCheck({
  reads: (ctx) => ({ records: graphCall('listVerificationDnsRecords', domain(ctx)) }),
  evaluate(ctx, { records }): CheckOutcome {
    const name = domain(ctx);
    if (ctx.facts.domainVerified === true)
      return {
        result: 'pass',
        next: 'vendor-admin',
        summary: L(
          `${name} est vérifié : aucun enregistrement à publier.`,
          `${name} is verified: no record to publish.`,
        ),
      };
    if (!records.ok)
      return stopOn(graphFailure(L('Lecture de l’enregistrement TXT', 'Reading the TXT record'), records));
    const txt = records.data.records.find((r) => r.recordType?.toLowerCase() === 'txt' && r.text);
    if (!txt)
      return stopOn(
        L(
          `Microsoft ne donne pas d’enregistrement TXT pour ${name} : vérifiez le domaine dans le centre d’administration Entra.`,
          `Microsoft gives no TXT record for ${name}: verify the domain in the Entra admin center.`,
        ),
      );
    const value = txt.text!;
    return {
      result: 'pass',
      summary: L(
        `L’enregistrement TXT à publier dans le DNS de ${name} : ${value}`,
        `The TXT record to publish in the DNS of ${name}: ${value}`,
      ),
      copyable: [
        { label: L('Type', 'Type'), value: 'TXT' },
        { label: L('Nom (hôte)', 'Name (host)'), value: '@' },
        { label: L('Valeur', 'Value'), value },
        { label: L('TTL (secondes)', 'TTL (seconds)'), value: String(txt.ttl ?? 3600) },
      ],
      facts: { txtValue: value, txtTtl: txt.ttl ?? 3600 },
    };
  },
});

/** Graph's wording when another tenant owns the domain (not documented: several phrasings are recognised). */
const VERIFIED_ELSEWHERE =
  /another (microsoft entra |azure ad |azure active directory )?(tenant|organi[sz]ation|directory)|already (verified|in use)/i;

const verifyDomain = defineCheck({
  reads: (ctx) => ({ verify: graphCall('verifyDomain', domain(ctx)) }),
  evaluate(ctx, { verify }): CheckOutcome {
    const name = domain(ctx);
    if (verify.ok && verify.data.isVerified === true)
      return {
        result: 'pass',
        summary: L(`${name} est vérifié.`, `${name} is verified.`),
        facts: { domainVerified: true },
      };
    if (
      !verify.ok &&
      verify.error.code === 'graph_bad_request' &&
      VERIFIED_ELSEWHERE.test(verify.error.message)
    )
      return stopOn(
        L(
          `${name} est déjà vérifié dans un autre locataire Microsoft Entra : un domaine ne peut être vérifié que ` +
            'dans un seul locataire. Demandez à l’administrateur de cet autre locataire de le retirer, ou relancez la ' +
            'procédure avec un autre domaine.',
          `${name} is already verified in another Microsoft Entra tenant: a domain can be verified in one tenant only. ` +
            'Ask that tenant’s administrator to remove it, or run the procedure again with another domain.',
        ),
      );
    if (!verify.ok && verify.error.code === 'graph_bad_request')
      return {
        result: 'not-yet',
        summary: L(
          `Microsoft ne voit pas encore l’enregistrement TXT de ${name} (${str(ctx.facts.txtValue)}) : le DNS se propage.`,
          `Microsoft does not see the TXT record of ${name} (${str(ctx.facts.txtValue)}) yet: DNS is propagating.`,
        ),
      };
    if (!verify.ok) return stopOn(graphFailure(L(`Vérification de ${name}`, `Verifying ${name}`), verify));
    return {
      result: 'not-yet',
      summary: L(`${name} n’est pas encore vérifié.`, `${name} is not verified yet.`),
    };
  },
});

const findTemplate = defineCheck({
  reads: (ctx) => ({ templates: graphCall('findApplicationTemplates', appName(ctx)) }),
  evaluate(ctx, { templates }): CheckOutcome {
    if (!templates.ok)
      return stopOn(graphFailure(L('Recherche dans la galerie', 'Searching the gallery'), templates));
    const name = appName(ctx);
    const withSync = templates.data.templates.find((t) => t.supportedProvisioningTypes.includes('sync'));
    const template = withSync ?? templates.data.templates[0];
    if (!template)
      return stopOn(
        L(
          `${name} est introuvable dans la galerie Microsoft Entra.`,
          `${name} cannot be found in the Microsoft Entra gallery.`,
        ),
      );
    if (!withSync)
      return stopOn(
        L(
          `${name} est dans la galerie, mais sans provisionnement automatique.`,
          `${name} is in the gallery, but without automatic provisioning.`,
        ),
      );
    return {
      result: 'pass',
      summary: L(
        `${name} est dans la galerie, avec provisionnement automatique.`,
        `${name} is in the gallery, with automatic provisioning.`,
      ),
      facts: { templateId: template.id },
      objectIds: [template.id],
    };
  },
});

const instantiate = defineAction({
  probe: (ctx) => ({ existing: graphCall('findServicePrincipalsByTemplate', str(ctx.facts.templateId)) }),
  interpretProbe(ctx, results) {
    const r = results.existing;
    if (!r || !r.ok)
      return {
        error: true,
        summary: r
          ? graphFailure(L('Recherche des applications', 'Looking for apps'), r)
          : L('Lecture impossible.', 'Could not read.'),
      };
    const [first, ...others] = r.data.servicePrincipals;
    if (!first) return { done: false };
    return {
      done: true,
      summary: L(
        `${appName(ctx)} est déjà dans vos applications d’entreprise (« ${first.displayName ?? first.id} ») : Sesame la réutilise.`,
        `${appName(ctx)} is already among your enterprise apps ("${first.displayName ?? first.id}"): Sesame reuses it.`,
      ),
      ...(others.length > 0
        ? {
            notes: [
              L(
                `Il y en a ${others.length + 1} : Sesame utilise la première ; supprimez les doublons dans Entra si elles ne servent pas.`,
                `There are ${others.length + 1}: Sesame uses the first; delete the duplicates in Entra if unused.`,
              ),
            ],
          }
        : {}),
      facts: { spId: first.id, appId: first.appId },
      objectIds: [first.id],
    };
  },
  write: (ctx) => graphCall('instantiateApplicationTemplate', str(ctx.facts.templateId), appName(ctx)),
  interpretWrite(ctx, result) {
    if (!result.ok)
      return {
        status: 'failed',
        summary: graphFailure(L(`Ajout de ${appName(ctx)}`, `Adding ${appName(ctx)}`), result),
      };
    const data = result.data;
    const sp = data.servicePrincipal;
    if (!sp)
      return {
        status: 'failed',
        summary: L(
          'Microsoft n’a pas renvoyé le principal de service.',
          'Microsoft returned no service principal.',
        ),
      };
    return {
      status: 'done',
      summary: L(
        `${appName(ctx)} est ajoutée à vos applications d’entreprise.`,
        `${appName(ctx)} is added to your enterprise apps.`,
      ),
      facts: { spId: sp.id, appId: sp.appId },
      objectIds: [sp.id, ...(data.application ? [data.application.id] : [])],
    };
  },
});

const appReady = defineCheck({
  reads: (ctx) => ({ sp: graphCall('getServicePrincipal', spId(ctx)) }),
  evaluate(ctx, { sp }): CheckOutcome {
    if (!sp.ok) return stopOn(graphFailure(L(`Lecture de ${appName(ctx)}`, `Reading ${appName(ctx)}`), sp));
    const role =
      sp.data.appRoles.find(
        (r) =>
          r.isEnabled !== false &&
          r.allowedMemberTypes.includes('User') &&
          r.displayName?.toLowerCase() === 'user',
      ) ?? sp.data.appRoles.find((r) => r.isEnabled !== false && r.allowedMemberTypes.includes('User'));
    return {
      result: 'pass',
      summary: L(
        `${appName(ctx)} répond : l’application est prête.`,
        `${appName(ctx)} answers: the app is ready.`,
      ),
      facts: { appRoleId: role?.id ?? DEFAULT_ACCESS_ROLE },
      objectIds: [sp.data.id],
    };
  },
});

const createJob = defineAction({
  probe: (ctx) => ({
    jobs: graphCall('listSynchronizationJobs', spId(ctx)),
    templates: graphCall('listSynchronizationTemplates', spId(ctx)),
  }),
  interpretProbe(ctx, results): ProbeOutcome {
    const jobs = results.jobs;
    const templates = results.templates;
    const what = L('Lecture du provisionnement', 'Reading provisioning');
    if (!jobs || !jobs.ok) {
      // Just after instantiation the synchronization service may not know the app yet: the write step retries.
      if (jobs && jobs.error.code === 'graph_not_found') return { done: false };
      return { error: true, summary: jobs ? graphFailure(what, jobs) : what };
    }
    const existing = jobs.data.jobs[0];
    if (existing)
      return {
        done: true,
        summary: L(
          `${appName(ctx)} a déjà une tâche de provisionnement : Sesame la réutilise.`,
          `${appName(ctx)} already has a provisioning job: Sesame reuses it.`,
        ),
        facts: { jobId: existing.id },
        objectIds: [existing.id],
      };
    if (!templates || !templates.ok)
      return { error: true, summary: templates ? graphFailure(what, templates) : what };
    const template = templates.data.templates.find((t) => t.default === true) ?? templates.data.templates[0];
    if (!template)
      return {
        error: true,
        summary: L(
          `${appName(ctx)} ne propose aucun modèle de provisionnement.`,
          `${appName(ctx)} offers no provisioning template.`,
        ),
      };
    return { done: false, facts: { syncTemplateId: template.id } };
  },
  write: (ctx) => graphCall('createSynchronizationJob', spId(ctx), str(ctx.facts.syncTemplateId)),
  interpretWrite(ctx, result) {
    if (!result.ok)
      return {
        status: 'failed',
        summary: graphFailure(L('Création de la tâche', 'Creating the job'), result),
      };
    const job = result.data;
    return {
      status: 'done',
      summary: L(
        `La tâche de provisionnement de ${appName(ctx)} est créée.`,
        `${appName(ctx)}’s provisioning job is created.`,
      ),
      facts: { jobId: job.id },
      objectIds: [job.id],
    };
  },
});

function isQuarantined(job: SynchronizationJob): boolean {
  return job.status?.code === 'Quarantine' || job.status?.quarantine != null;
}

const startJob = defineAction({
  probe: (ctx) => ({ job: graphCall('getSynchronizationJob', spId(ctx), jobId(ctx)) }),
  interpretProbe(ctx, results) {
    const r = results.job;
    if (!r || !r.ok)
      return {
        error: true,
        summary: r
          ? graphFailure(L('Lecture de la tâche', 'Reading the job'), r)
          : L('Lecture impossible.', 'Could not read.'),
      };
    // Started since the credentials were last saved, and not in quarantine: nothing to do. When Sesame never
    // heard the start's answer (it stopped during the write), the job's progress observed since the save says so.
    const startedAt = str(ctx.facts.jobStartedAt);
    const savedAt = str(ctx.facts.credentialsSavedAt);
    const observed = r.data.status?.progress?.[0]?.progressObservationDateTime ?? '';
    const startedSinceSave =
      startedAt !== ''
        ? startedAt >= savedAt
        : observed !== '' && savedAt !== '' && Date.parse(observed) >= Date.parse(savedAt);
    if (r.data.status?.code === 'Active' && !isQuarantined(r.data) && startedSinceSave)
      return {
        done: true,
        summary: L(
          `Le provisionnement vers ${appName(ctx)} tourne déjà.`,
          `Provisioning to ${appName(ctx)} is already running.`,
        ),
      };
    return { done: false };
  },
  write: (ctx) => graphCall('startSynchronizationJob', spId(ctx), jobId(ctx)),
  interpretWrite(ctx, result) {
    if (!result.ok)
      return {
        status: 'failed',
        summary: graphFailure(L('Démarrage du provisionnement', 'Starting provisioning'), result),
      };
    return {
      status: 'done',
      summary: L(
        `Le provisionnement vers ${appName(ctx)} est démarré.`,
        `Provisioning to ${appName(ctx)} is started.`,
      ),
      facts: { jobStartedAt: new Date(ctx.now).toISOString(), jobProblem: null },
    };
  },
});

// Users and groups assigned to the app: what provisioning sends to the vendor.

/** Tenant options are plain strings (no locale): a group is marked by a sign both languages read. */
export const GROUP_MARK = '👥';

const assignees = defineChoiceSource({
  reads: () => ({ users: graphCall('listMemberUsers'), groups: graphCall('listSecurityGroups') }),
  options(_ctx, { users, groups }) {
    const what = L('Lecture des utilisateurs et groupes', 'Reading users and groups');
    if (!users.ok) return { error: graphFailure(what, users) };
    if (!groups.ok) return { error: graphFailure(what, groups) };
    const byName = (a: { label: string }, b: { label: string }) => a.label.localeCompare(b.label, 'fr');
    return {
      options: [
        ...groups.data.groups
          .map((g) => ({ id: g.id, label: `${GROUP_MARK} ${g.displayName ?? g.id}` }))
          .sort(byName),
        ...users.data.users
          .map((u) => ({
            id: u.id,
            label: u.userPrincipalName
              ? `${u.displayName ?? u.userPrincipalName} (${u.userPrincipalName})`
              : (u.displayName ?? u.id),
          }))
          .sort(byName),
      ],
    };
  },
});

const ids = (v: unknown): string[] => (Array.isArray(v) ? v.filter((x) => typeof x === 'string') : []);

const assignments = defineBatch({
  items(ctx) {
    const labels = ids(ctx.facts.assigneeIdsLabels);
    return ids(ctx.facts.assigneeIds).map((key, i) => ({ key, label: labels[i] ?? key }));
  },
  probe: (ctx) => ({ assigned: graphCall('listAppRoleAssignedTo', spId(ctx)) }),
  interpretProbe(ctx, { assigned }) {
    if (!assigned.ok)
      return {
        error: true,
        summary: graphFailure(
          L(`Lecture des accès à ${appName(ctx)}`, `Reading who can access ${appName(ctx)}`),
          assigned,
        ),
      };
    // Any role counts: someone who already has access is provisioned; a second assignment would add nothing.
    const have = new Set(assigned.data.assignments.map((a) => (a.principalId ?? '').toLowerCase()));
    return { done: ids(ctx.facts.assigneeIds).filter((id) => have.has(id.toLowerCase())) };
  },
  writeItem: (ctx, item) =>
    graphCall('assignAppRole', {
      principalId: item.key,
      resourceId: spId(ctx),
      appRoleId: str(ctx.facts.appRoleId) || DEFAULT_ACCESS_ROLE,
    }),
  interpretItem(ctx, _item, result) {
    if (result.ok) return { status: 'done', objectId: result.data.id };
    // Two admins assigning at once: Graph says it exists, which is what was wanted.
    if (/already exists/i.test(result.error.message)) return { status: 'already' };
    return {
      status: 'failed',
      reason: graphFailure(L(`Attribution de ${appName(ctx)}`, `Assigning ${appName(ctx)}`), result),
    };
  },
});

// The vendor's credentials: the URL typed in a form, the token on the confirm card (a secret: the logic only
// names it), tested by Microsoft Entra, saved only when accepted.

const tenantUrl = (ctx: StepContext): string => (ctx.inputs.tenantUrl ?? '').trim();

const credentialPairs = (ctx: StepContext) => [
  { key: 'BaseAddress', value: tenantUrl(ctx) },
  { key: 'SecretToken', value: secretRef('secretToken') },
];

const credentials = defineAction({
  // Graph cannot read saved secrets back: the probe checks the job is there; saving again is harmless.
  probe: (ctx) => ({ job: graphCall('getSynchronizationJob', spId(ctx), jobId(ctx)) }),
  interpretProbe: (_ctx, { job }) =>
    job.ok
      ? { done: false }
      : { error: true, summary: graphFailure(L('Lecture de la tâche', 'Reading the job'), job) },
  validate: (ctx) => ({
    test: graphCall('validateSynchronizationCredentials', spId(ctx), jobId(ctx), credentialPairs(ctx)),
  }),
  interpretValidate(ctx, { test }) {
    if (test.ok) return { ok: true };
    const app = appName(ctx);
    // Microsoft's own sentence, without the request line the adapter puts before it.
    const said = test.error.message.replace(/^Graph [A-Z]+ \S+ answered \d+[^:]*: /, '');
    if (test.error.code === 'graph_bad_request')
      return {
        ok: false,
        problem: L(
          `${app} refuse ces identifiants : le jeton secret est faux, expiré ou révoqué, ou l’URL du locataire ` +
            `(${tenantUrl(ctx)}) n’est pas la bonne. Copiez de nouveau le jeton depuis le Centre d’administration ` +
            `LogMeIn (ou créez-en un), collez-le ci-dessous et réessayez ; « Modifier » change l’URL. Réponse de ` +
            `Microsoft : ${said}`,
          `${app} refuses these credentials: the secret token is wrong, expired or revoked, or the tenant URL ` +
            `(${tenantUrl(ctx)}) is not the right one. Copy the token again from the LogMeIn Admin Center (or ` +
            `create one), paste it below and try again; "Change" edits the URL. Microsoft's answer: ${said}`,
        ),
      };
    return {
      ok: false,
      problem: graphFailure(L('Test de la connexion', 'Testing the connection'), test),
    };
  },
  write: (ctx) => graphCall('saveSynchronizationSecrets', spId(ctx), credentialPairs(ctx)),
  interpretWrite(ctx, result) {
    if (!result.ok)
      return {
        status: 'failed',
        summary: graphFailure(L('Enregistrement des identifiants', 'Saving the credentials'), result),
      };
    return {
      status: 'done',
      summary: L(
        `${appName(ctx)} accepte les identifiants (URL ${tenantUrl(ctx)}) : ils sont enregistrés dans Microsoft Entra. Le jeton n’est conservé nulle part par Sesame.`,
        `${appName(ctx)} accepts the credentials (URL ${tenantUrl(ctx)}): they are saved in Microsoft Entra. Sesame keeps the token nowhere.`,
      ),
      facts: { credentialsSavedAt: new Date(ctx.now).toISOString() },
    };
  },
});

/** A quarantine explained: what happened and what to fix, from the documented reason. */
export function explainQuarantine(
  reason: string | null,
  app: string,
): { readonly what: LocalizedText; readonly fix: LocalizedText } {
  switch (reason) {
    case 'EncounteredQuarantineException':
      return {
        what: L(
          `${app} refuse les identifiants enregistrés (URL du locataire ou jeton secret) : le jeton a pu être révoqué ou avoir expiré, ou l’URL est fausse.`,
          `${app} refuses the saved credentials (tenant URL or secret token): the token may have been revoked or expired, or the URL is wrong.`,
        ),
        fix: L(
          'Créez un nouveau jeton secret dans le Centre d’administration LogMeIn, puis cliquez sur « Changer les identifiants » : Sesame teste le nouveau jeton, l’enregistre, redémarre le provisionnement et reprend le suivi.',
          'Create a new secret token in the LogMeIn Admin Center, then click "Change the credentials": Sesame tests the new token, saves it, restarts provisioning and resumes watching.',
        ),
      };
    case 'EncounteredBaseEscrowThreshold':
    case 'EncounteredTotalEscrowThreshold':
    case 'EncounteredEscrowProportionThreshold':
      return {
        what: L(
          `Trop de comptes n’ont pas pu être créés ou mis à jour chez ${app}.`,
          `Too many accounts could not be created or updated at ${app}.`,
        ),
        fix: L(
          'Ouvrez les journaux de provisionnement de l’application dans Entra, corrigez les attributs en cause (une adresse e-mail manquante, un domaine non vérifié chez LogMeIn…), puis cliquez sur « Réessayer ».',
          'Open the app’s provisioning logs in Entra, fix the attributes at fault (a missing e-mail address, a domain not verified at LogMeIn…), then click "Retry".',
        ),
      };
    case 'TooManyDeletes':
      return {
        what: L(
          `Le provisionnement s’est arrêté avant de supprimer beaucoup de comptes chez ${app} (protection contre les suppressions accidentelles).`,
          `Provisioning stopped before deleting many accounts at ${app} (protection against accidental deletions).`,
        ),
        fix: L(
          'Vérifiez dans Entra que ces suppressions sont voulues (utilisateurs retirés de l’application), puis autorisez-les ou corrigez les attributions.',
          'Check in Entra that these deletions are intended (users removed from the app), then allow them or fix the assignments.',
        ),
      };
    case 'QuarantinedOnDemand':
      return {
        what: L(
          `Microsoft a mis le provisionnement vers ${app} en quarantaine après avoir détecté un problème.`,
          `Microsoft put provisioning to ${app} in quarantine after detecting a problem.`,
        ),
        fix: L(
          'Consultez les journaux de provisionnement dans Entra, corrigez la cause, puis cliquez sur « Réessayer ».',
          'Look at the provisioning logs in Entra, fix the cause, then click "Retry".',
        ),
      };
    default:
      return {
        what: L(
          `Le provisionnement vers ${app} est en quarantaine.`,
          `Provisioning to ${app} is in quarantine.`,
        ),
        fix: L(
          'Consultez les journaux de provisionnement dans Entra pour la cause, puis cliquez sur « Réessayer ».',
          'Look at the provisioning logs in Entra for the cause, then click "Retry".',
        ),
      };
  }
}

const jobSteady = defineWait({
  poll: (ctx) => ({ job: graphCall('getSynchronizationJob', spId(ctx), jobId(ctx)) }),
  interpretPoll(ctx, { job }): PollOutcome {
    const app = appName(ctx);
    if (!job.ok)
      return {
        satisfied: false,
        summary: L(
          'Sesame n’a pas pu relire la tâche de provisionnement ; nouvel essai à la prochaine vérification.',
          'Sesame could not read the provisioning job; it will try again at the next check.',
        ),
      };
    const status = job.data.status;
    if (isQuarantined(job.data)) {
      const q = status?.quarantine;
      const { what, fix } = explainQuarantine(q?.reason ?? null, app);
      const detail = q?.error?.message ?? status?.lastExecution?.error?.message ?? null;
      return {
        satisfied: false,
        failed: true,
        summary: L(`${what.fr} ${fix.fr}`, `${what.en} ${fix.en}`),
        ...(detail
          ? { notes: [L(`Détail donné par Microsoft : ${detail}`, `Detail given by Microsoft: ${detail}`)] }
          : {}),
        links: [LINKS.quarantine],
        facts: { jobProblem: what.en, jobProblemFr: what.fr },
      };
    }
    const started = str(ctx.facts.jobStartedAt);
    const steady = status?.steadyStateLastAchievedTime ?? NEVER;
    const last = status?.lastExecution;
    if (
      last?.state === 'Succeeded' &&
      steady !== NEVER &&
      (started === '' || Date.parse(steady) >= Date.parse(started))
    ) {
      // Read after a later (incremental) cycle, the last execution exported nothing: count the one that did.
      const exported = status?.lastSuccessfulExecutionWithExports?.countExported ?? last.countExported ?? 0;
      return {
        satisfied: true,
        summary: L(
          `Premier cycle terminé : ${exported} objet(s) provisionné(s) vers ${app}. Le provisionnement est en régime établi.`,
          `First cycle over: ${exported} object(s) provisioned to ${app}. Provisioning is in steady state.`,
        ),
        facts: { jobProblem: null },
      };
    }
    const progress = status?.progress?.[0];
    return {
      satisfied: false,
      summary: progress
        ? L(
            `Premier cycle en cours (${progress.completedUnits ?? 0}/${progress.totalUnits ?? 0}).`,
            `First cycle running (${progress.completedUnits ?? 0}/${progress.totalUnits ?? 0}).`,
          )
        : L('Premier cycle en cours.', 'First cycle running.'),
    };
  },
});

export const domainAndProvisioningLogic: ProcedureLogic = {
  checks: { verifiedDomains, txtRecord, verifyDomain, findTemplate, appReady },
  actions: { addDomain, instantiate, createJob, credentials, startJob },
  batches: { assignments },
  waits: { jobSteady },
  choices: { assignees },
  textParams(ctx, locale) {
    const problem = locale === 'fr' ? str(ctx.facts.jobProblemFr) : str(ctx.facts.jobProblem);
    return {
      domain: domain(ctx) || (locale === 'fr' ? '(votre domaine)' : '(your domain)'),
      appName: appName(ctx),
      txtValue: str(ctx.facts.txtValue) || (locale === 'fr' ? '(enregistrement TXT)' : '(TXT record)'),
      txtTtl: typeof ctx.facts.txtTtl === 'number' ? ctx.facts.txtTtl : 3600,
      jobProblem: problem || (locale === 'fr' ? 'voir la procédure.' : 'see the procedure.'),
      tenantUrl: tenantUrl(ctx) || '—',
    };
  },
};

export const domainAndProvisioningModule: ProcedureModule = {
  procedure: domainAndProvisioning,
  logic: domainAndProvisioningLogic,
};
