/**
 * Procedure A: vendor guest access (Cegid Loop preset). From the vendor's French PDF ("Autoriser des clients
 * du cabinet à accéder à la GED et/ou des fonctionnalités Loop"): invite admin@onloop.onmicrosoft.com as a
 * guest, give it the Guest Inviter role, then wait for Cegid Loop's teams (2 business days at most).
 */
import {
  calendarLabel,
  DEFAULT_CALENDAR,
  formatCalendarTime,
  type CalendarId,
} from '../calendar/tenant-calendars.js';
import { ROLE, holdsAnyRole } from '../directory-roles.js';
import { graphNeeds, ifAllowed, rolesOf } from '../graph/scopes.js';
import type { CallResult } from '../engine/call-result.js';
import { fromGraphErrorData, isConflict } from '../engine/call-result.js';
import { describeError } from '../i18n/describe-error.js';
import type { DirectoryUser } from '../ports/tenant-graph.js';
import type { LocalizedText } from './text.js';
import type {
  CheckOutcome,
  Link,
  NotAllowedText,
  ProbeOutcome,
  Procedure,
  ProcedureLogic,
  ProcedureModule,
  Step,
  StepContext,
} from './types.js';
import { requiredScopesOf } from './types.js';
import { defineAction, defineCheck, defineWait, graphCall } from './typed-logic.js';

export const CEGID_LOOP_EMAIL = 'admin@onloop.onmicrosoft.com';
export const GUEST_REDIRECT_URL = 'https://myapps.microsoft.com';
export const INVITATION_MESSAGE_FR =
  'Bonjour, le cabinet vous invite en tant qu’invité dans son annuaire Microsoft 365 afin que les équipes ' +
  'Cegid Loop puissent donner à ses clients l’accès à la GED et aux fonctionnalités Loop.';

/** Who may invite when only admins and Guest Inviters may (the invite policy check says so before the step). */
const INVITE_ROLES = rolesOf(['inviteGuest']);

const ENTRA_EXTERNAL_COLLABORATION =
  'https://entra.microsoft.com/#view/Microsoft_AAD_IAM/CompanyRelationshipsMenuBlade/~/Settings';
const ENTRA_CROSS_TENANT =
  'https://entra.microsoft.com/#view/Microsoft_AAD_IAM/CompanyRelationshipsMenuBlade/~/CrossTenantAccessSettings';

const LINKS = {
  externalCollaboration: {
    label: { fr: 'Paramètres de collaboration externe', en: 'External collaboration settings' },
    url: ENTRA_EXTERNAL_COLLABORATION,
  },
  crossTenant: {
    label: { fr: 'Paramètres d’accès interlocataire', en: 'Cross-tenant access settings' },
    url: ENTRA_CROSS_TENANT,
  },
} satisfies Record<string, Link>;

/** What an admin whose roles may not add a sponsor is told at the sponsor step (the checklist keeps flagging it). */
const SPONSOR_BY_HAND: NotAllowedText = {
  summary: {
    fr:
      'Sesame n’a pas pu faire de vous le parrain de {email} : vos rôles ne permettent pas d’ajouter un parrain ' +
      '(il faut l’un de ceux-ci : {roles}). Rien n’a été écrit.',
    en:
      'Sesame could not make you the sponsor of {email}: your roles do not allow adding a sponsor (it takes one ' +
      'of these: {roles}). Nothing was written.',
  },
  instructions: {
    fr:
      'À faire : dans le centre d’administration Microsoft Entra, Utilisateurs > Tous les utilisateurs > {email} ' +
      '> Sponsors (parrains) > Ajouter, ou demandez-le à un administrateur d’utilisateurs. D’ici là, la checklist ' +
      'compte {email} parmi les invités sans parrain.',
    en:
      'To do: in the Microsoft Entra admin center, Users > All users > {email} > Sponsors > Add, or ask ' +
      'a User Administrator. Until then, the checklist counts {email} among the guests without a sponsor.',
  },
  links: [
    {
      label: { fr: 'Tous les utilisateurs (Entra)', en: 'All users (Entra)' },
      url: 'https://entra.microsoft.com/#view/Microsoft_AAD_UsersAndTenants/UserManagementMenuBlade/~/AllUsers',
    },
  ],
};

