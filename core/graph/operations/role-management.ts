/** Directory role management: active assignments, PIM eligibilities, and who holds a role. */
import { ROLE } from '../../directory-roles.js';
import { odataString, operation, readsShape, type GraphAnswer } from '../operation.js';
import { shape, type Shaped } from '../shape.js';

const ROLE_ASSIGNMENT = shape({
  id: 'id',
  principalId: 'id',
  /** Role template id for built-in roles. */
  roleDefinitionId: 'id',
  /** '/' = the whole directory */
  directoryScopeId: 'string',
});
export type RoleAssignment = Shaped<typeof ROLE_ASSIGNMENT>;

export interface RoleAssignmentList {
  readonly assignments: readonly RoleAssignment[];
}

export interface RoleAssignmentQuery {
  readonly principalId?: string;
  readonly roleDefinitionId?: string;
}

export interface AssignDirectoryRoleRequest {
  readonly principalId: string;
  readonly roleDefinitionId: string;
  /** '/' = the whole directory */
  readonly directoryScopeId: '/';
}

const ROLE_ELIGIBILITY = shape({
  id: 'id',
  principalId: 'id',
  roleDefinitionId: 'id',
  directoryScopeId: 'string',
  /** 'Direct' | 'Group' */
  memberType: 'string',
  startDateTime: 'string',
  /** When the eligibility ends (ISO), null when it does not expire. */
  endDateTime: 'string',
});

/** A PIM eligibility in effect now (unifiedRoleEligibilityScheduleInstance): the role can be activated. */
export type RoleEligibility = Shaped<typeof ROLE_ELIGIBILITY> & {
  /** Filled when the principal was expanded. */
  readonly displayName: string | null;
  readonly userPrincipalName: string | null;
};

export interface RoleEligibilityList {
  readonly eligibilities: readonly RoleEligibility[];
}

export interface RoleHolder {
  readonly principalId: string;
  readonly displayName: string | null;
  readonly userPrincipalName: string | null;
  /** '#microsoft.graph.user', '#microsoft.graph.group', '#microsoft.graph.servicePrincipal' */
  readonly principalType: string | null;
  /** The role assignment's id, or the eligibility instance's id for eligible holders. */
  readonly assignmentId: string;
}

export interface RoleHolderList {
  readonly roleTemplateId: string;
  readonly holders: readonly RoleHolder[];
}

function roleFilter(query: RoleAssignmentQuery): string | undefined {
  const clauses: string[] = [];
  if (query.principalId !== undefined) clauses.push(`principalId eq ${odataString(query.principalId)}`);
  if (query.roleDefinitionId !== undefined)
    clauses.push(`roleDefinitionId eq ${odataString(query.roleDefinitionId)}`);
  return clauses.length ? clauses.join(' and ') : undefined;
}

/** The expanded principal's name fields (null when not expanded). */
function principalNames(item: unknown): {
  displayName: string | null;
  userPrincipalName: string | null;
  type: string | null;
} {
  const p = item && typeof item === 'object' ? (item as { principal?: unknown }).principal : undefined;
  const o = (p && typeof p === 'object' && !Array.isArray(p) ? p : {}) as Readonly<Record<string, unknown>>;
  const text = (k: string) => (typeof o[k] === 'string' ? (o[k] as string) : null);
  return {
    displayName: text('displayName'),
    userPrincipalName: text('userPrincipalName'),
    type: text('@odata.type'),
  };
}

/** A role assignment or eligibility with what the checklist needs of its principal. */
export interface DirectoryRoleGrant {
  readonly id: string;
  readonly principalId: string;
  readonly roleDefinitionId: string;
  readonly directoryScopeId: string | null;
  readonly kind: 'active' | 'eligible';
  readonly principal: {
    readonly displayName: string | null;
    readonly userPrincipalName: string | null;
    /** '#microsoft.graph.user' | '#microsoft.graph.group' | '#microsoft.graph.servicePrincipal' */
    readonly type: string | null;
    /** 'Member' | 'Guest' for users, null otherwise or when not expanded. */
    readonly userType: string | null;
  };
}

function readGrant(item: unknown, answer: GraphAnswer, kind: 'active' | 'eligible'): DirectoryRoleGrant {
  const a = answer.shape(
    { id: 'id', principalId: 'id', roleDefinitionId: 'id', directoryScopeId: 'string' },
    item,
  );
  const names = principalNames(item);
  const p = (item as { principal?: { userType?: unknown } }).principal;
  return {
    ...a,
    kind,
    principal: {
      displayName: names.displayName,
      userPrincipalName: names.userPrincipalName,
      type: names.type,
      userType: p && typeof p.userType === 'string' ? p.userType : null,
    },
  };
}

