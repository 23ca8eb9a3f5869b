/**
 * The checklist's rules, as data plus a pure evaluation over a snapshot's sources (core/checklist/snapshot-data.ts).
 * Each rule names the references it follows and, where they disagree on a threshold, which one it applies. A
 * source the viewer could not read makes the rule `unknown` with what is missing, never a pass.
 */
import { ROLE, directoryRoleName } from '../directory-roles.js';
import { GRAPH_OPERATIONS } from '../graph/operations/index.js';
import type { GraphOperation } from '../graph/operation.js';
import type { Localized } from '../i18n/locale.js';
import type {
  ChecklistArea,
  Evidence,
  EvidenceObject,
  MissingAccess,
  Reference,
  RuleStatus,
  Severity,
} from './api-types.js';
import {
  SOURCE_OPERATIONS,
  type SnapshotData,
  type SourceFailure,
  type SourceName,
} from './snapshot-data.js';
import { KNOWN_VENDOR_APPS } from './vendor-apps.js';

const DAY = 86_400_000;
/** Evidence lists at most this many objects (the count says how many in all). */
export const EVIDENCE_LIMIT = 200;

/** Thresholds, in one place. */
export const THRESHOLDS = {
  pendingDays: 30,
  inactiveDays: 90,
  credentialExpiryDays: 30,
  credentialLifetimeDays: 180,
  globalAdminsMin: 2,
  globalAdminsStrictMax: 4,
  globalAdminsMax: 8,
  consentRequestMaxDays: 30,
} as const;

/** authorizationPolicy.guestUserRoleId values. */
export const GUEST_ROLE_TEMPLATES = {
  restricted: '2af84b1e-32c8-42b7-82bc-daa82404023b',
  limited: '10dae51f-b6af-4016-8d66-8c2a99b929b3',
  sameAsMembers: 'a0b1b346-4d3e-4e8b-98f8-753987be4970',
} as const;

/** What a rule found before exceptions are applied (stored with the snapshot). */
export interface RuleResult {
  readonly ruleId: string;
  readonly status: RuleStatus;
  readonly verdict: Localized;
  readonly evidence: Evidence;
  readonly missing?: MissingAccess;
  /**
   * The warn/fail comes from the listed objects alone (not from a setting): exceptions covering every object
   * make it accepted. Otherwise only an exception on the whole rule does.
   */
  readonly byObjects?: boolean;
}

type Found = Omit<RuleResult, 'ruleId' | 'missing'>;

export interface EvaluationContext {
  /** Epoch ms of the snapshot. */
  readonly now: number;
}

/** The sources a rule needs, all read (the type narrows each to its value). */
type Values<S extends readonly SourceName[]> = {
  readonly [K in S[number]]: Extract<SnapshotData[K], { ok: true }>['value'];
};

export interface RuleDefinition<S extends readonly SourceName[] = readonly SourceName[]> {
  readonly id: string;
  readonly area: ChecklistArea;
  readonly severity: Severity;
  readonly title: Localized;
  readonly explanation: Localized;
  readonly references: readonly Reference[];
  readonly threshold?: Localized;
  readonly sources: S;
  /** The procedure that fixes it (core/procedures/catalog.ts ids). */
  readonly fixProcedureId?: string;
  evaluate(values: Values<S>, ctx: EvaluationContext): Found;
}

function rule<const S extends readonly SourceName[]>(r: RuleDefinition<S>): RuleDefinition {
  return r as unknown as RuleDefinition;
}

const scuba = (id: string): Reference => ({
  framework: 'CISA SCuBA',
  id,
  url: 'https://github.com/cisagov/ScubaGear/blob/main/PowerShell/ScubaGear/baselines/aad.md',
});
const eidsca = (id: string): Reference => ({
  framework: 'Maester EIDSCA',
  id: `EIDSCA.${id}`,
  url: `https://maester.dev/docs/tests/eidsca/`,
});
const maester = (id: string): Reference => ({
  framework: 'Maester',
  id,
  url: `https://maester.dev/docs/tests/${id.toLowerCase().replace('.', '-')}/`,
});
const cis = (id: string): Reference => ({ framework: 'CIS M365', id });
const zta = (id: string): Reference => ({
  framework: 'Zero Trust Assessment',
  id,
  url: 'https://learn.microsoft.com/security/zero-trust/assessment/overview',
});
const cipp = (id: string): Reference => ({ framework: 'CIPP', id });
const sesame = (id: string): Reference => ({ framework: 'Sesame', id });

const ageDays = (iso: string | null, now: number): number | null =>
  iso ? Math.floor((now - Date.parse(iso)) / DAY) : null;

const daysText = (n: number): Localized => ({
  fr: n <= 1 ? `${n} jour` : `${n} jours`,
  en: n === 1 ? `${n} day` : `${n} days`,
});

function capped(objects: readonly EvidenceObject[]): Pick<Evidence, 'objects' | 'objectsTotal'> {
  return objects.length > EVIDENCE_LIMIT
    ? { objects: objects.slice(0, EVIDENCE_LIMIT), objectsTotal: objects.length }
    : { objects };
}

const isGuestPrincipal = (g: { principal: { userType: string | null } }) => g.principal.userType === 'Guest';
const principalName = (g: {
  principalId: string;
  principal: { displayName: string | null; userPrincipalName: string | null };
}) => g.principal.displayName ?? g.principal.userPrincipalName ?? g.principalId;

/** The roles that let a holder invite guests whatever allowInvitesFrom says. */
const INVITING_ROLES: readonly string[] = [
  ROLE.guestInviter,
  ROLE.userAdministrator,
  ROLE.globalAdministrator,
];