export const vendorGuestAccess: Procedure = {
  id: 'vendor-guest-access',
  // 2: the sponsor write is optional (ifAllowed, ifNotAllowed). Runs started on 1 go on under
  // vendorGuestAccessV1Module below.
  version: 2,
  title: { fr: 'Accès invité Cegid Loop', en: 'Cegid Loop guest access' },
  summary: {
    fr:
      'Invite le compte Cegid Loop ({email}) comme invité dans votre annuaire, lui donne le rôle Inviteur, ' +
      'vous en fait le parrain, vérifie le résultat puis attend l’intervention des équipes Cegid Loop (2 jours ' +
      'ouvrés au plus).',
    en:
      'Invites the Cegid Loop account ({email}) as a guest in your directory, gives it the Guest Inviter role, ' +
      'makes you its sponsor, checks the result, then waits for Cegid Loop’s teams (2 business days at most).',
  },
  aliases: [
    'accès invité Cegid Loop',
    'accès invité',
    'invité Cegid',
    'Cegid Loop',
    'Cegid',
    'Loop',
    'GED Loop',
    'guest access',
    'vendor guest access',
    'Cegid Loop guest access',
    'invite vendor',
    'inviter fournisseur',
    // The vendor's tenant is onloop.onmicrosoft.com: admins call Cegid Loop by it.
    'onloop',
    'accès Cegid',
    'Loop guest',
  ],
  vendor: { name: 'Cegid Loop', url: 'https://www.cegid.com/fr/produits/cegid-loop/' },
  get requiredScopes() {
    return requiredScopesOf(this.steps);
  },
  steps: [
    {
      id: 'invite-policy',
      kind: 'check',
      logic: 'invitePolicy',
      title: { fr: 'Qui peut inviter des invités', en: 'Who can invite guests' },
      body: {
        fr: 'Sesame lit la stratégie d’invitation du locataire (allowInvitesFrom).',
        en: 'Sesame reads the tenant’s guest invite policy (allowInvitesFrom).',
      },
      // An admin who may not read the policy is told it is unknown and goes on: the invitation will tell.
      ...graphNeeds(ifAllowed('getAuthorizationPolicy')),
    },
    {
      id: 'vendor-email',
      kind: 'input',
      title: { fr: 'Adresse du compte Cegid Loop', en: 'Cegid Loop account address' },
      body: {
        fr: 'L’adresse indiquée par Cegid Loop est préremplie ; modifiez-la seulement si Cegid Loop vous en a donné une autre.',
        en: 'The address Cegid Loop gives is prefilled; change it only if Cegid Loop gave you another one.',
      },
      fields: [
        {
          id: 'email',
          type: 'email',
          label: { fr: 'Adresse e-mail du fournisseur', en: 'Vendor email address' },
          placeholder: { fr: 'nom@domaine.com', en: 'name@domain.com' },
          default: CEGID_LOOP_EMAIL,
          rules: [{ kind: 'required' }, { kind: 'email' }, { kind: 'maxLength', max: 254 }],
        },
      ],
      submitLabel: { fr: 'Continuer', en: 'Continue' },
      scopes: [],
      roles: [],
    },
    {
      id: 'existing-guest',
      kind: 'check',
      logic: 'existingGuest',
      title: { fr: 'Invité existant', en: 'Existing guest' },
      body: {
        fr: 'Sesame cherche si {email} est déjà dans l’annuaire.',
        en: 'Sesame looks for {email} in the directory.',
      },
      ...graphNeeds('findUsersByMail'),
    },
    {
      id: 'reinvite-choice',
      kind: 'choice',
      title: { fr: 'Invitation en attente', en: 'Invitation pending' },
      body: {
        fr: '{email} a déjà été invité mais n’a pas encore accepté. Renvoyer l’invitation ?',
        en: '{email} was already invited but has not accepted yet. Send the invitation again?',
      },
      options: [
        {
          id: 'reinvite',
          label: { fr: 'Renvoyer l’invitation', en: 'Send the invitation again' },
          next: 'invite',
          facts: { reinvite: true },
        },
        {
          id: 'keep',
          label: { fr: 'Garder l’invitation actuelle', en: 'Keep the current invitation' },
          next: 'assign-role',
          facts: { reinvite: false },
        },
      ],
      scopes: [],
      roles: [],
    },
    {
      id: 'invite',
      kind: 'action',
      logic: 'inviteGuest',
      title: { fr: 'Invitation', en: 'Invitation' },
      body: {
        fr: 'Un e-mail d’invitation en français sera envoyé ; après acceptation, le compte arrive sur {redirectUrl}.',
        en: 'An invitation email in French will be sent; once accepted, the account lands on {redirectUrl}.',
      },
      confirm: { fr: 'Inviter {email} comme invité ?', en: 'Invite {email} as a guest?' },
      confirmLabel: { fr: 'Inviter', en: 'Invite' },
      ...graphNeeds('findUsersByMail', 'inviteGuest'),
    },
    {
      id: 'assign-role',
      kind: 'action',
      logic: 'assignGuestInviter',
      title: { fr: 'Rôle Inviteur', en: 'Guest Inviter role' },
      body: {
        fr: 'Cegid Loop a besoin du rôle Inviteur (sur tout l’annuaire) pour inviter vos clients dans Loop.',
        en: 'Cegid Loop needs the Guest Inviter role (directory-wide) to invite your clients into Loop.',
      },
      confirm: {
        fr: 'Attribuer le rôle Inviteur à {email} ?',
        en: 'Give {email} the Guest Inviter role?',
      },
      confirmLabel: { fr: 'Attribuer', en: 'Assign' },
      ...graphNeeds('listRoleAssignments', 'assignDirectoryRole'),
      // A guest created seconds ago may not have replicated to the role-management service yet.
      retry: {
        on: ['graph_not_found'],
        initialDelayMs: 5_000,
        factor: 2,
        maxDelayMs: 60_000,
        maxElapsedMs: 300_000,
      },
    },
    {
      id: 'sponsor',
      kind: 'action',
      logic: 'sponsorGuest',
      title: { fr: 'Parrain de l’invité', en: 'Guest’s sponsor' },
      body: {
        fr:
          'Vous devenez le parrain (sponsor) de {email} dans Entra ID : la personne qui répond de cet accès invité ' +
          'et le revoit (la checklist signale les invités sans parrain).',
        en:
          'You become the sponsor of {email} in Entra ID: the person who answers for this guest access and reviews ' +
          'it (the checklist flags guests without a sponsor).',
      },
      confirm: {
        fr: 'Vous désigner comme parrain de {email} ?',
        en: 'Make yourself the sponsor of {email}?',
      },
      confirmLabel: { fr: 'Devenir parrain', en: 'Become the sponsor' },
      // Only User Administrators, Directory Writers and Global Administrators may add a sponsor: an admin who
      // invites with Guest Inviter and Privileged Role Administrator does the rest of A, and this by hand.
      ...graphNeeds('listSponsors', ifAllowed('addSponsor')),
      ifNotAllowed: SPONSOR_BY_HAND,
      // Like the role assignment: a guest created seconds ago may not be readable everywhere yet.
      retry: {
        on: ['graph_not_found'],
        initialDelayMs: 5_000,
        factor: 2,
        maxDelayMs: 60_000,
        maxElapsedMs: 300_000,
      },
    },
    {
      id: 'verify',
      kind: 'check',
      logic: 'verifyGuest',
      title: { fr: 'Vérification', en: 'Verification' },
      body: {
        fr: 'Sesame relit le compte invité et son rôle.',
        en: 'Sesame reads the guest account and its role back.',
      },
      ...graphNeeds('getUser', 'listRoleAssignments'),
      retry: {
        on: ['graph_not_found'],
        initialDelayMs: 5_000,
        factor: 2,
        maxDelayMs: 60_000,
        maxElapsedMs: 300_000,
      },
    },
    {
      id: 'vendor-wait',
      kind: 'wait',
      logic: 'guestAccepted',
      title: { fr: 'Intervention de Cegid Loop', en: 'Cegid Loop’s turn' },
      body: {
        fr:
          'Les équipes Cegid Loop doivent accepter l’invitation et configurer votre espace (2 jours ouvrés au plus, ' +
          'calendrier {dueCalendar} : avant le {dueAtText}). Sesame vérifie toutes les heures et vous prévient à ' +
          'l’échéance.',
        en:
          'Cegid Loop’s teams must accept the invitation and set up your space (2 business days at most, on the ' +
          '{dueCalendar} calendar: by {dueAtText}). Sesame checks every hour and reminds you when the time is up.',
      },
      due: { businessDays: 2, timeZone: 'Europe/Paris', holidays: 'fr' },
      pollEveryMs: 3_600_000,
      // Two weeks of hourly checks; after that the admin checks on demand (the reminder has long fired).
      pollForMs: 14 * 86_400_000,
      reminders: [
        {
          id: 'due',
          at: 'due',
          messageKey: 'vendor-guest-access.vendor-window-over',
          message: {
            fr:
              'Le délai de 2 jours ouvrés laissé à Cegid Loop pour l’accès invité de {email} est écoulé ({dueAtText}). ' +
              'Si Cegid Loop n’a pas confirmé, relancez son support, puis cliquez sur « Cegid Loop a confirmé » dans ' +
              'la procédure.',
            en:
              'The 2-business-day window for Cegid Loop to act on the guest access of {email} is over ({dueAtText}). ' +
              'If Cegid Loop has not confirmed, chase their support, then click "Cegid Loop confirmed" in the procedure.',
          },
        },
      ],
      keepRemindersUntilEnd: ['due'],
      ...graphNeeds('getUser'),
    },
    {
      id: 'vendor-confirmed',
      kind: 'manual',
      title: { fr: 'Confirmation de Cegid Loop', en: 'Cegid Loop’s confirmation' },
      instructions: {
        fr:
          'Le compte Cegid Loop a accepté l’invitation. Attendez la confirmation des équipes Cegid Loop (avant le ' +
          '{dueAtText}), puis cliquez sur « Cegid Loop a confirmé ». Vous pourrez ensuite créer vos utilisateurs ' +
          'directement dans Loop.',
        en:
          'The Cegid Loop account accepted the invitation. Wait for Cegid Loop’s teams to confirm (by ' +
          '{dueAtText}), then click "Cegid Loop confirmed". You can then create your users directly in Loop.',
      },
      doneLabel: { fr: 'Cegid Loop a confirmé', en: 'Cegid Loop confirmed' },
      scopes: [],
      roles: [],
    },
  ],
};

