/**
 * Procedure E: Microsoft Collaborate registration through Partner Center (Microsoft's page "Inscription",
 * seed 004). Partner Center accepts only a work account holding Global Administrator, so Sesame first reads who
 * is signed in (GET /me: userType Member) and whether they hold the role — active (roleAssignments on the
 * principal) or eligible through PIM (activate it first) — and otherwise names the tenant's Global
 * Administrators to ask. The registration itself happens in Partner Center: Sesame walks the admin through it
 * as manual steps, with the prerequisites, the country that cannot be changed later, what linking the tenant
 * means, and how to join an engagement.
 */
import { ROLE } from '../directory-roles.js';
import { graphNeeds, ifAllowed } from '../graph/scopes.js';
import type { CallResult } from '../engine/call-result.js';
import type { RoleEligibility } from '../ports/tenant-graph.js';
import type { LocalizedText } from './text.js';
import { defineCheck, graphCall } from './typed-logic.js';
import type { CheckOutcome, Link, Procedure, ProcedureLogic, ProcedureModule, StepContext } from './types.js';
import { requiredScopesOf } from './types.js';

const GA = ROLE.globalAdministrator;

export const PIM_MY_ROLES_URL =
  'https://entra.microsoft.com/#view/Microsoft_Azure_PIMCommon/ActivationMenuBlade/~/aadmigratedroles';
export const PARTNER_CENTER_DIRECTORY_URL = 'https://partner.microsoft.com/dashboard/account/v3/directory';
export const COLLABORATE_URL = 'https://aka.ms/collaborate';

const LINKS = {
  pim: {
    label: { fr: 'PIM : mes rôles Microsoft Entra', en: 'PIM: my Microsoft Entra roles' },
    url: PIM_MY_ROLES_URL,
  },
  directory: {
    label: { fr: 'Annuaire de l’Espace partenaires', en: 'Partner Center directory' },
    url: PARTNER_CENTER_DIRECTORY_URL,
  },
  collaborate: {
    label: { fr: 'Accueil Microsoft Collaborate', en: 'Microsoft Collaborate home' },
    url: COLLABORATE_URL,
  },
} satisfies Record<string, Link>;

