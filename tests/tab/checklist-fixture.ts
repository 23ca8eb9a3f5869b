/**
 * Checklist data for the tab harness, shaped as the tab API sends it (core/checklist/api-types.ts): one item per
 * status, an object at fault whose name is markup (it must show as text), Sesame's own grant as an accepted
 * exception, an item the viewer cannot read.
 */
import type {
  ChecklistChanges,
  ChecklistItem,
  ChecklistView,
  ExceptionView,
} from '../../core/checklist/api-types.js';

const guestAccess = { fr: 'Accès invité Cegid Loop', en: 'Cegid Loop guest access' };

export const HOSTILE_NAME = '<img src=x onerror="window.pwned=1">Support Indio';

export const sesameGrant: ExceptionView = {
  id: 'exc-1',
  ruleId: 'guests-with-roles',
  subjectId: 'g-onloop',
  subjectName: 'admin@onloop.onmicrosoft.com',
  reason: 'Cegid Loop needs to invite its own consultants (procedure A).',
  expiresAt: '2027-02-20T09:41:00Z',
  status: 'active',
  acceptedBy: { id: 'u1', name: 'Camille Martin' },
  acceptedAt: '2026-11-20T09:41:00Z',
  origin: {
    runId: 'run-7f3a',
    procedureId: 'vendor-guest-access',
    procedureTitle: guestAccess,
    by: { id: 'u1', name: 'Camille Martin' },
    at: '2026-11-20T09:41:00Z',
    why: {
      fr: 'l’éditeur exige le rôle Inviteur pour inviter ses consultants.',
      en: 'the vendor requires the Guest Inviter role to invite its consultants.',
    },
  },
};