// ---------------------------------------------------------------------------------------------------------
// Step logic

function email(ctx: StepContext): string {
  return ctx.inputs.email ?? CEGID_LOOP_EMAIL;
}

function guestId(ctx: StepContext): string | undefined {
  const id = ctx.facts.guestUserId;
  return typeof id === 'string' && id !== '' ? id : undefined;
}

/** What failed, in the words describeError gives every error (never an internal code on its own). */
function graphFailure(what: LocalizedText, r: Extract<CallResult, { ok: false }>): LocalizedText {
  const error = fromGraphErrorData(r.error);
  const id = r.error.requestId ? ` (request-id ${r.error.requestId})` : '';
  return {
    fr: `${what.fr} : ${describeError(error, 'fr').message}${id}`,
    en: `${what.en}: ${describeError(error, 'en').message}${id}`,
  };
}

/** The guest among users found by mail (a member with that mail is not what we want to reuse). */
function pickGuest(users: readonly DirectoryUser[]): DirectoryUser | undefined {
  return users.find((u) => u.userType === 'Guest');
}

const crossTenantNote: LocalizedText = {
  fr:
    'À vérifier à la main : les paramètres d’accès interlocataire (Entra > Identités externes > Paramètres ' +
    'd’accès interlocataire) doivent autoriser la collaboration B2B entrante avec le locataire de Cegid Loop ' +
    '(onloop.onmicrosoft.com), et la liste des domaines autorisés des paramètres de collaboration externe, si ' +
    'elle existe, doit contenir onloop.onmicrosoft.com.',
  en:
    'Check by hand: cross-tenant access settings (Entra > External Identities > Cross-tenant access settings) ' +
    'must allow inbound B2B collaboration with Cegid Loop’s tenant (onloop.onmicrosoft.com), and the allowed ' +
    'domains list of the external collaboration settings, if there is one, must contain onloop.onmicrosoft.com.',
};