export const partnerCenterRegistration: Procedure = {
  id: 'partner-center-registration',
  version: 1,
  title: {
    fr: 'Inscription à Microsoft Collaborate (Espace partenaires)',
    en: 'Microsoft Collaborate registration (Partner Center)',
  },
  summary: {
    fr:
      'Vérifie que vous êtes connecté avec un compte professionnel Administrateur général (actif ou éligible ' +
      'via PIM), sinon nomme les administrateurs généraux à solliciter ; puis vous guide dans l’inscription à ' +
      'Microsoft Collaborate dans l’Espace partenaires et l’accès à un engagement.',
    en:
      'Checks that you are signed in with a work account holding Global Administrator (active or eligible ' +
      'through PIM), otherwise names the Global Administrators to ask; then walks you through the Microsoft ' +
      'Collaborate registration in Partner Center and the access to an engagement.',
  },
  aliases: [
    'Microsoft Collaborate',
    'Collaborate',
    'MS Collaborate',
    'Partner Center',
    'Microsoft Partner Center',
    'Espace partenaires',
    'Espace partenaires Microsoft',
    'inscription Collaborate',
    'inscription Espace partenaires',
    'Collaborate registration',
    'Partner Center registration',
    'compte partenaire Microsoft',
    'engagement Collaborate',
    // Microsoft's French pages call the programme "Collaborer".
    'Microsoft Collaborer',
    'Partner Center Collaborate',
  ],
  vendor: { name: 'Microsoft Collaborate', url: COLLABORATE_URL },
  get requiredScopes() {
    return requiredScopesOf(this.steps);
  },
  steps: [
    {
      id: 'work-account',
      kind: 'check',
      logic: 'workAccount',
      title: { fr: 'Compte professionnel', en: 'Work account' },
      body: {
        fr: 'L’Espace partenaires n’accepte qu’un compte professionnel de votre organisation : Sesame lit le compte connecté.',
        en: 'Partner Center accepts only a work account of your organisation: Sesame reads the signed-in account.',
      },
      ...graphNeeds('getMe'),
    },
    {
      id: 'global-admin',
      kind: 'check',
      logic: 'globalAdmin',
      title: { fr: 'Rôle Administrateur général', en: 'Global Administrator role' },
      body: {
        fr: 'Sesame vérifie que vous détenez le rôle Administrateur général, actif ou éligible via PIM.',
        en: 'Sesame checks that you hold the Global Administrator role, active or eligible through PIM.',
      },
      ...graphNeeds('listRoleAssignments', 'listMyRoleEligibilities'),
    },
    {
      id: 'activate-role',
      kind: 'manual',
      title: { fr: 'Activer votre rôle éligible', en: 'Activate your eligible role' },
      instructions: {
        fr:
          'Vous êtes éligible au rôle Administrateur général via PIM, mais il n’est pas actif : activez d’abord ' +
          'votre rôle éligible. Dans PIM, ouvrez « Mes rôles » > « Rôles Microsoft Entra », choisissez ' +
          'Administrateur général, cliquez sur « Activer », indiquez la raison (inscription à Microsoft ' +
          'Collaborate) et une durée couvrant l’inscription. Cliquez ensuite sur « J’ai activé le rôle » : Sesame ' +
          'vérifie à nouveau.',
        en:
          'You are eligible for Global Administrator through PIM, but the role is not active: activate your ' +
          'eligible role first. In PIM, open "My roles" > "Microsoft Entra roles", pick Global Administrator, click ' +
          '"Activate", give the reason (Microsoft Collaborate registration) and a duration that covers the ' +
          'registration. Then click "I activated the role": Sesame checks again.',
      },
      links: [LINKS.pim],
      doneLabel: { fr: 'J’ai activé le rôle', en: 'I activated the role' },
      next: 'global-admin',
      scopes: [],
      roles: [],
    },
    {
      id: 'global-admins',
      kind: 'check',
      logic: 'namesGlobalAdmins',
      title: { fr: 'Administrateurs généraux à solliciter', en: 'Global Administrators to ask' },
      body: {
        fr: 'Sesame cherche qui, dans votre organisation, détient le rôle Administrateur général.',
        en: 'Sesame looks for who holds the Global Administrator role in your organisation.',
      },
      // Eligible admins are visible to privileged readers only: others get the active ones, and are told so.
      ...graphNeeds('listRoleHolders', ifAllowed('listRoleEligibilityHolders')),
    },
    {
      id: 'prerequisites',
      kind: 'manual',
      title: { fr: 'Avant de commencer', en: 'Before you start' },
      instructions: {
        fr:
          'Rassemblez avant de commencer (quelques minutes) :\n\n' +
          '- la raison sociale de l’entreprise (50 caractères au plus) : le nom enregistré ou le nom commercial, ' +
          'que vous avez le droit d’utiliser ;\n' +
          '- l’adresse de l’entreprise ;\n' +
          '- le contact principal : nom et adresse e-mail professionnelle ;\n' +
          '- le pouvoir de signer des contrats au nom de l’entreprise (l’inscription vous le demandera) ;\n' +
          '- le nom, l’adresse e-mail et le numéro de téléphone de la personne qui approuvera le compte ' +
          '(un numéro professionnel sans poste, joignable par l’équipe).',
        en:
          'Gather before you start (a few minutes):\n\n' +
          '- the company’s legal name (50 characters at most): the registered or trade name, which you have ' +
          'the right to use;\n' +
          '- the company’s address;\n' +
          '- the primary contact: name and work email;\n' +
          '- the authority to sign legal agreements on the company’s behalf (registration asks for it);\n' +
          '- the name, email and phone number of the person who will approve the account (a business number ' +
          'without extension, reachable by the team).',
      },
      doneLabel: { fr: 'J’ai tout', en: 'I have everything' },
      scopes: [],
      roles: [],
    },
    {
      id: 'company',
      kind: 'input',
      title: { fr: 'Raison sociale', en: 'Company legal name' },
      body: {
        fr: 'Le nom d’éditeur que Microsoft Collaborate affichera : Sesame vérifie qu’il tient en 50 caractères.',
        en: 'The publisher name Microsoft Collaborate will show: Sesame checks it fits in 50 characters.',
      },
      fields: [
        {
          id: 'legalName',
          type: 'text',
          label: { fr: 'Raison sociale de l’entreprise', en: 'Company legal name' },
          placeholder: { fr: 'Cabinet Exemple SAS', en: 'Example Firm Ltd' },
          help: {
            fr: 'Un nom déjà pris, ou sur lequel quelqu’un d’autre a des droits, sera refusé par Microsoft.',
            en: 'A name already taken, or one someone else has rights to, will be refused by Microsoft.',
          },
          rules: [{ kind: 'required' }, { kind: 'maxLength', max: 50 }],
        },
      ],
      submitLabel: { fr: 'Continuer', en: 'Continue' },
      scopes: [],
      roles: [],
    },
    {
      id: 'register',
      kind: 'manual',
      title: { fr: 'Inscription dans l’Espace partenaires', en: 'Registration in Partner Center' },
      instructions: {
        fr:
          '1. Ouvrez l’annuaire de l’Espace partenaires et connectez-vous avec ce compte professionnel ' +
          '({account}).\n\n' +
          '2. Descendez jusqu’à « Programmes de développement » et cliquez sur « Prise en main » de Microsoft ' +
          'Collaborate.\n\n' +
          '3. **Choisissez le pays ou la région de l’entreprise avec soin : il ne pourra plus être modifié ' +
          'ensuite.**\n\n' +
          '4. Type de compte : Entreprise (le seul proposé).\n\n' +
          '5. Nom d’éditeur : {legalName}\n\n' +
          '6. Coordonnées du contact, puis le nom, l’e-mail et le téléphone de l’approbateur.\n\n' +
          '7. Relisez, acceptez le contrat Microsoft Collaborate, puis cliquez sur « Terminer ». Un e-mail de ' +
          'confirmation suit.',
        en:
          '1. Open the Partner Center directory and sign in with this work account ({account}).\n\n' +
          '2. Scroll down to "Developer programs" and click "Get started" for Microsoft Collaborate.\n\n' +
          '3. **Choose the company’s country or region carefully: it cannot be changed later.**\n\n' +
          '4. Account type: Company (the only one offered).\n\n' +
          '5. Publisher name: {legalName}\n\n' +
          '6. The contact details, then the approver’s name, email and phone.\n\n' +
          '7. Review, accept the Microsoft Collaborate agreement, then click "Finish". A confirmation email ' +
          'follows.',
      },
      links: [LINKS.directory],
      doneLabel: { fr: 'Inscription terminée', en: 'Registration finished' },
      scopes: [],
      roles: [],
    },
    {
      id: 'tenant-link',
      kind: 'manual',
      title: { fr: 'Lien avec votre locataire', en: 'Link with your tenant' },
      instructions: {
        fr:
          'L’Espace partenaires s’appuie sur Microsoft Entra ID pour les comptes à plusieurs utilisateurs. Une ' +
          'fois votre locataire ({tenantId}) lié au compte :\n\n' +
          '- l’identifiant du locataire est ajouté aux données du compte ;\n' +
          '- l’administrateur du compte voit les utilisateurs du locataire et peut les ajouter au compte ;\n' +
          '- les administrateurs généraux du locataire peuvent ajouter de nouveaux utilisateurs du locataire ' +
          'dans l’Espace partenaires et y inviter des invités.\n\n' +
          'Rien n’est modifié dans Microsoft Entra ID lui-même.',
        en:
          'Partner Center relies on Microsoft Entra ID for multi-user accounts. Once your tenant ({tenantId}) is ' +
          'linked to the account:\n\n' +
          '- the tenant id is added to the account data;\n' +
          '- the account admin sees the tenant’s users and can add them to the account;\n' +
          '- the tenant’s Global Administrators can add new tenant users in Partner Center and invite guests ' +
          'there.\n\n' +
          'Nothing changes in Microsoft Entra ID itself.',
      },
      doneLabel: { fr: 'Compris', en: 'Understood' },
      scopes: [],
      roles: [],
    },
    {
      id: 'engagement',
      kind: 'choice',
      title: { fr: 'Accès à un engagement', en: 'Access to an engagement' },
      body: {
        fr:
          'Pour télécharger du contenu ou envoyer des commentaires, vous devez participer à un engagement. Sur ' +
          'Microsoft Collaborate, ouvrez « Participer aux engagements », choisissez le vôtre et lisez sa ' +
          'description et ses conditions d’utilisation. Quel bouton la page propose-t-elle ?',
        en:
          'To download content or send feedback you must take part in an engagement. On Microsoft Collaborate, ' +
          'open "Participate in engagements", pick yours and read its description and terms of use. Which ' +
          'button does the page offer?',
      },
      options: [
        { id: 'join', label: { fr: 'Rejoindre', en: 'Join' }, next: 'engagement-join' },
        {
          id: 'request',
          label: { fr: 'Demander l’accès', en: 'Request access' },
          next: 'engagement-request',
        },
      ],
      scopes: [],
      roles: [],
    },
    {
      id: 'engagement-join',
      kind: 'manual',
      title: { fr: 'Rejoindre l’engagement', en: 'Join the engagement' },
      instructions: {
        fr:
          'Cochez « J’accepte les conditions d’utilisation », puis cliquez sur « Rejoindre » : aucune approbation ' +
          'n’est requise, l’engagement s’ajoute à votre liste. S’il n’y apparaît pas, actualisez la page (F5).',
        en:
          'Tick "I accept the terms of use", then click "Join": no approval is needed, the engagement joins your ' +
          'list. If it does not show, refresh the page (F5).',
      },
      links: [LINKS.collaborate],
      doneLabel: { fr: 'Engagement rejoint', en: 'Engagement joined' },
      next: '$end',
      scopes: [],
      roles: [],
    },
    {
      id: 'engagement-request',
      kind: 'manual',
      title: { fr: 'Demander l’accès', en: 'Request access' },
      instructions: {
        fr:
          'Cochez « J’accepte les conditions d’utilisation », cliquez sur « Demander l’accès » et donnez une ' +
          'justification : qui vous êtes ({legalName}), pourquoi votre organisation a besoin de cet engagement, ' +
          'et votre contact chez Microsoft s’il y en a un. Le propriétaire de l’engagement et ses Power Users ' +
          'sont prévenus par e-mail et configurent l’accès ; sans nouvelles, vérifiez la liste de vos ' +
          'engagements. Vous pouvez aussi les contacter par un autre canal (e-mail) pour qu’ils vous ajoutent.',
        en:
          'Tick "I accept the terms of use", click "Request access" and give a justification: who you are ' +
          '({legalName}), why your organisation needs this engagement, and your Microsoft contact if you have ' +
          'one. The engagement owner and its Power Users are told by email and set up the access; without news, ' +
          'check your list of engagements. You can also reach them another way (email) and ask to be added.',
      },
      links: [LINKS.collaborate],
      doneLabel: { fr: 'Demande envoyée', en: 'Request sent' },
      next: '$end',
      scopes: [],
      roles: [],
    },
  ],
};