function readEligibilities(body: unknown, answer: GraphAnswer): RoleEligibilityList {
  return {
    eligibilities: answer.items(body).map((e) => {
      const { displayName, userPrincipalName } = principalNames(e);
      return { ...answer.shape(ROLE_ELIGIBILITY, e), displayName, userPrincipalName };
    }),
  };
}

function readHolders(roleTemplateId: string, body: unknown, answer: GraphAnswer): RoleHolderList {
  const holders = answer.items(body).map((item): RoleHolder => {
    const a = answer.shape({ id: 'id', principalId: 'id' }, item);
    const names = principalNames(item);
    return {
      principalId: a.principalId,
      displayName: names.displayName,
      userPrincipalName: names.userPrincipalName,
      principalType: names.type,
      assignmentId: a.id,
    };
  });
  return { roleTemplateId, holders };
}

/** PIM reads: Microsoft's least privileged roles for roleEligibilityScheduleInstances. */
const PIM_READ_ROLES = [
  ROLE.globalReader,
  ROLE.securityReader,
  ROLE.securityAdministrator,
  ROLE.privilegedRoleAdministrator,
];

const EXAMPLE_ID = '0f6c4e1a-0000-4000-8000-000000000001';

export const roleManagementOperations = {
  /** Active assignments, filtered on principal and/or role (either clause omitted when not given). */
  listRoleAssignments: operation<[query: RoleAssignmentQuery], RoleAssignmentList>({
    resource: 'role-management',
    method: 'GET',
    path: '/roleManagement/directory/roleAssignments',
    query: "$filter=principalId eq '{principalId}' and roleDefinitionId eq '{roleDefinitionId}'",
    paging: 'all',
    permission: 'RoleManagement.Read.Directory',
    roles: { kind: 'member' },
    purpose: 'A: is the Guest Inviter role assigned; E: does the admin hold Global Administrator',
    example: [{ principalId: EXAMPLE_ID, roleDefinitionId: ROLE.globalAdministrator }],
    request: (query) => ({ query: { $filter: roleFilter(query) } }),
    read: (body, answer) => ({
      assignments: answer.items(body).map((a) => answer.shape(ROLE_ASSIGNMENT, a)),
    }),
  }),

  /**
   * A duplicate answers 400 "conflicting object" → graph_conflict; a principal that has not replicated yet
   * answers 404 → graph_not_found.
   */
  assignDirectoryRole: operation<[request: AssignDirectoryRoleRequest], RoleAssignment>({
    resource: 'role-management',
    method: 'POST',
    path: '/roleManagement/directory/roleAssignments',
    paging: 'one',
    permission: 'RoleManagement.ReadWrite.Directory',
    roles: { kind: 'anyOf', roles: [ROLE.privilegedRoleAdministrator] },
    purpose: 'A: assign the Guest Inviter role, directoryScopeId /',
    example: [{ principalId: EXAMPLE_ID, roleDefinitionId: ROLE.guestInviter, directoryScopeId: '/' }],
    request: (r) => ({
      body: {
        principalId: r.principalId,
        roleDefinitionId: r.roleDefinitionId,
        directoryScopeId: r.directoryScopeId,
      },
    }),
    read: readsShape(ROLE_ASSIGNMENT),
  }),

  /** Who holds a role (active assignments), with each principal's name. */
  listRoleHolders: operation<[roleTemplateId: string], RoleHolderList>({
    resource: 'role-management',
    method: 'GET',
    path: '/roleManagement/directory/roleAssignments',
    query: "$filter=roleDefinitionId eq '{roleTemplateId}'&$expand=principal",
    paging: 'all',
    permission: 'RoleManagement.Read.Directory',
    roles: { kind: 'member' },
    purpose: 'pre-flight: who holds the role you lack; E: the Global Administrators to ask',
    example: [ROLE.globalAdministrator],
    request: (roleTemplateId) => ({
      query: { $filter: roleFilter({ roleDefinitionId: roleTemplateId }), $expand: 'principal' },
    }),
    read: (body, answer, roleTemplateId) => readHolders(roleTemplateId, body, answer),
  }),

  /** PIM: the roles a principal may activate now (eligibility instances), filtered like listRoleAssignments. */
  listRoleEligibilities: operation<[query: RoleAssignmentQuery], RoleEligibilityList>({
    resource: 'role-management',
    method: 'GET',
    path: '/roleManagement/directory/roleEligibilityScheduleInstances',
    query: "$filter=principalId eq '{principalId}' and roleDefinitionId eq '{roleDefinitionId}'",
    paging: 'all',
    permission: 'RoleEligibilitySchedule.Read.Directory',
    roles: { kind: 'anyOf', roles: PIM_READ_ROLES },
    purpose: 'E: is the admin eligible for Global Administrator through PIM',
    example: [{ principalId: EXAMPLE_ID, roleDefinitionId: ROLE.globalAdministrator }],
    request: (query) => ({ query: { $filter: roleFilter(query) } }),
    read: readEligibilities,
  }),

  /** PIM's "My roles": the signed-in admin's own eligibilities, which every member may read. */
  listMyRoleEligibilities: operation<[roleDefinitionId?: string], RoleEligibilityList>({
    resource: 'role-management',
    method: 'GET',
    path: "/roleManagement/directory/roleEligibilityScheduleInstances/filterByCurrentUser(on='{on}')",
    query: "$filter=roleDefinitionId eq '{roleDefinitionId}'",
    paging: 'all',
    permission: 'RoleEligibilitySchedule.Read.Directory',
    roles: { kind: 'member' },
    purpose: 'E: may the signed-in admin activate Global Administrator (an admin without a reader role too)',
    example: [ROLE.globalAdministrator],
    request: (roleDefinitionId) => ({
      path: "/roleManagement/directory/roleEligibilityScheduleInstances/filterByCurrentUser(on='principal')",
      query: { $filter: roleDefinitionId === undefined ? undefined : roleFilter({ roleDefinitionId }) },
    }),
    read: readEligibilities,
  }),

  /**
   * Who may activate a role through PIM, with each principal's name (Entra lets only privileged readers list
   * other people's eligibilities: others get graph_forbidden).
   */
  listRoleEligibilityHolders: operation<[roleTemplateId: string], RoleEligibilityList>({
    resource: 'role-management',
    method: 'GET',
    path: '/roleManagement/directory/roleEligibilityScheduleInstances',
    query: "$filter=roleDefinitionId eq '{roleTemplateId}'&$expand=principal",
    paging: 'all',
    permission: 'RoleEligibilitySchedule.Read.Directory',
    roles: { kind: 'anyOf', roles: PIM_READ_ROLES },
    purpose: 'E: the eligible Global Administrators to ask',
    example: [ROLE.globalAdministrator],
    request: (roleTemplateId) => ({
      query: { $filter: roleFilter({ roleDefinitionId: roleTemplateId }), $expand: 'principal' },
    }),
    read: readEligibilities,
  }),

  /**
   * Every PIM eligibility in effect with its principal: who may activate a role. The checklist counts guests
   * eligible for a role with those holding one (an eligible guest admin is one activation away).
   */
  listAllRoleEligibilities: operation<[], { readonly eligibilities: readonly DirectoryRoleGrant[] }>({
    resource: 'role-management',
    method: 'GET',
    path: '/roleManagement/directory/roleEligibilityScheduleInstances',
    query: '$expand=principal',
    paging: 'all',
    permission: 'RoleEligibilitySchedule.Read.Directory',
    roles: { kind: 'anyOf', roles: PIM_READ_ROLES },
    purpose: 'checklist: guests eligible for a directory role',
    example: [],
    request: () => ({ query: { $expand: 'principal' } }),
    read: (body, answer) => ({
      eligibilities: answer.items(body).map((a) => readGrant(a, answer, 'eligible')),
    }),
  }),

  /**
   * Every active directory role assignment with its principal (users, groups, service principals): a tenant has
   * a few dozen, not one per user. The checklist counts Global Administrators, lists Guest Inviters and finds
   * guests holding any role.
   */
  listAllRoleAssignments: operation<[], { readonly assignments: readonly DirectoryRoleGrant[] }>({
    resource: 'role-management',
    method: 'GET',
    path: '/roleManagement/directory/roleAssignments',
    query: '$expand=principal',
    paging: 'all',
    permission: 'RoleManagement.Read.Directory',
    roles: { kind: 'member' },
    purpose: 'checklist: Global Administrators, Guest Inviters, guests with a directory role',
    example: [],
    request: () => ({ query: { $expand: 'principal' } }),
    read: (body, answer) => ({ assignments: answer.items(body).map((a) => readGrant(a, answer, 'active')) }),
  }),
};