const invitePolicy = defineCheck({
  reads: () => ({ policy: graphCall('getAuthorizationPolicy') }),
  evaluate(ctx, { policy: r }): CheckOutcome {
    const notes = [crossTenantNote];
    const links = [LINKS.externalCollaboration, LINKS.crossTenant];
    if (!r.ok) {
      return {
        result: 'unknown',
        summary: graphFailure(
          { fr: 'Stratégie d’invitation illisible', en: 'Could not read the invite policy' },
          r,
        ),
        notes,
        links,
        facts: { allowInvitesFrom: null },
      };
    }
    const allow = r.data.allowInvitesFrom;
    const facts = { allowInvitesFrom: allow };
    if (allow === 'none') {
      const reason = {
        fr:
          'Les invitations sont désactivées pour tout le monde, administrateurs compris (paramètres de ' +
          'collaboration externe : « Personne dans l’organisation ne peut inviter d’utilisateurs invités »). ' +
          'Choisissez « Seuls les utilisateurs ayant des rôles d’administrateur spécifiques » puis relancez.',
        en:
          'Guest invitations are turned off for everyone, admins included (external collaboration settings: ' +
          '"No one in the organization can invite guest users"). Choose "Only users assigned to specific admin ' +
          'roles" and retry.',
      };
      return { result: 'stop', reason, summary: reason, facts, notes, links };
    }
    if (allow === 'adminsAndGuestInviters' && ctx.adminRoles && !holdsAnyRole(ctx.adminRoles, INVITE_ROLES)) {
      const reason = {
        fr:
          'Seuls les administrateurs et les Inviteurs peuvent inviter dans ce locataire, et vous n’avez ni le rôle ' +
          'Inviteur ni Administrateur d’utilisateurs. Demandez l’un de ces rôles ou confiez la procédure à un ' +
          'administrateur qui l’a.',
        en:
          'Only admins and Guest Inviters may invite in this tenant, and you hold neither Guest Inviter nor User ' +
          'Administrator. Ask for one of these roles or hand the procedure to an admin who has one.',
      };
      return { result: 'stop', reason, summary: reason, facts, notes, links };
    }
    const who: Record<string, LocalizedText> = {
      adminsAndGuestInviters: {
        fr: 'seuls les administrateurs et les Inviteurs',
        en: 'only admins and Guest Inviters',
      },
      adminsGuestInvitersAndAllMembers: {
        fr: 'les administrateurs, les Inviteurs et tous les membres',
        en: 'admins, Guest Inviters and all members',
      },
      everyone: { fr: 'tout le monde, invités compris', en: 'everyone, guests included' },
    };
    const w = who[allow] ?? { fr: allow, en: allow };
    return {
      result: 'pass',
      summary: {
        fr: `Stratégie d’invitation : ${w.fr} peuvent inviter. Vous pouvez inviter.`,
        en: `Invite policy: ${w.en} may invite. You can invite.`,
      },
      facts,
      notes,
      links,
    };
  },
});