export const RULES: readonly RuleDefinition[] = [
  rule({
    id: 'guest-invite-policy',
    area: 'guest-access',
    severity: 'high',
    title: { fr: 'Qui peut inviter des invités', en: 'Who can invite guests' },
    explanation: {
      fr: 'Seuls les administrateurs et les titulaires du rôle Inviteur devraient pouvoir inviter des comptes externes : sinon n’importe quel membre (voire un invité) fait entrer qui il veut.',
      en: 'Only administrators and Guest Inviter holders should be able to invite external accounts; otherwise any member (or even a guest) can let anyone in.',
    },
    references: [scuba('MS.AAD.8.2v1'), eidsca('AP04'), cis('5.1.6.3')],
    threshold: {
      fr: 'Les trois références exigent « adminsAndGuestInviters » (ou « none ») ; Sesame signale « tous les membres » en avertissement et « everyone » en échec.',
      en: 'All three references want "adminsAndGuestInviters" (or "none"); Sesame warns on "all members" and fails "everyone".',
    },
    sources: ['authorizationPolicy'],
    evaluate: ({ authorizationPolicy: p }) => {
      const v = p.allowInvitesFrom;
      const values = { allowInvitesFrom: v };
      if (v === 'none' || v === 'adminsAndGuestInviters')
        return {
          status: 'pass',
          verdict: {
            fr: `Seuls les administrateurs et les Inviteurs peuvent inviter (${v}).`,
            en: `Only administrators and Guest Inviters can invite (${v}).`,
          },
          evidence: { values, objects: [] },
        };
      if (v === 'adminsGuestInvitersAndAllMembers')
        return {
          status: 'warn',
          verdict: {
            fr: 'Tous les membres peuvent inviter des invités.',
            en: 'Every member can invite guests.',
          },
          evidence: { values, objects: [] },
        };
      return {
        status: 'fail',
        verdict: {
          fr: `Tout le monde, invités compris, peut inviter des invités (${v}).`,
          en: `Everyone, guests included, can invite guests (${v}).`,
        },
        evidence: { values, objects: [] },
      };
    },
  }),

  rule({
    id: 'guest-directory-access',
    area: 'guest-access',
    severity: 'high',
    title: { fr: 'Accès des invités à l’annuaire', en: 'Guest access to the directory' },
    explanation: {
      fr: 'Un invité ne devrait voir que ses propres informations et celles des groupes dont il est membre, pas tout l’annuaire comme un membre.',
      en: 'A guest should see its own details and its groups, not the whole directory as a member does.',
    },
    references: [scuba('MS.AAD.8.1v1'), eidsca('AP07')],
    threshold: {
      fr: 'Suit SCuBA MS.AAD.8.1v1 : accès restreint ou limité. EIDSCA.AP07 recommande l’accès restreint seul.',
      en: 'Follows SCuBA MS.AAD.8.1v1: restricted or limited access. EIDSCA.AP07 recommends restricted only.',
    },
    sources: ['authorizationPolicy'],
    evaluate: ({ authorizationPolicy: p }) => {
      const id = (p.guestUserRoleId ?? '').toLowerCase();
      const values = { guestUserRoleId: p.guestUserRoleId };
      if (id === GUEST_ROLE_TEMPLATES.restricted || id === GUEST_ROLE_TEMPLATES.limited)
        return {
          status: 'pass',
          verdict:
            id === GUEST_ROLE_TEMPLATES.restricted
              ? { fr: 'Les invités ont un accès restreint.', en: 'Guests have restricted access.' }
              : { fr: 'Les invités ont un accès limité.', en: 'Guests have limited access.' },
          evidence: { values, objects: [] },
        };
      return {
        status: 'fail',
        verdict:
          id === GUEST_ROLE_TEMPLATES.sameAsMembers
            ? {
                fr: 'Les invités ont le même accès que les membres.',
                en: 'Guests have the same access as members.',
              }
            : {
                fr: `Rôle des invités inconnu (${p.guestUserRoleId ?? 'vide'}).`,
                en: `Unknown guest role (${p.guestUserRoleId ?? 'empty'}).`,
              },
        evidence: { values, objects: [] },
      };
    },
  }),

  rule({
    id: 'guest-invite-domains',
    area: 'guest-access',
    severity: 'medium',
    title: { fr: 'Domaines autorisés pour les invitations', en: 'Domains guests may be invited from' },
    explanation: {
      fr: 'Une liste de domaines autorisés (ceux de vos fournisseurs) limite les invitations aux organisations attendues.',
      en: 'An allow-list of domains (your vendors’) limits invitations to the organisations you expect.',
    },
    references: [scuba('MS.AAD.8.3v1')],
    sources: [],
    evaluate: () => ({
      status: 'unknown',
      verdict: {
        fr: 'Microsoft Graph v1.0 ne publie pas la liste des domaines autorisés : à vérifier dans le centre d’administration Entra (Identités externes › Paramètres de collaboration externe).',
        en: 'Microsoft Graph v1.0 does not expose the domain allow-list: check it in the Entra admin center (External Identities › External collaboration settings).',
      },
      evidence: { values: {}, objects: [] },
    }),
  }),

  rule({
    id: 'guests-can-invite',
    area: 'guest-access',
    severity: 'high',
    title: { fr: 'Les invités ne peuvent pas inviter', en: 'Guests can’t invite other guests' },
    explanation: {
      fr: 'Un invité qui peut inviter fait entrer d’autres comptes externes sans contrôle : la stratégie d’invitation ne doit pas l’autoriser, et aucun invité ne doit détenir de rôle qui le permet (Inviteur, Administrateur d’utilisateurs…).',
      en: 'A guest who can invite brings in other external accounts unchecked: the invite policy must not allow it, and no guest should hold a role that does (Guest Inviter, User Administrator…).',
    },
    references: [zta('21791'), scuba('MS.AAD.8.2v1')],
    sources: ['authorizationPolicy', 'roleAssignments'],
    evaluate: ({ authorizationPolicy: p, roleAssignments }) => {
      const inviters = roleAssignments.filter(
        (a) => isGuestPrincipal(a) && INVITING_ROLES.includes(a.roleDefinitionId.toLowerCase()),
      );
      const objects = inviters.map((a): EvidenceObject => ({
        id: a.principalId,
        name: principalName(a),
        kind: 'guest',
        detail: directoryRoleName(a.roleDefinitionId),
      }));
      const values = { allowInvitesFrom: p.allowInvitesFrom, guestsHoldingInvitingRoles: inviters.length };
      if (p.allowInvitesFrom === 'everyone')
        return {
          status: 'fail',
          verdict: {
            fr: 'La stratégie d’invitation laisse les invités inviter (everyone).',
            en: 'The invite policy lets guests invite (everyone).',
          },
          evidence: { values, ...capped(objects) },
        };
      if (inviters.length > 0)
        return {
          status: 'fail',
          verdict: {
            fr: `${inviters.length} invité(s) détiennent un rôle qui permet d’inviter.`,
            en: `${inviters.length} guest(s) hold a role that can invite.`,
          },
          byObjects: true,
          evidence: { values, ...capped(objects) },
        };
      return {
        status: 'pass',
        verdict: { fr: 'Aucun invité ne peut inviter.', en: 'No guest can invite.' },
        evidence: { values, objects: [] },
      };
    },
  }),

  rule({
    id: 'guests-with-roles',
    area: 'roles',
    severity: 'high',
    title: { fr: 'Invités titulaires d’un rôle d’annuaire', en: 'Guests holding a directory role' },
    explanation: {
      fr: 'Un compte externe ne devrait détenir aucun rôle d’annuaire de façon permanente : son organisation, pas la vôtre, contrôle son mot de passe et son MFA.',
      en: 'No external account should hold a directory role permanently: its own organisation, not yours, controls its password and MFA.',
    },
    references: [maester('MT.1025'), zta('21791')],
    threshold: {
      fr: 'Compte les attributions actives et les éligibilités PIM : un invité éligible n’est qu’à une activation du rôle.',
      en: 'Counts active assignments and PIM eligibilities: an eligible guest is one activation away from the role.',
    },
    sources: ['roleAssignments', 'roleEligibilities'],
    evaluate: ({ roleAssignments, roleEligibilities }) => {
      const active = roleAssignments.filter(isGuestPrincipal);
      const eligible = roleEligibilities.filter(isGuestPrincipal);
      const objects = [...active, ...eligible].map((a): EvidenceObject => {
        const role = directoryRoleName(a.roleDefinitionId);
        return {
          id: a.principalId,
          name: principalName(a),
          kind: 'guest',
          detail:
            a.kind === 'eligible'
              ? { fr: `${role.fr} (éligible, PIM)`, en: `${role.en} (eligible, PIM)` }
              : role,
        };
      });
      const values = { guestRoleAssignments: active.length, guestRoleEligibilities: eligible.length };
      if (objects.length === 0)
        return {
          status: 'pass',
          verdict: {
            fr: 'Aucun invité ne détient de rôle ni n’y est éligible.',
            en: 'No guest holds or is eligible for a role.',
          },
          evidence: { values, objects: [] },
        };
      return {
        status: 'fail',
        verdict: {
          fr: `${active.length} attribution(s) de rôle et ${eligible.length} éligibilité(s) PIM d’invités.`,
          en: `${active.length} role assignment(s) and ${eligible.length} PIM eligibilit${eligible.length === 1 ? 'y' : 'ies'} held by guests.`,
        },
        byObjects: true,
        evidence: { values, ...capped(objects) },
      };
    },
  }),

  rule({
    id: 'guest-inviter-holders',
    area: 'roles',
    severity: 'low',
    title: { fr: 'Titulaires du rôle Inviteur', en: 'Guest Inviter holders' },
    explanation: {
      fr: 'Qui peut inviter quelle que soit la stratégie : la liste doit être courte et connue.',
      en: 'Who can invite whatever the policy says: the list should be short and known.',
    },
    references: [maester('MT.1025'), scuba('MS.AAD.8.2v1')],
    sources: ['roleAssignments'],
    evaluate: ({ roleAssignments }) => {
      const holders = roleAssignments.filter((a) => a.roleDefinitionId.toLowerCase() === ROLE.guestInviter);
      const objects = holders.map((a): EvidenceObject => ({
        id: a.principalId,
        name: principalName(a),
        kind: isGuestPrincipal(a) ? 'guest' : 'user',
        detail: isGuestPrincipal(a)
          ? { fr: 'Invité, attribution permanente', en: 'Guest, permanent assignment' }
          : { fr: 'Membre, attribution permanente', en: 'Member, permanent assignment' },
        ...(isGuestPrincipal(a) ? {} : { inventory: true }),
      }));
      const guests = holders.filter(isGuestPrincipal).length;
      const values = { guestInviters: holders.length, guestInvitersWhoAreGuests: guests };
      return {
        status: guests > 0 ? 'warn' : 'pass',
        verdict:
          guests > 0
            ? {
                fr: `${holders.length} titulaire(s) du rôle Inviteur, dont ${guests} invité(s).`,
                en: `${holders.length} Guest Inviter holder(s), ${guests} of them guest(s).`,
              }
            : {
                fr: `${holders.length} titulaire(s) du rôle Inviteur, tous membres.`,
                en: `${holders.length} Guest Inviter holder(s), all members.`,
              },
        byObjects: true,
        evidence: { values, ...capped(objects) },
      };
    },
  }),

  rule({
    id: 'global-admin-count',
    area: 'roles',
    severity: 'high',
    title: { fr: 'Nombre d’administrateurs généraux', en: 'Number of Global Administrators' },
    explanation: {
      fr: 'Au moins deux (pour ne jamais perdre la main), et peu : chacun peut tout faire dans le locataire.',
      en: 'At least two (so you never lock yourself out), and few: each can do anything in the tenant.',
    },
    references: [scuba('MS.AAD.7.1v1'), cis('1.1.3')],
    threshold: {
      fr: 'Suit SCuBA MS.AAD.7.1v1 : de 2 à 8. CIS 1.1.3 veut de 2 à 4 : de 5 à 8, avertissement.',
      en: 'Follows SCuBA MS.AAD.7.1v1: 2 to 8. CIS 1.1.3 wants 2 to 4: 5 to 8 warns.',
    },
    sources: ['roleAssignments'],
    evaluate: ({ roleAssignments }) => {
      const admins = roleAssignments.filter(
        (a) => a.roleDefinitionId.toLowerCase() === ROLE.globalAdministrator && a.directoryScopeId !== null,
      );
      const count = new Set(admins.map((a) => a.principalId)).size;
      const objects = admins.map((a): EvidenceObject => ({
        id: a.principalId,
        name: principalName(a),
        kind: isGuestPrincipal(a) ? 'guest' : 'user',
      }));
      const values = { globalAdministrators: count };
      const t = THRESHOLDS;
      const status: RuleStatus =
        count < t.globalAdminsMin || count > t.globalAdminsMax
          ? 'fail'
          : count > t.globalAdminsStrictMax
            ? 'warn'
            : 'pass';
      return {
        status,
        verdict: {
          fr: `${count} administrateur(s) général(aux) actif(s).`,
          en: `${count} active Global Administrator(s).`,
        },
        evidence: { values, ...capped(objects) },
      };
    },
  }),

  rule({
    id: 'pending-guests',
    area: 'guests',
    severity: 'medium',
    title: { fr: 'Invitations en attente', en: 'Pending invitations' },
    explanation: {
      fr: 'Une invitation jamais acceptée reste un compte utilisable par quiconque reçoit le lien : relancez-la ou supprimez-la.',
      en: 'An invitation never accepted stays an account anyone holding the link may redeem: resend it or remove it.',
    },
    references: [cipp('InactiveGuestUsers'), sesame('pending-guests')],
    threshold: {
      fr: `Toute invitation en attente : avertissement ; en attente depuis plus de ${THRESHOLDS.pendingDays} jours : échec.`,
      en: `Any pending invitation: warning; pending for more than ${THRESHOLDS.pendingDays} days: fail.`,
    },
    sources: ['pendingGuests', 'guestCount'],
    fixProcedureId: 'vendor-guest-access',
    evaluate: ({ pendingGuests, guestCount }, { now }) => {
      const objects = pendingGuests.map((g): EvidenceObject => {
        const age = ageDays(g.externalUserStateChangeDateTime ?? g.createdDateTime, now) ?? 0;
        return {
          id: g.id,
          name: g.mail ?? g.displayName ?? g.id,
          kind: 'guest',
          detail: { fr: `En attente depuis ${daysText(age).fr}`, en: `Pending for ${daysText(age).en}` },
        };
      });
      const old = pendingGuests.filter(
        (g) =>
          (ageDays(g.externalUserStateChangeDateTime ?? g.createdDateTime, now) ?? 0) >
          THRESHOLDS.pendingDays,
      ).length;
      const values = { guests: guestCount, pending: pendingGuests.length, pendingOver30Days: old };
      return {
        status: old > 0 ? 'fail' : pendingGuests.length > 0 ? 'warn' : 'pass',
        verdict: {
          fr: `${pendingGuests.length} invitation(s) en attente sur ${guestCount} invité(s), dont ${old} depuis plus de ${THRESHOLDS.pendingDays} jours.`,
          en: `${pendingGuests.length} pending invitation(s) out of ${guestCount} guest(s), ${old} older than ${THRESHOLDS.pendingDays} days.`,
        },
        byObjects: true,
        evidence: { values, ...capped(objects) },
      };
    },
  }),

  rule({
    id: 'inactive-guests',
    area: 'guests',
    severity: 'medium',
    title: { fr: 'Invités inactifs', en: 'Inactive guests' },
    explanation: {
      fr: 'Un invité qui ne s’est pas connecté depuis 90 jours n’a probablement plus besoin d’accès : revoyez-le ou supprimez-le.',
      en: 'A guest who has not signed in for 90 days probably no longer needs access: review or remove it.',
    },
    references: [cipp('InactiveGuestUsers')],
    threshold: {
      fr: `Aucune connexion depuis ${THRESHOLDS.inactiveDays} jours (seuil de CIPP), ou acceptée il y a plus de ${THRESHOLDS.inactiveDays} jours sans aucune connexion.`,
      en: `No sign-in for ${THRESHOLDS.inactiveDays} days (CIPP's threshold), or accepted more than ${THRESHOLDS.inactiveDays} days ago and never signed in.`,
    },
    sources: ['inactiveGuests', 'oldAcceptedGuests'],
    evaluate: ({ inactiveGuests, oldAcceptedGuests }, { now }) => {
      // Accepted more than 90 days ago and never signed in: `lastSignInDateTime le` does not match them.
      const never = oldAcceptedGuests.filter(
        (g) =>
          !g.signInActivity?.lastSignInDateTime &&
          !inactiveGuests.some((i) => i.id.toLowerCase() === g.id.toLowerCase()),
      );
      const objects = [...inactiveGuests, ...never].map((g): EvidenceObject => {
        const last = g.signInActivity?.lastSignInDateTime ?? null;
        const age = ageDays(last, now);
        const created = ageDays(g.createdDateTime, now);
        return {
          id: g.id,
          name: g.mail ?? g.displayName ?? g.id,
          kind: 'guest',
          detail:
            age === null
              ? created === null
                ? { fr: 'Jamais connecté', en: 'Never signed in' }
                : {
                    fr: `Jamais connecté, invité il y a ${daysText(created).fr}`,
                    en: `Never signed in, invited ${daysText(created).en} ago`,
                  }
              : {
                  fr: `Dernière connexion il y a ${daysText(age).fr}`,
                  en: `Last sign-in ${daysText(age).en} ago`,
                },
        };
      });
      return {
        status: objects.length > 0 ? 'warn' : 'pass',
        verdict: {
          fr: `${objects.length} invité(s) sans connexion depuis ${THRESHOLDS.inactiveDays} jours, dont ${never.length} jamais connecté(s).`,
          en: `${objects.length} guest(s) without a sign-in for ${THRESHOLDS.inactiveDays} days, ${never.length} never signed in.`,
        },
        byObjects: true,
        evidence: {
          values: { inactiveGuests: inactiveGuests.length, neverSignedIn: never.length },
          ...capped(objects),
        },
      };
    },
  }),

  rule({
    id: 'guests-without-sponsor',
    area: 'guests',
    severity: 'medium',
    title: { fr: 'Invités sans parrain', en: 'Guests without a sponsor' },
    explanation: {
      fr: 'Chaque invité devrait avoir un parrain dans votre organisation, qui répond de son accès et le revoit.',
      en: 'Every guest should have a sponsor in your organisation who answers for its access and reviews it.',
    },
    references: [zta('21877')],
    sources: ['guestSponsors'],
    evaluate: ({ guestSponsors }) => {
      const without = guestSponsors.filter((g) => g.sponsorIds.length === 0);
      const objects = without.map((g): EvidenceObject => ({
        id: g.id,
        name: g.mail ?? g.displayName ?? g.id,
        kind: 'guest',
      }));
      return {
        status: without.length > 0 ? 'fail' : 'pass',
        verdict: {
          fr: `${without.length} invité(s) sur ${guestSponsors.length} sans parrain.`,
          en: `${without.length} guest(s) out of ${guestSponsors.length} without a sponsor.`,
        },
        byObjects: true,
        evidence: {
          values: { guests: guestSponsors.length, withoutSponsor: without.length },
          ...capped(objects),
        },
      };
    },
  }),

  rule({
    id: 'guests-owning-apps',
    area: 'guests',
    severity: 'high',
    title: { fr: 'Invités propriétaires d’applications', en: 'Guests owning apps' },
    explanation: {
      fr: 'Un propriétaire peut ajouter des secrets à une application et agir avec ses permissions : aucun invité ne devrait l’être.',
      en: 'An owner can add secrets to an app and act with its permissions: no guest should be one.',
    },
    references: [zta('21868')],
    sources: ['applications'],
    evaluate: ({ applications }) => {
      const objects: EvidenceObject[] = [];
      for (const app of applications)
        for (const o of app.owners)
          if (o.userType === 'Guest')
            objects.push({
              id: o.id,
              name: o.displayName ?? o.id,
              kind: 'guest',
              detail: {
                fr: `Propriétaire de « ${app.displayName ?? app.appId ?? app.id} »`,
                en: `Owns “${app.displayName ?? app.appId ?? app.id}”`,
              },
            });
      return {
        status: objects.length > 0 ? 'fail' : 'pass',
        verdict: {
          fr: `${objects.length} invité(s) propriétaire(s) d’application.`,
          en: `${objects.length} guest owner(s) of applications.`,
        },
        byObjects: true,
        evidence: { values: { guestOwners: objects.length }, ...capped(objects) },
      };
    },
  }),

  rule({
    id: 'user-consent',
    area: 'apps',
    severity: 'high',
    title: { fr: 'Consentement des utilisateurs aux applications', en: 'User consent to apps' },
    explanation: {
      fr: 'Un utilisateur qui consent seul à une application peut lui ouvrir ses courriels et fichiers : limitez le consentement aux applications à faible risque d’éditeurs vérifiés, ou réservez-le aux administrateurs.',
      en: 'A user consenting alone can open their mail and files to an app: allow only low-risk apps from verified publishers, or leave consent to administrators.',
    },
    references: [scuba('MS.AAD.5.2v1'), eidsca('AP08'), eidsca('AP09')],
    threshold: {
      fr: 'Suit EIDSCA.AP08 : le consentement « faible risque » passe. SCuBA MS.AAD.5.2v1 n’accepte que « aucun ».',
      en: 'Follows EIDSCA.AP08: "low risk" consent passes. SCuBA MS.AAD.5.2v1 accepts only "none".',
    },
    sources: ['authorizationPolicy'],
    evaluate: ({ authorizationPolicy: p }) => {
      const policies = p.defaultUserRolePermissions?.permissionGrantPoliciesAssigned ?? [];
      const self = policies.filter((x) => x.startsWith('ManagePermissionGrantsForSelf.'));
      const values = { permissionGrantPoliciesAssigned: policies.join(', ') || null };
      if (self.length === 0)
        return {
          status: 'pass',
          verdict: {
            fr: 'Les utilisateurs ne peuvent pas consentir seuls.',
            en: 'Users cannot consent on their own.',
          },
          evidence: { values, objects: [] },
        };
      if (self.every((x) => x === 'ManagePermissionGrantsForSelf.microsoft-user-default-low'))
        return {
          status: 'pass',
          verdict: {
            fr: 'Consentement limité aux applications à faible risque.',
            en: 'Consent limited to low-risk apps.',
          },
          evidence: { values, objects: [] },
        };
      return {
        status: 'fail',
        verdict: {
          fr: `Les utilisateurs peuvent consentir à toute application (${self.join(', ')}).`,
          en: `Users can consent to any app (${self.join(', ')}).`,
        },
        evidence: { values, objects: [] },
      };
    },
  }),

  rule({
    id: 'admin-consent-workflow',
    area: 'apps',
    severity: 'medium',
    title: { fr: 'Demandes de consentement administrateur', en: 'Admin consent workflow' },
    explanation: {
      fr: 'Quand un utilisateur ne peut pas consentir, il doit pouvoir demander : les relecteurs sont prévenus, relancés, et la demande expire.',
      en: 'When users cannot consent they should be able to ask: reviewers are notified, reminded, and the request expires.',
    },
    references: [scuba('MS.AAD.5.3v1'), eidsca('CR01'), eidsca('CR02'), eidsca('CR03'), eidsca('CR04')],
    threshold: {
      fr: `Désactivé : échec (CR01). Activé sans notification (CR02), sans rappels (CR03) ou avec une durée de plus de ${THRESHOLDS.consentRequestMaxDays} jours (CR04) : avertissement.`,
      en: `Off: fail (CR01). On without notifications (CR02), without reminders (CR03) or lasting more than ${THRESHOLDS.consentRequestMaxDays} days (CR04): warning.`,
    },
    sources: ['adminConsentRequestPolicy'],
    evaluate: ({ adminConsentRequestPolicy: p }) => {
      const values = {
        isEnabled: p.isEnabled,
        notifyReviewers: p.notifyReviewers,
        remindersEnabled: p.remindersEnabled,
        requestDurationInDays: p.requestDurationInDays,
      };
      if (p.isEnabled !== true)
        return {
          status: 'fail',
          verdict: {
            fr: 'Les utilisateurs ne peuvent pas demander le consentement d’un administrateur.',
            en: 'Users cannot request admin consent.',
          },
          evidence: { values, objects: [] },
        };
      const gaps: Localized[] = [];
      if (p.notifyReviewers !== true)
        gaps.push({ fr: 'relecteurs non prévenus', en: 'reviewers not notified' });
      if (p.remindersEnabled !== true) gaps.push({ fr: 'pas de rappels', en: 'no reminders' });
      const d = p.requestDurationInDays;
      if (d === null || d < 1 || d > THRESHOLDS.consentRequestMaxDays)
        gaps.push({ fr: `durée ${d ?? '?'} jours`, en: `${d ?? '?'}-day duration` });
      return gaps.length === 0
        ? {
            status: 'pass',
            verdict: {
              fr: 'Demandes activées, relecteurs prévenus et relancés.',
              en: 'Requests on, reviewers notified and reminded.',
            },
            evidence: { values, objects: [] },
          }
        : {
            status: 'warn',
            verdict: {
              fr: `Demandes activées, mais : ${gaps.map((g) => g.fr).join(', ')}.`,
              en: `Requests on, but: ${gaps.map((g) => g.en).join(', ')}.`,
            },
            evidence: { values, objects: [] },
          };
    },
  }),

  rule({
    id: 'users-can-register-apps',
    area: 'apps',
    severity: 'medium',
    title: { fr: 'Inscription d’applications par les utilisateurs', en: 'Users can register apps' },
    explanation: {
      fr: 'Seuls les administrateurs devraient inscrire des applications : une inscription porte des secrets et des permissions.',
      en: 'Only administrators should register apps: a registration carries secrets and permissions.',
    },
    references: [scuba('MS.AAD.5.1v1'), eidsca('AP10')],
    sources: ['authorizationPolicy'],
    evaluate: ({ authorizationPolicy: p }) => {
      const v = p.defaultUserRolePermissions?.allowedToCreateApps ?? null;
      const values = { allowedToCreateApps: v };
      return v === false
        ? {
            status: 'pass',
            verdict: {
              fr: 'Seuls les administrateurs inscrivent des applications.',
              en: 'Only administrators register apps.',
            },
            evidence: { values, objects: [] },
          }
        : {
            status: 'fail',
            verdict: {
              fr: 'Tout utilisateur peut inscrire une application.',
              en: 'Any user can register an app.',
            },
            evidence: { values, objects: [] },
          };
    },
  }),

  rule({
    id: 'app-credentials-expiry',
    area: 'apps',
    severity: 'medium',
    title: { fr: 'Secrets et certificats qui expirent', en: 'Expiring secrets and certificates' },
    explanation: {
      fr: 'Un secret qui expire arrête l’intégration qui en dépend (synchronisation, messagerie…) : renouvelez-le avant.',
      en: 'An expiring secret stops the integration that depends on it (provisioning, mail…): renew it first.',
    },
    references: [cipp('AppSecretExpiry')],
    threshold: {
      fr: `Expire dans ${THRESHOLDS.credentialExpiryDays} jours : avertissement ; déjà expiré : échec.`,
      en: `Expires within ${THRESHOLDS.credentialExpiryDays} days: warning; already expired: fail.`,
    },
    sources: ['applications'],
    evaluate: ({ applications }, { now }) => {
      const objects: EvidenceObject[] = [];
      let expired = 0;
      for (const app of applications) {
        const creds = [
          ...app.passwordCredentials.map((c) => ({ ...c, kind: { fr: 'Secret', en: 'Secret' } })),
          ...app.keyCredentials.map((c) => ({ ...c, kind: { fr: 'Certificat', en: 'Certificate' } })),
        ];
        for (const c of creds) {
          if (!c.endDateTime) continue;
          const days = Math.floor((Date.parse(c.endDateTime) - now) / DAY);
          if (days > THRESHOLDS.credentialExpiryDays) continue;
          if (days < 0) expired++;
          objects.push({
            id: app.id,
            name: app.displayName ?? app.appId ?? app.id,
            kind: 'application',
            detail:
              days < 0
                ? {
                    fr: `${c.kind.fr} expiré depuis ${daysText(-days).fr}`,
                    en: `${c.kind.en} expired ${daysText(-days).en} ago`,
                  }
                : {
                    fr: `${c.kind.fr} expire dans ${daysText(days).fr}`,
                    en: `${c.kind.en} expires in ${daysText(days).en}`,
                  },
          });
        }
      }
      return {
        status: expired > 0 ? 'fail' : objects.length > 0 ? 'warn' : 'pass',
        verdict: {
          fr: `${objects.length} secret(s) ou certificat(s) expiré(s) ou expirant sous ${THRESHOLDS.credentialExpiryDays} jours (${expired} expiré(s)).`,
          en: `${objects.length} secret(s) or certificate(s) expired or expiring within ${THRESHOLDS.credentialExpiryDays} days (${expired} expired).`,
        },
        byObjects: true,
        evidence: {
          values: { applications: applications.length, expiring: objects.length - expired, expired },
          ...capped(objects),
        },
      };
    },
  }),

  rule({
    id: 'app-credentials-lifetime',
    area: 'apps',
    severity: 'low',
    title: { fr: 'Secrets et certificats à longue durée', en: 'Long-lived secrets and certificates' },
    explanation: {
      fr: 'Plus un secret vit longtemps, plus il a de chances d’avoir fuité : limitez leur durée et faites-les tourner.',
      en: 'The longer a secret lives, the likelier it has leaked: keep lifetimes short and rotate them.',
    },
    references: [zta('21773'), zta('21992')],
    threshold: {
      fr: `Durée de vie de plus de ${THRESHOLDS.credentialLifetimeDays} jours : avertissement (seuil de l’évaluation Zero Trust pour les certificats, appliqué aussi aux secrets).`,
      en: `Lifetime longer than ${THRESHOLDS.credentialLifetimeDays} days: warning (the Zero Trust Assessment's threshold for certificates, applied to secrets too).`,
    },
    sources: ['applications'],
    evaluate: ({ applications }) => {
      const objects: EvidenceObject[] = [];
      for (const app of applications) {
        for (const c of [...app.passwordCredentials, ...app.keyCredentials]) {
          if (!c.startDateTime || !c.endDateTime) continue;
          const days = Math.round((Date.parse(c.endDateTime) - Date.parse(c.startDateTime)) / DAY);
          if (days <= THRESHOLDS.credentialLifetimeDays) continue;
          objects.push({
            id: app.id,
            name: app.displayName ?? app.appId ?? app.id,
            kind: 'application',
            detail: { fr: `Valable ${daysText(days).fr}`, en: `Valid for ${daysText(days).en}` },
          });
        }
      }
      return {
        status: objects.length > 0 ? 'warn' : 'pass',
        verdict: {
          fr: `${objects.length} secret(s) ou certificat(s) valables plus de ${THRESHOLDS.credentialLifetimeDays} jours.`,
          en: `${objects.length} secret(s) or certificate(s) valid for more than ${THRESHOLDS.credentialLifetimeDays} days.`,
        },
        byObjects: true,
        evidence: { values: { longLived: objects.length }, ...capped(objects) },
      };
    },
  }),

  rule({
    id: 'vendor-apps-consented',
    area: 'apps',
    severity: 'medium',
    title: { fr: 'Applications d’éditeurs consenties', en: 'Vendor apps consented' },
    explanation: {
      fr:
        'Les applications d’éditeurs que Sesame connaît (celles que ses procédures font consentir) présentes dans ' +
        'l’organisation, avec les autorisations déléguées accordées. Une application présente sans consentement ' +
        'administrateur pour toute l’organisation (seuls des utilisateurs ont consenti pour eux-mêmes, ou rien) ' +
        'fonctionne pour certains et pas pour d’autres, sans que ses autorisations aient été relues par un administrateur.',
      en:
        'The vendor apps Sesame knows (those its procedures have consented) present in the organisation, with the ' +
        'delegated permissions granted. An app present without an administrator’s consent for the whole ' +
        'organisation (only users consented for themselves, or nothing) works for some and not others, its ' +
        'permissions never reviewed by an administrator.',
    },
    references: [sesame('vendor-apps')],
    threshold: {
      fr: 'Application connue présente sans consentement administrateur (AllPrincipals) : avertissement. Applications connues : Cegid Loop (offres collaboratives).',
      en: 'A known app present without admin consent (AllPrincipals): warning. Known apps: Cegid Loop (collaborative offers).',
    },
    sources: ['vendorServicePrincipals', 'permissionGrants'],
    // Procedure B gives the admin-consent link and verifies what the consent granted.
    fixProcedureId: 'client-collaboration-account',
    evaluate: ({ vendorServicePrincipals, permissionGrants }) => {
      const objects: EvidenceObject[] = [];
      let incomplete = 0;
      for (const sp of vendorServicePrincipals) {
        const known = KNOWN_VENDOR_APPS.find((a) => a.appId.toLowerCase() === sp.appId.toLowerCase());
        if (!known) continue;
        const grants = permissionGrants.filter((g) => g.clientId?.toLowerCase() === sp.id.toLowerCase());
        const admin = [
          ...new Set(
            grants
              .filter((g) => g.consentType === 'AllPrincipals')
              .flatMap((g) => (g.scope ?? '').split(' ').filter((s) => s !== '')),
          ),
        ];
        const users = grants.filter((g) => g.consentType === 'Principal').length;
        const consented = grants.some((g) => g.consentType === 'AllPrincipals');
        if (!consented) incomplete++;
        objects.push({
          id: sp.id,
          name: sp.displayName ?? known.name.en,
          kind: 'servicePrincipal',
          ...(consented ? { inventory: true } : {}),
          detail: consented
            ? {
                fr: `Consentement administrateur : ${admin.join(', ') || 'aucune autorisation déléguée'}${users > 0 ? ` ; ${users} consentement(s) d’utilisateur` : ''}`,
                en: `Admin consent: ${admin.join(', ') || 'no delegated permission'}${users > 0 ? `; ${users} user consent(s)` : ''}`,
              }
            : {
                fr: `Pas de consentement administrateur${users > 0 ? ` : ${users} utilisateur(s) ont consenti pour eux-mêmes` : ''}`,
                en: `No admin consent${users > 0 ? `: ${users} user(s) consented for themselves` : ''}`,
              },
        });
      }
      const present = objects.length;
      return {
        status: incomplete > 0 ? 'warn' : 'pass',
        verdict:
          present === 0
            ? {
                fr: 'Aucune des applications d’éditeurs connues n’est présente dans l’organisation.',
                en: 'None of the known vendor apps is present in the organisation.',
              }
            : {
                fr: `${present} application(s) d’éditeurs connue(s) présente(s), ${incomplete} sans consentement administrateur.`,
                en: `${present} known vendor app(s) present, ${incomplete} without admin consent.`,
              },
        byObjects: true,
        evidence: {
          values: { knownApps: KNOWN_VENDOR_APPS.length, present, withoutAdminConsent: incomplete },
          ...capped(objects),
        },
      };
    },
  }),

  rule({
    id: 'service-accounts',
    area: 'apps',
    severity: 'medium',
    title: { fr: 'Comptes de service', en: 'Service accounts' },
    explanation: {
      fr:
        'Les comptes de service sont ici les comptes que la procédure C de Sesame (compte de service de ' +
        'messagerie) a créés ou repris dans cette organisation, d’après ses exécutions : Sesame ne devine pas ' +
        'qu’un autre compte en est un. Chacun doit être actif, avoir une licence (sa boîte aux lettres) et un mot ' +
        'de passe fort exigé. ApplicationImpersonation ne se lit pas avec Microsoft Graph (Exchange l’a retiré en ' +
        '2025 : la procédure C propose l’application avec Exchange RBAC) ; les secrets d’application qui expirent ' +
        'sont vérifiés par la règle « Secrets et certificats qui expirent ».',
      en:
        'Service accounts here are the accounts Sesame’s procedure C (email service account) created or took over ' +
        'in this organisation, from its runs: Sesame does not guess that another account is one. Each must be ' +
        'enabled, licensed (its mailbox) and have a strong password enforced. ApplicationImpersonation cannot be ' +
        'read with Microsoft Graph (Exchange removed it in 2025: procedure C offers the app with Exchange RBAC ' +
        'instead); expiring app secrets are checked by the "Expiring secrets and certificates" rule.',
    },
    references: [scuba('MS.AAD.5.x'), cipp('AppSecretExpiry'), sesame('procedure-C')],
    threshold: {
      fr: 'Mot de passe fort non exigé (DisableStrongPassword) : échec ; compte désactivé, sans licence ou supprimé : avertissement. Au plus 15 comptes lus (limite de Graph pour « in »).',
      en: 'Strong password not enforced (DisableStrongPassword): fail; account disabled, unlicensed or deleted: warning. At most 15 accounts read (Graph’s limit for "in").',
    },
    sources: ['serviceAccounts'],
    // Procedure C creates the account, licenses it and sets up the app; linked by id, shown only once it exists.
    fixProcedureId: 'email-service-account',
    evaluate: ({ serviceAccounts }) => {
      const { expected, accounts } = serviceAccounts;
      const objects: EvidenceObject[] = [];
      let weak = 0;
      const byId = new Map(accounts.map((a) => [a.id.toLowerCase(), a]));
      for (const id of expected) {
        const a = byId.get(id.toLowerCase());
        if (!a) {
          objects.push({
            id,
            name: id,
            kind: 'user',
            detail: {
              fr: 'Créé par la procédure C, introuvable aujourd’hui (supprimé ?)',
              en: 'Made by procedure C, not found today (deleted?)',
            },
          });
          continue;
        }
        const problems: Localized[] = [];
        const policies = (a.passwordPolicies ?? '').split(',').map((p) => p.trim());
        if (policies.includes('DisableStrongPassword')) {
          weak++;
          problems.push({ fr: 'mot de passe fort non exigé', en: 'strong password not enforced' });
        }
        if (a.accountEnabled === false) problems.push({ fr: 'désactivé', en: 'disabled' });
        if (a.assignedLicenses.length === 0) problems.push({ fr: 'sans licence', en: 'unlicensed' });
        objects.push({
          id: a.id,
          name: a.userPrincipalName ?? a.displayName ?? a.id,
          kind: 'user',
          ...(problems.length === 0 ? { inventory: true } : {}),
          detail:
            problems.length === 0
              ? {
                  fr: `Actif, ${a.assignedLicenses.length} licence(s), mot de passe fort exigé`,
                  en: `Enabled, ${a.assignedLicenses.length} licence(s), strong password enforced`,
                }
              : {
                  fr: problems.map((p) => p.fr).join(', '),
                  en: problems.map((p) => p.en).join(', '),
                },
        });
      }
      const atFault = objects.filter((o) => o.inventory !== true).length;
      return {
        status: weak > 0 ? 'fail' : atFault > 0 ? 'warn' : 'pass',
        verdict:
          expected.length === 0
            ? {
                fr: 'La procédure C de Sesame n’a créé ni repris aucun compte de service dans cette organisation.',
                en: 'Sesame’s procedure C has created or taken over no service account in this organisation.',
              }
            : {
                fr: `${expected.length} compte(s) de service (procédure C), ${atFault} à corriger.`,
                en: `${expected.length} service account(s) (procedure C), ${atFault} to fix.`,
              },
        byObjects: true,
        evidence: {
          values: { serviceAccounts: expected.length, toFix: atFault, weakPassword: weak },
          ...capped(objects),
        },
      };
    },
  }),

  rule({
    id: 'verified-domain',
    area: 'domains',
    severity: 'low',
    title: { fr: 'Domaine personnalisé vérifié', en: 'Verified custom domain' },
    explanation: {
      fr: 'Comptes de service, adresses et approvisionnement automatique ont besoin d’au moins un domaine à vous, vérifié.',
      en: 'Service accounts, addresses and automatic provisioning need at least one domain of yours, verified.',
    },
    references: [sesame('procedure-D')],
    sources: ['domains'],
    // Procedure D adds a custom domain and walks its DNS verification.
    fixProcedureId: 'domain-and-provisioning',
    evaluate: ({ domains }) => {
      const custom = domains.filter((d) => !d.id.toLowerCase().endsWith('.onmicrosoft.com'));
      const verified = custom.filter((d) => d.isVerified === true);
      const unverified = custom.filter((d) => d.isVerified !== true);
      const objects = unverified.map((d): EvidenceObject => ({
        id: d.id,
        name: d.id,
        kind: 'domain',
        detail: { fr: 'Non vérifié', en: 'Not verified' },
      }));
      return {
        status: verified.length > 0 ? 'pass' : 'warn',
        verdict: {
          fr: `${verified.length} domaine(s) personnalisé(s) vérifié(s), ${unverified.length} non vérifié(s).`,
          en: `${verified.length} verified custom domain(s), ${unverified.length} not verified.`,
        },
        evidence: {
          values: { verifiedCustomDomains: verified.map((d) => d.id).join(', ') || null },
          ...capped(objects),
        },
      };
    },
  }),
];