// ---------------------------------------------------------------------------------------------------------
// Step logic

function graphFailure(what: LocalizedText, r: Extract<CallResult, { ok: false }>): LocalizedText {
  const id = r.error.requestId ? `, request-id ${r.error.requestId}` : '';
  return {
    fr: `${what.fr} : Microsoft Graph a répondu une erreur (${r.error.code}${id}).`,
    en: `${what.en}: Microsoft Graph answered an error (${r.error.code}${id}).`,
  };
}

function principalId(ctx: StepContext): string {
  const id = ctx.facts.meId;
  return typeof id === 'string' && id !== '' ? id : ctx.run.admin.id;
}

function person(p: { displayName: string | null; userPrincipalName: string | null; id: string }): string {
  if (p.displayName && p.userPrincipalName) return `${p.displayName} (${p.userPrincipalName})`;
  return p.displayName ?? p.userPrincipalName ?? p.id;
}

const workAccount = defineCheck({
  reads: () => ({ me: graphCall('getMe') }),
  evaluate(ctx, { me }): CheckOutcome {
    if (!me.ok) {
      const reason = graphFailure(
        { fr: 'Lecture du compte connecté', en: 'Reading the signed-in account' },
        me,
      );
      return { result: 'stop', reason, summary: reason };
    }
    const account = me.data.userPrincipalName ?? me.data.mail ?? me.data.id;
    const facts = { meId: me.data.id, account, userType: me.data.userType };
    if (me.data.userType !== 'Member') {
      const reason = {
        fr:
          `Vous êtes connecté avec ${account}, un compte invité dans ce locataire, pas un compte professionnel ` +
          'de l’organisation. L’Espace partenaires exige un compte professionnel Administrateur général de ' +
          'l’organisation : reconnectez-vous avec ce compte, ou demandez à un administrateur général de le faire.',
        en:
          `You are signed in as ${account}, a guest account in this tenant, not a work account of the ` +
          'organisation. Partner Center requires a work account of the organisation holding Global ' +
          'Administrator: sign in with such an account, or ask a Global Administrator to do it.',
      };
      return { result: 'stop', reason, summary: reason, facts, objectIds: [me.data.id] };
    }
    return {
      result: 'pass',
      summary: {
        fr: `Compte professionnel de l’organisation : ${account}.`,
        en: `Work account of the organisation: ${account}.`,
      },
      facts,
      objectIds: [me.data.id],
    };
  },
});

