/**
 * The Entra ID directory role templates Sesame reasons about. Template ids are the same in every tenant
 * (they are what the `wids` claim of a delegated token carries and what `roleDefinitionId` takes).
 */
import type { Localized as LocalizedText } from './i18n/locale.js';

export const ROLE = {
  globalAdministrator: '62e90394-69f5-4237-9190-012177145e10',
  privilegedRoleAdministrator: 'e8611ab8-c189-46e8-94e1-60213ab1f814',
  userAdministrator: 'fe930be7-5e62-47db-91af-98c3a49a38b1',
  guestInviter: '95e79109-95c0-4d8e-aee3-d01accf2d47b',
  licenseAdministrator: '4d6ac14f-3453-41d0-bef9-a3e0c569773a',
  applicationAdministrator: '9b895d92-2cd3-44c7-9d02-a6ac2d5ea5c3',
  cloudApplicationAdministrator: '158c047a-c907-4556-b7ef-446551a6b5f7',
  globalReader: 'f2ef992c-3afb-46b9-b7cf-a126ee74c451',
  securityReader: '5d6b6bb7-de71-4623-b4af-96380a352509',
  hybridIdentityAdministrator: '8ac3fc64-6eca-42ea-9e69-59f4c7b60eb2',
  domainNameAdministrator: '8329153b-31d0-4727-b945-745eb3bc5f31',
  securityAdministrator: '194ae4cb-b126-40b2-bd5b-6091b380977d',
  securityOperator: '5f2222b1-57c3-48ba-8ad5-d4759f1fde6f',
  cloudDeviceAdministrator: '7698a772-787b-4ac8-901f-60d6b08affd2',
  directoryReaders: '88d8e3e3-8f55-4a1e-953a-9b9898b8876b',
  directoryWriters: '9360feb5-f418-4baa-8175-e2a00bac4301',
  privilegedAuthenticationAdministrator: '7be44c8a-adaf-4e2a-84d6-ab2649e08a13',
} as const;

export type RoleKey = keyof typeof ROLE;
export type RoleTemplateId = (typeof ROLE)[RoleKey];

export interface DirectoryRole {
  readonly key: RoleKey;
  readonly templateId: RoleTemplateId;
  /** Names as the Entra admin center shows them in each language. */
  readonly name: LocalizedText;
}

export const DIRECTORY_ROLES: readonly DirectoryRole[] = [
  {
    key: 'globalAdministrator',
    templateId: ROLE.globalAdministrator,
    name: { fr: 'Administrateur général', en: 'Global Administrator' },
  },
  {
    key: 'privilegedRoleAdministrator',
    templateId: ROLE.privilegedRoleAdministrator,
    name: { fr: 'Administrateur de rôle privilégié', en: 'Privileged Role Administrator' },
  },
  {
    key: 'userAdministrator',
    templateId: ROLE.userAdministrator,
    name: { fr: 'Administrateur d’utilisateurs', en: 'User Administrator' },
  },
  { key: 'guestInviter', templateId: ROLE.guestInviter, name: { fr: 'Inviteur', en: 'Guest Inviter' } },
  {
    key: 'licenseAdministrator',
    templateId: ROLE.licenseAdministrator,
    name: { fr: 'Administrateur de licence', en: 'License Administrator' },
  },
  {
    key: 'applicationAdministrator',
    templateId: ROLE.applicationAdministrator,
    name: { fr: 'Administrateur d’application', en: 'Application Administrator' },
  },
  {
    key: 'cloudApplicationAdministrator',
    templateId: ROLE.cloudApplicationAdministrator,
    name: { fr: 'Administrateur d’applications cloud', en: 'Cloud Application Administrator' },
  },
  {
    key: 'globalReader',
    templateId: ROLE.globalReader,
    name: { fr: 'Lecteur général', en: 'Global Reader' },
  },
  {
    key: 'securityReader',
    templateId: ROLE.securityReader,
    name: { fr: 'Lecteur de sécurité', en: 'Security Reader' },
  },
  {
    key: 'hybridIdentityAdministrator',
    templateId: ROLE.hybridIdentityAdministrator,
    name: { fr: 'Administrateur d’identités hybrides', en: 'Hybrid Identity Administrator' },
  },
  {
    key: 'domainNameAdministrator',
    templateId: ROLE.domainNameAdministrator,
    name: { fr: 'Administrateur de noms de domaine', en: 'Domain Name Administrator' },
  },
  {
    key: 'securityAdministrator',
    templateId: ROLE.securityAdministrator,
    name: { fr: 'Administrateur de la sécurité', en: 'Security Administrator' },
  },
  {
    key: 'securityOperator',
    templateId: ROLE.securityOperator,
    name: { fr: 'Opérateur de sécurité', en: 'Security Operator' },
  },
  {
    key: 'cloudDeviceAdministrator',
    templateId: ROLE.cloudDeviceAdministrator,
    name: { fr: 'Administrateur d’appareils cloud', en: 'Cloud Device Administrator' },
  },
  {
    key: 'directoryReaders',
    templateId: ROLE.directoryReaders,
    name: { fr: 'Lecteurs de répertoire', en: 'Directory Readers' },
  },
  {
    key: 'directoryWriters',
    templateId: ROLE.directoryWriters,
    name: { fr: 'Enregistreurs de répertoire', en: 'Directory Writers' },
  },
  {
    key: 'privilegedAuthenticationAdministrator',
    templateId: ROLE.privilegedAuthenticationAdministrator,
    name: {
      fr: 'Administrateur d’authentification privilégié',
      en: 'Privileged Authentication Administrator',
    },
  },
];

const byTemplateId = new Map<string, DirectoryRole>(DIRECTORY_ROLES.map((r) => [r.templateId, r]));

export function findDirectoryRole(templateId: string): DirectoryRole | undefined {
  return byTemplateId.get(templateId.toLowerCase());
}

/** The role's display name, or the raw template id for a role Sesame does not know. */
export function directoryRoleName(templateId: string): LocalizedText {
  return findDirectoryRole(templateId)?.name ?? { fr: templateId, en: templateId };
}

/**
 * Whether a set of held roles (a token's `wids`) satisfies an any-of requirement. An empty requirement is
 * always satisfied; a Global Administrator satisfies every requirement, as in Entra ID itself.
 */
export function holdsAnyRole(held: readonly string[], anyOf: readonly string[]): boolean {
  if (anyOf.length === 0) return true;
  const set = new Set(held.map((r) => r.toLowerCase()));
  if (set.has(ROLE.globalAdministrator)) return true;
  return anyOf.some((r) => set.has(r.toLowerCase()));
}