export function findRule(id: string): RuleDefinition | undefined {
  return RULES.find((r) => r.id === id);
}

type AnyOperation = GraphOperation<readonly unknown[], object>;

/** What the viewer lacks to read `source`, from the operation's declaration (scope, property scope, roles). */
export function missingAccess(source: SourceName, failure: SourceFailure): MissingAccess {
  const op = GRAPH_OPERATIONS[SOURCE_OPERATIONS[source]] as unknown as AnyOperation;
  const where = `${op.method} ${op.path}`;
  if (failure.kind === 'failed') {
    return {
      scopes: [],
      roles: [],
      message: {
        fr: `Microsoft Graph n’a pas répondu pour ${where} (${failure.code}${failure.requestId ? `, request-id ${failure.requestId}` : ''}) : réessayez l’actualisation.`,
        en: `Microsoft Graph did not answer ${where} (${failure.code}${failure.requestId ? `, request-id ${failure.requestId}` : ''}): refresh again.`,
      },
    };
  }
  const scopes = [op.permission, op.propertyScope?.scope].filter((s): s is string => !!s);
  const roleIds =
    op.roles.kind === 'anyOf'
      ? [...op.roles.roles]
      : op.propertyScope
        ? [ROLE.globalReader, ROLE.securityReader, ROLE.securityAdministrator]
        : [];
  const roles = roleIds.map(directoryRoleName);
  const roleText = (l: 'fr' | 'en') =>
    roles.length === 0
      ? l === 'fr'
        ? 'un compte membre'
        : 'a member account'
      : roles.map((r) => r[l]).join(l === 'fr' ? ' ou ' : ' or ');
  return {
    scopes,
    roles,
    message: {
      fr: `Illisible avec votre rôle ou vos autorisations : il faut ${roleText('fr')}, et l’autorisation ${scopes.join(' + ')} (${where}).`,
      en: `Cannot be read with your role or scopes: needs ${roleText('en')}, and the ${scopes.join(' + ')} permission (${where}).`,
    },
  };
}