const existingGuest = defineCheck({
  reads: (ctx) => ({ users: graphCall('findUsersByMail', email(ctx)) }),
  evaluate(ctx, { users: r }): CheckOutcome {
    const what = { fr: `Recherche de ${email(ctx)}`, en: `Looking up ${email(ctx)}` };
    if (!r.ok) {
      const reason = graphFailure(what, r);
      return { result: 'stop', reason, summary: reason };
    }
    const users = r.data.users;
    const guest = pickGuest(users);
    if (!guest) {
      const member = users[0];
      if (member) {
        const reason = {
          fr: `${email(ctx)} est l’adresse d’un compte membre de votre locataire (${member.userPrincipalName ?? member.id}), pas d’un invité. Vérifiez l’adresse avec Cegid Loop.`,
          en: `${email(ctx)} belongs to a member account of your tenant (${member.userPrincipalName ?? member.id}), not a guest. Check the address with Cegid Loop.`,
        };
        return { result: 'stop', reason, summary: reason };
      }
      return {
        result: 'pass',
        next: 'invite',
        summary: { fr: `${email(ctx)} n’est pas encore invité.`, en: `${email(ctx)} is not invited yet.` },
        facts: { guestUserId: null, guestState: null, reinvite: false },
      };
    }
    const facts = { guestUserId: guest.id, guestState: guest.externalUserState, reinvite: false };
    if (guest.externalUserState === 'Accepted') {
      return {
        result: 'pass',
        next: 'assign-role',
        summary: {
          fr: `${email(ctx)} est déjà invité et a accepté : Sesame réutilise ce compte.`,
          en: `${email(ctx)} is already a guest and has accepted: Sesame reuses this account.`,
        },
        facts,
        objectIds: [guest.id],
      };
    }
    return {
      result: 'pass',
      summary: {
        fr: `${email(ctx)} a été invité mais n’a pas encore accepté.`,
        en: `${email(ctx)} was invited but has not accepted yet.`,
      },
      facts,
      objectIds: [guest.id],
    };
  },
});