const globalAdmin = defineCheck({
  reads: (ctx) => ({
    active: graphCall('listRoleAssignments', { principalId: principalId(ctx), roleDefinitionId: GA }),
    eligible: graphCall('listMyRoleEligibilities'),
  }),
  evaluate(ctx, { active, eligible }): CheckOutcome {
    const what = { fr: 'Lecture de vos rôles', en: 'Reading your roles' };
    if (!active.ok) {
      const reason = graphFailure(what, active);
      return { result: 'stop', reason, summary: reason };
    }
    const assignment = active.data.assignments.find((a) => a.roleDefinitionId === GA);
    if (assignment) {
      return {
        result: 'pass',
        next: 'prerequisites',
        summary: {
          fr: 'Vous détenez le rôle Administrateur général (actif).',
          en: 'You hold the Global Administrator role (active).',
        },
        facts: { globalAdmin: 'active' },
        objectIds: [assignment.id],
      };
    }
    // Not readable: say so, and look for whom to ask (the eligibility may exist but Sesame cannot see it).
    const mine: readonly RoleEligibility[] = eligible.ok ? eligible.data.eligibilities : [];
    const eligibility = mine.find((e) => e.roleDefinitionId === GA && e.principalId === principalId(ctx));
    if (eligibility) {
      const again = ctx.facts.globalAdmin === 'eligible';
      return {
        result: 'warn',
        next: 'activate-role',
        summary: again
          ? {
              fr: 'Le rôle Administrateur général n’est toujours pas actif (l’activation peut prendre quelques minutes) : activez votre rôle éligible d’abord.',
              en: 'The Global Administrator role is still not active (activation can take a few minutes): activate your eligible role first.',
            }
          : {
              fr: 'Vous êtes éligible au rôle Administrateur général via PIM : activez votre rôle éligible d’abord.',
              en: 'You are eligible for Global Administrator through PIM: activate your eligible role first.',
            },
        links: [LINKS.pim],
        facts: { globalAdmin: 'eligible' },
        objectIds: [eligibility.id],
      };
    }
    return {
      result: 'pass',
      next: 'global-admins',
      summary: {
        fr: 'Vous ne détenez pas le rôle Administrateur général, ni actif ni éligible.',
        en: 'You do not hold the Global Administrator role, neither active nor eligible.',
      },
      ...(eligible.ok
        ? {}
        : {
            notes: [
              graphFailure(
                { fr: 'Lecture de vos rôles éligibles', en: 'Reading your eligible roles' },
                eligible,
              ),
            ],
          }),
      facts: { globalAdmin: 'none' },
    };
  },
});