export const checklistItems: ChecklistItem[] = [
  {
    ruleId: 'invite-policy',
    area: 'guest-access',
    severity: 'high',
    title: { fr: 'Qui peut inviter des invités', en: 'Who can invite guests' },
    explanation: {
      fr: 'Seuls les administrateurs et les inviteurs devraient pouvoir inviter des invités.',
      en: 'Only administrators and Guest Inviters should be able to invite guests.',
    },
    verdict: {
      fr: 'Tout le monde peut inviter, même les invités.',
      en: 'Everyone can invite, guests included.',
    },
    status: 'fail',
    effectiveStatus: 'fail',
    references: [
      {
        framework: 'CISA SCuBA',
        id: 'MS.AAD.8.2v1',
        url: 'https://github.com/cisagov/ScubaGear/blob/main/PowerShell/ScubaGear/baselines/aad.md',
      },
      { framework: 'Maester EIDSCA', id: 'EIDSCA.AP04', url: 'javascript:alert(1)' },
      { framework: 'CIS M365', id: '5.1.6.3' },
    ],
    threshold: {
      fr: 'SCuBA : administrateurs et inviteurs seulement',
      en: 'SCuBA: admins and Guest Inviters only',
    },
    reads: ['GET /policies/authorizationPolicy'],
    evidence: { values: { allowInvitesFrom: 'everyone' }, objects: [] },
    fix: { procedureId: 'vendor-guest-access', title: guestAccess },
    exceptions: [],
  },
  {
    ruleId: 'pending-guests',
    area: 'guests',
    severity: 'medium',
    title: { fr: 'Invités en attente et inactifs', en: 'Pending and inactive guests' },
    explanation: {
      fr: 'Une invitation jamais acceptée ou un invité sans connexion depuis 90 jours est un accès oublié.',
      en: 'An invitation never accepted or a guest without sign-in for 90 days is a forgotten access.',
    },
    verdict: { fr: '1 invitation en attente depuis 45 jours.', en: '1 invitation pending for 45 days.' },
    status: 'warn',
    effectiveStatus: 'warn',
    references: [{ framework: 'CIPP', id: 'InactiveGuestUsers' }],
    reads: ["GET /users?$filter=externalUserState eq 'PendingAcceptance'"],
    evidence: {
      values: { pendingInvitations: 1, inactiveGuests: 0 },
      objects: [
        {
          id: 'g-indio',
          name: HOSTILE_NAME,
          kind: 'guest',
          detail: { fr: 'en attente depuis 45 jours', en: 'pending for 45 days' },
        },
      ],
    },
    exceptions: [],
  },
  {
    ruleId: 'guests-with-roles',
    area: 'roles',
    severity: 'high',
    title: { fr: 'Invités ayant un rôle d’annuaire', en: 'Guests holding a directory role' },
    explanation: {
      fr: 'Un invité ne devrait détenir aucun rôle d’annuaire.',
      en: 'A guest should hold no directory role.',
    },
    verdict: { fr: '1 invité a le rôle Inviteur.', en: '1 guest holds the Guest Inviter role.' },
    status: 'fail',
    effectiveStatus: 'accepted',
    references: [
      { framework: 'Maester', id: 'MT.1025' },
      { framework: 'Zero Trust Assessment', id: '21791' },
    ],
    reads: ['GET /roleManagement/directory/roleAssignments'],
    evidence: {
      values: { guestsWithRoles: 1 },
      objects: [
        {
          id: 'g-onloop',
          name: 'admin@onloop.onmicrosoft.com',
          kind: 'guest',
          detail: { fr: 'Inviteur', en: 'Guest Inviter' },
          exceptionId: 'exc-1',
        },
      ],
    },
    exceptions: [sesameGrant],
  },
  {
    ruleId: 'global-admins',
    area: 'roles',
    severity: 'high',
    title: { fr: 'Administrateurs généraux', en: 'Global Administrators' },
    explanation: {
      fr: 'Entre 2 et 8 administrateurs généraux.',
      en: 'Between 2 and 8 Global Administrators.',
    },
    verdict: { fr: '2 administrateurs généraux.', en: '2 Global Administrators.' },
    status: 'pass',
    effectiveStatus: 'pass',
    references: [{ framework: 'CISA SCuBA', id: 'MS.AAD.7.1v1' }],
    reads: ['GET /directoryRoles/…/members/$count'],
    evidence: { values: { globalAdministrators: 2 }, objects: [] },
    exceptions: [],
  },
  {
    ruleId: 'user-consent',
    area: 'apps',
    severity: 'medium',
    title: { fr: 'Consentement des utilisateurs aux applications', en: 'User consent to apps' },
    explanation: {
      fr: 'Les utilisateurs ne devraient pas consentir seuls aux applications.',
      en: 'Users should not consent to apps on their own.',
    },
    verdict: { fr: 'Illisible avec vos droits.', en: 'Cannot be read with your rights.' },
    status: 'unknown',
    effectiveStatus: 'unknown',
    references: [{ framework: 'CISA SCuBA', id: 'MS.AAD.5.2v1' }],
    reads: ['GET /policies/authorizationPolicy'],
    evidence: { values: {}, objects: [] },
    missing: {
      scopes: ['Policy.Read.All'],
      roles: [{ fr: 'Lecteur général', en: 'Global Reader' }],
      message: {
        fr: 'Inconnu : il faut la permission Policy.Read.All.',
        en: 'Unknown: needs the Policy.Read.All permission.',
      },
    },
    exceptions: [],
  },
  {
    ruleId: 'verified-domain',
    area: 'domains',
    severity: 'low',
    title: { fr: 'Domaine vérifié', en: 'Verified domain' },
    explanation: {
      fr: 'Au moins un domaine personnalisé vérifié.',
      en: 'At least one verified custom domain.',
    },
    verdict: { fr: 'cabinet-exemple.fr est vérifié.', en: 'cabinet-exemple.fr is verified.' },
    status: 'pass',
    effectiveStatus: 'pass',
    references: [],
    reads: ['GET /domains'],
    evidence: { values: { verifiedCustomDomains: 1 }, objects: [] },
    exceptions: [],
  },
];

const changes: ChecklistChanges = {
  since: '2026-11-19T08:00:00Z',
  newFailures: [{ ruleId: 'invite-policy', title: checklistItems[0]!.title, from: 'pass', to: 'fail' }],
  fixed: [],
  newFindings: [],
  resolvedFindings: [],
  newGuests: [{ id: 'g-indio', name: HOSTILE_NAME, kind: 'guest' }],
  newGrants: [],
};

export function checklistView(items: readonly ChecklistItem[] = checklistItems): ChecklistView {
  const count = (s: string) => items.filter((i) => i.effectiveStatus === s).length;
  return {
    snapshot: {
      id: 'snap-2',
      takenAt: '2026-11-20T09:45:00Z',
      takenBy: { id: 'u1', name: 'Camille Martin' },
      items,
      summary: {
        pass: count('pass'),
        warn: count('warn'),
        fail: count('fail'),
        unknown: count('unknown'),
        accepted: count('accepted'),
      },
      roundTrips: 4,
    },
    changes,
    canManageExceptions: true,
  };
}