const inviteGuest = defineAction({
  probe: (ctx) => ({ users: graphCall('findUsersByMail', email(ctx)) }),
  interpretProbe(ctx, { users: r }): ProbeOutcome {
    if (!r.ok) {
      return {
        error: true,
        summary: graphFailure({ fr: `Recherche de ${email(ctx)}`, en: `Looking up ${email(ctx)}` }, r),
      };
    }
    const guest = pickGuest(r.data.users);
    if (!guest) return { done: false };
    // A re-invitation the admin asked for is done once, even if the run is resumed after it.
    if (ctx.facts.reinvite === true && !ctx.facts.reinvitedAt)
      return { done: false, facts: { guestUserId: guest.id } };
    return {
      done: true,
      summary: {
        fr: `${email(ctx)} est déjà invité : aucune nouvelle invitation envoyée.`,
        en: `${email(ctx)} is already invited: no new invitation sent.`,
      },
      facts: { guestUserId: guest.id, guestState: guest.externalUserState },
      objectIds: [guest.id],
    };
  },
  write: (ctx) =>
    graphCall('inviteGuest', {
      email: email(ctx),
      redirectUrl: GUEST_REDIRECT_URL,
      sendInvitationMessage: true,
      messageLanguage: 'fr-FR',
      customizedMessageBody: INVITATION_MESSAGE_FR,
    }),
  interpretWrite(ctx, result) {
    if (!result.ok) {
      return { status: 'failed', summary: graphFailure({ fr: 'Invitation', en: 'Invitation' }, result) };
    }
    const inv = result.data;
    return {
      status: 'done',
      summary: {
        fr: `${email(ctx)} est invité ; l’e-mail d’invitation est parti.`,
        en: `${email(ctx)} is invited; the invitation email is on its way.`,
      },
      // The redeem URL is a credential-like link: it is not kept in the run.
      facts: {
        guestUserId: inv.userId,
        invitationId: inv.invitationId,
        guestState: inv.status === 'Completed' ? 'Accepted' : 'PendingAcceptance',
        ...(ctx.facts.reinvite === true ? { reinvitedAt: new Date(ctx.now).toISOString() } : {}),
      },
      objectIds: [inv.userId],
    };
  },
});

const assignGuestInviter = defineAction({
  probe: (ctx) => {
    const principalId = guestId(ctx);
    return {
      assignments: principalId
        ? graphCall('listRoleAssignments', { principalId, roleDefinitionId: ROLE.guestInviter })
        : undefined,
    };
  },
  interpretProbe(ctx, { assignments: r }): ProbeOutcome {
    if (!guestId(ctx)) {
      return { error: true, summary: { fr: 'Aucun compte invité connu.', en: 'No guest account known.' } };
    }
    if (!r) return { done: false };
    if (!r.ok) {
      // The guest may not have reached the role service yet: the write will retry.
      if (r.error.code === 'graph_not_found') return { done: false };
      return { error: true, summary: graphFailure({ fr: 'Lecture des rôles', en: 'Reading roles' }, r) };
    }
    const existing = r.data.assignments[0];
    if (!existing) return { done: false };
    return {
      done: true,
      summary: {
        fr: `${email(ctx)} a déjà le rôle Inviteur.`,
        en: `${email(ctx)} already holds the Guest Inviter role.`,
      },
      facts: { roleAssignmentId: existing.id },
      objectIds: [existing.id],
    };
  },
  write: (ctx) =>
    graphCall('assignDirectoryRole', {
      principalId: guestId(ctx) ?? '',
      roleDefinitionId: ROLE.guestInviter,
      directoryScopeId: '/',
    }),
  interpretWrite(ctx, result) {
    if (result.ok) {
      const a = result.data;
      return {
        status: 'done',
        summary: {
          fr: `${email(ctx)} a maintenant le rôle Inviteur.`,
          en: `${email(ctx)} now holds the Guest Inviter role.`,
        },
        facts: { roleAssignmentId: a.id },
        objectIds: [a.id],
      };
    }
    if (isConflict(result.error)) {
      return {
        status: 'done',
        already: true,
        summary: {
          fr: `${email(ctx)} avait déjà le rôle Inviteur.`,
          en: `${email(ctx)} already held the Guest Inviter role.`,
        },
      };
    }
    return {
      status: 'failed',
      summary: graphFailure({ fr: 'Attribution du rôle', en: 'Role assignment' }, result),
    };
  },
});