const namesGlobalAdmins = defineCheck({
  reads: () => ({
    active: graphCall('listRoleHolders', GA),
    eligible: graphCall('listRoleEligibilityHolders', GA),
  }),
  evaluate(_ctx, { active, eligible }): CheckOutcome {
    const activeNames = active.ok
      ? active.data.holders
          .filter((h) => h.principalType === null || h.principalType === '#microsoft.graph.user')
          .map((h) => person({ ...h, id: h.principalId }))
      : undefined;
    const eligibleNames = eligible.ok
      ? eligible.data.eligibilities.map((e) => person({ ...e, id: e.principalId }))
      : undefined;
    const lines: LocalizedText[] = [];
    if (activeNames && activeNames.length > 0)
      lines.push({
        fr: `Administrateurs généraux actifs : ${activeNames.join(', ')}.`,
        en: `Active Global Administrators: ${activeNames.join(', ')}.`,
      });
    else if (activeNames)
      lines.push({
        fr: 'Aucun administrateur général actif trouvé.',
        en: 'No active Global Administrator found.',
      });
    else
      lines.push({
        fr: 'Sesame n’a pas pu lire qui détient le rôle Administrateur général.',
        en: 'Sesame could not read who holds Global Administrator.',
      });
    if (eligibleNames && eligibleNames.length > 0)
      lines.push({
        fr: `Éligibles via PIM (ils doivent d’abord activer le rôle) : ${eligibleNames.join(', ')}.`,
        en: `Eligible through PIM (they must activate the role first): ${eligibleNames.join(', ')}.`,
      });
    else if (!eligibleNames)
      lines.push({
        fr: 'Les administrateurs éligibles via PIM ne sont visibles que des lecteurs privilégiés (Lecteur général, par exemple) : Sesame n’a pas pu les lister.',
        en: 'Admins eligible through PIM are visible to privileged readers only (Global Reader, for instance): Sesame could not list them.',
      });
    const reason = {
      fr:
        'L’inscription à Microsoft Collaborate exige le rôle Administrateur général. Demandez à l’un d’eux de ' +
        `lancer cette procédure dans Sesame, ou de vous attribuer le rôle. ${lines.map((l) => l.fr).join(' ')}`,
      en:
        'The Microsoft Collaborate registration requires Global Administrator. Ask one of them to run this ' +
        `procedure in Sesame, or to give you the role. ${lines.map((l) => l.en).join(' ')}`,
    };
    return { result: 'stop', reason, summary: reason };
  },
});

export const partnerCenterRegistrationLogic: ProcedureLogic = {
  checks: { workAccount, globalAdmin, namesGlobalAdmins },
  actions: {},
  waits: {},
  textParams(ctx, locale) {
    const account = typeof ctx.facts.account === 'string' ? ctx.facts.account : ctx.run.admin.name;
    return {
      account,
      tenantId: ctx.run.tenantId,
      legalName: ctx.inputs.legalName ?? (locale === 'fr' ? '(raison sociale)' : '(legal name)'),
    };
  },
};

export const partnerCenterRegistrationModule: ProcedureModule = {
  procedure: partnerCenterRegistration,
  logic: partnerCenterRegistrationLogic,
};