/** Evaluates one rule over the sources: `unknown` naming what is missing when a source it needs was not read. */
export function evaluateRule(
  definition: RuleDefinition,
  data: Partial<SnapshotData>,
  ctx: EvaluationContext,
): RuleResult {
  const values: Record<string, unknown> = {};
  for (const source of definition.sources) {
    const s = data[source];
    if (!s || !s.ok) {
      const failure: SourceFailure =
        s && !s.ok ? s : { ok: false, kind: 'failed', code: 'not_read', message: 'not read' };
      const missing = missingAccess(source, failure);
      return {
        ruleId: definition.id,
        status: 'unknown',
        verdict: missing.message,
        evidence: { values: {}, objects: [] },
        missing,
      };
    }
    values[source] = s.value;
  }
  const found = definition.evaluate(values as never, ctx);
  return {
    ruleId: definition.id,
    ...found,
    ...(found.status === 'unknown' ? { missing: { scopes: [], roles: [], message: found.verdict } } : {}),
  };
}

/** The Graph reads behind a rule, as `GET /path`. */
export function ruleReads(definition: RuleDefinition): string[] {
  return definition.sources.map((s) => {
    const op = GRAPH_OPERATIONS[SOURCE_OPERATIONS[s]] as unknown as AnyOperation;
    return `${op.method} ${op.path}${op.query ? `?${op.query}` : ''}`;
  });
}