/** Graph refuses a sponsor added twice with a 400 naming the property, not with a conflict. */
function alreadySponsor(result: Extract<CallResult, { ok: false }>): boolean {
  return isConflict(result.error) || /already exist[\s\S]*sponsors/i.test(result.error.message);
}

const sponsorGuest = defineAction({
  probe: (ctx) => {
    const id = guestId(ctx);
    return { sponsors: id ? graphCall('listSponsors', id) : undefined };
  },
  interpretProbe(ctx, { sponsors: r }): ProbeOutcome {
    const id = guestId(ctx);
    if (!id) {
      return { error: true, summary: { fr: 'Aucun compte invité connu.', en: 'No guest account known.' } };
    }
    if (!r) return { done: false };
    if (!r.ok) {
      // Replication lag on a new guest: the write (retried on not-found) will tell.
      if (r.error.code === 'graph_not_found') return { done: false };
      return {
        error: true,
        summary: graphFailure({ fr: 'Lecture des parrains', en: 'Reading the sponsors' }, r),
      };
    }
    const admin = ctx.run.admin;
    if (!r.data.sponsorIds.some((s) => s.toLowerCase() === admin.id.toLowerCase())) return { done: false };
    return {
      done: true,
      summary: {
        fr: `${admin.name} est déjà parrain de ${email(ctx)} : rien n’a été écrit.`,
        en: `${admin.name} is already the sponsor of ${email(ctx)}: nothing was written.`,
      },
      facts: { sponsorId: admin.id },
      objectIds: [id],
    };
  },
  write: (ctx) => graphCall('addSponsor', guestId(ctx) ?? '', ctx.run.admin.id),
  interpretWrite(ctx, result) {
    const admin = ctx.run.admin;
    if (result.ok) {
      return {
        status: 'done',
        summary: {
          fr: `${admin.name} est maintenant parrain de ${email(ctx)}.`,
          en: `${admin.name} is now the sponsor of ${email(ctx)}.`,
        },
        facts: { sponsorId: admin.id },
        objectIds: [guestId(ctx) ?? ''],
      };
    }
    if (alreadySponsor(result)) {
      return {
        status: 'done',
        already: true,
        summary: {
          fr: `${admin.name} était déjà parrain de ${email(ctx)} : rien n’a été écrit.`,
          en: `${admin.name} was already the sponsor of ${email(ctx)}: nothing was written.`,
        },
        facts: { sponsorId: admin.id },
      };
    }
    return {
      status: 'failed',
      summary: graphFailure({ fr: 'Ajout du parrain', en: 'Adding the sponsor' }, result),
    };
  },
});

const verifyGuest = defineCheck({
  reads: (ctx) => {
    const id = guestId(ctx) ?? '';
    return {
      user: graphCall('getUser', id),
      assignments: graphCall('listRoleAssignments', { principalId: id, roleDefinitionId: ROLE.guestInviter }),
    };
  },
  evaluate(ctx, { user, assignments: roles }): CheckOutcome {
    const what = { fr: 'Vérification', en: 'Verification' };
    if (!user.ok) {
      const reason =
        user.error.code === 'graph_not_found'
          ? {
              fr: `Le compte invité ${email(ctx)} est introuvable dans l’annuaire.`,
              en: `The guest account ${email(ctx)} cannot be found in the directory.`,
            }
          : graphFailure(what, user);
      return { result: 'stop', reason, summary: reason };
    }
    if (!roles.ok) {
      const reason = graphFailure(what, roles);
      return { result: 'stop', reason, summary: reason };
    }
    const u = user.data;
    const assignment = roles.data.assignments[0];
    if (!assignment) {
      const reason = {
        fr: `${email(ctx)} existe mais n’a pas le rôle Inviteur.`,
        en: `${email(ctx)} exists but does not hold the Guest Inviter role.`,
      };
      return { result: 'stop', reason, summary: reason, facts: { guestState: u.externalUserState } };
    }
    return {
      result: 'pass',
      summary: {
        fr: `Vérifié : ${email(ctx)} est invité (${u.externalUserState ?? 'état inconnu'}) et a le rôle Inviteur.`,
        en: `Verified: ${email(ctx)} is a guest (${u.externalUserState ?? 'state unknown'}) holding the Guest Inviter role.`,
      },
      facts: { guestState: u.externalUserState, roleAssignmentId: assignment.id },
      objectIds: [u.id, assignment.id],
    };
  },
});

const guestAccepted = defineWait({
  poll: (ctx) => ({ user: graphCall('getUser', guestId(ctx) ?? '') }),
  interpretPoll(ctx, { user: r }) {
    if (!r.ok) {
      return {
        satisfied: false,
        summary: {
          fr: 'Sesame n’a pas pu relire le compte invité ; nouvel essai à la prochaine vérification.',
          en: 'Sesame could not read the guest account; it will try again at the next check.',
        },
      };
    }
    const u = r.data;
    if (u.externalUserState === 'Accepted') {
      return {
        satisfied: true,
        summary: {
          fr: `${email(ctx)} a accepté l’invitation.`,
          en: `${email(ctx)} has accepted the invitation.`,
        },
        facts: { guestState: 'Accepted' },
        objectIds: [u.id],
      };
    }
    return {
      satisfied: false,
      summary: {
        fr: `${email(ctx)} n’a pas encore accepté l’invitation.`,
        en: `${email(ctx)} has not accepted the invitation yet.`,
      },
      facts: { guestState: u.externalUserState },
    };
  },
});

/** The due time in the time zone of the calendar it was counted on (the tenant's, else France's). */
function formatDue(iso: string | undefined, locale: 'fr' | 'en', calendar: CalendarId | undefined): string {
  if (!iso) return locale === 'fr' ? '(échéance à venir)' : '(due time to come)';
  return formatCalendarTime(iso, locale, calendar ?? DEFAULT_CALENDAR, 'due');
}

export const vendorGuestAccessLogic: ProcedureLogic = {
  checks: { invitePolicy, existingGuest, verifyGuest },
  actions: { inviteGuest, assignGuestInviter, sponsorGuest },
  waits: { guestAccepted },
  textParams(ctx, locale) {
    const dueAt = ctx.run.stepResults['vendor-wait']?.dueAt;
    return {
      email: email(ctx),
      redirectUrl: GUEST_REDIRECT_URL,
      vendor: 'Cegid Loop',
      dueAtText: formatDue(dueAt, locale, ctx.run.calendar),
      dueCalendar: calendarLabel(ctx.run.calendar ?? DEFAULT_CALENDAR, locale),
    };
  },
};

export const vendorGuestAccessModule: ProcedureModule = {
  procedure: vendorGuestAccess,
  logic: vendorGuestAccessLogic,
};

/**
 * Version 1, kept for the runs started on it (a run moves only under the version it started with): the same steps,
 * but the sponsor write required User Administrator, Directory Writers or Global Administrator, so an admin without
 * them was blocked at that step. Nobody starts it any more (catalog.ts EARLIER_VERSIONS); remove it once no run of
 * it can still be open.
 */
const vendorGuestAccessV1Steps: readonly Step[] = vendorGuestAccess.steps.map((step) => {
  if (step.id !== 'sponsor' || step.kind !== 'action') return step;
  const { ifNotAllowed: _byHand, optionalOperations: _optional, ...v1 } = step;
  return { ...v1, ...graphNeeds('listSponsors', 'addSponsor') };
});

export const vendorGuestAccessV1Module: ProcedureModule = {
  procedure: {
    ...vendorGuestAccess,
    version: 1,
    requiredScopes: requiredScopesOf(vendorGuestAccessV1Steps),
    steps: vendorGuestAccessV1Steps,
  },
  logic: vendorGuestAccessLogic,
};
