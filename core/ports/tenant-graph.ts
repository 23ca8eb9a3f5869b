/**
 * The Microsoft Graph port: the typed v1.0 operations Sesame performs with the signed-in admin's delegated
 * token. The adapter (adapters/graph, over @microsoft/microsoft-graph-client) implements it against Graph
 * or the sandbox tenant; it retries 429/503 honouring Retry-After, follows @odata.nextLink, sends
 * ConsistencyLevel where noted, and maps every failure to one GraphError (core/errors.ts):
 *
 * | Graph answer | GraphError code |
 * |---|---|
 * | 401 | graph_unauthorized |
 * | 403 (Authorization_RequestDenied…) | graph_forbidden |
 * | 404 (Request_ResourceNotFound…) | graph_not_found |
 * | 409, and 400 whose message says "conflicting object" (a duplicate role assignment) | graph_conflict |
 * | other 400 | graph_bad_request |
 * | 429 after retries | graph_throttled |
 * | 502/503/504 after retries | graph_unavailable |
 * | no answer | graph_network |
 * | anything else | graph_unexpected |
 *
 * Every result carries Graph's `request-id` response header as `requestId` (for the audit log and support).
 * Arguments and results are plain JSON: the run engine passes operations around as data
 * (`{ op: 'getUser', args: ['…id…'] }`).
 */

/** Graph's `request-id` header of the response ('' if Graph sent none). */
export interface GraphResponseMeta {
  readonly requestId: string;
}

export interface MeUser extends GraphResponseMeta {
  readonly id: string;
  readonly displayName: string | null;
  readonly userPrincipalName: string | null;
  /** 'Member' | 'Guest' */
  readonly userType: string | null;
  readonly mail: string | null;
}

/** The part of /policies/authorizationPolicy Sesame reads. */
export interface AuthorizationPolicy extends GraphResponseMeta {
  readonly id: string;
  /** 'none' | 'adminsAndGuestInviters' | 'adminsGuestInvitersAndAllMembers' | 'everyone' */
  readonly allowInvitesFrom: string;
  /** Guest role template: restricted 2af84b1e-…, limited 10dae51f-…, same as members a0b1b346-… */
  readonly guestUserRoleId: string | null;
  readonly allowEmailVerifiedUsersToJoinOrganization: boolean | null;
  readonly allowedToSignUpEmailBasedSubscriptions: boolean | null;
  readonly defaultUserRolePermissions: {
    readonly allowedToCreateApps: boolean | null;
    readonly allowedToCreateSecurityGroups: boolean | null;
    readonly allowedToReadOtherUsers: boolean | null;
    readonly permissionGrantPoliciesAssigned: readonly string[];
  } | null;
}

export interface DirectoryUser {
  readonly id: string;
  readonly displayName: string | null;
  readonly mail: string | null;
  readonly userPrincipalName: string | null;
  /** 'Member' | 'Guest' */
  readonly userType: string | null;
  /** 'PendingAcceptance' | 'Accepted' | null (members) */
  readonly externalUserState: string | null;
  readonly externalUserStateChangeDateTime: string | null;
  readonly createdDateTime: string | null;
}

export interface UserList extends GraphResponseMeta {
  readonly users: readonly DirectoryUser[];
}

export type UserResult = DirectoryUser & GraphResponseMeta;

export interface InviteGuestRequest {
  readonly email: string;
  /** Where the guest lands after redeeming, e.g. https://myapps.microsoft.com */
  readonly redirectUrl: string;
  readonly sendInvitationMessage: boolean;
  /** BCP 47, e.g. 'fr-FR' */
  readonly messageLanguage?: string;
  readonly customizedMessageBody?: string;
}

export interface InvitationResult extends GraphResponseMeta {
  readonly invitationId: string;
  /** The guest user created (or found) by the invitation: invitedUser.id */
  readonly userId: string;
  /** 'PendingAcceptance' | 'Completed' | 'InProgress' | 'Error' */
  readonly status: string;
  /** Redemption link: a credential-like URL; shown once at most, never stored in the audit log. */
  readonly redeemUrl: string | null;
}

export interface RoleAssignment {
  readonly id: string;
  readonly principalId: string;
  /** Role template id for built-in roles. */
  readonly roleDefinitionId: string;
  readonly directoryScopeId: string;
}

export interface RoleAssignmentList extends GraphResponseMeta {
  readonly assignments: readonly RoleAssignment[];
}

export type RoleAssignmentResult = RoleAssignment & GraphResponseMeta;

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

export interface RoleHolder {
  readonly principalId: string;
  readonly displayName: string | null;
  readonly userPrincipalName: string | null;
  /** '#microsoft.graph.user', '#microsoft.graph.group', '#microsoft.graph.servicePrincipal' */
  readonly principalType: string | null;
  readonly assignmentId: string;
}

export interface RoleHolderList extends GraphResponseMeta {
  readonly roleTemplateId: string;
  readonly holders: readonly RoleHolder[];
}

/** A PIM eligibility in effect now (unifiedRoleEligibilityScheduleInstance): the role can be activated. */
export interface RoleEligibility {
  readonly id: string;
  readonly principalId: string;
  readonly roleDefinitionId: string;
  readonly directoryScopeId: string | null;
  /** When the eligibility ends (ISO), null when it does not expire. */
  readonly endDateTime: string | null;
  /** Filled when the principal was expanded. */
  readonly displayName: string | null;
  readonly userPrincipalName: string | null;
}

export interface RoleEligibilityList extends GraphResponseMeta {
  readonly eligibilities: readonly RoleEligibility[];
}

export interface TenantGraph {
  /** `GET /me?$select=id,displayName,userPrincipalName,userType,mail` */
  getMe(): Promise<MeUser>;

  /** `GET /policies/authorizationPolicy` (Policy.Read.All). */
  getAuthorizationPolicy(): Promise<AuthorizationPolicy>;

  /**
   * Users whose mail or one of whose otherMails is `mail` (guests carry the invited address there):
   * `GET /users?$filter=mail eq '{mail}' or otherMails/any(m:m eq '{mail}')&$count=true
   *  &$select=id,displayName,mail,userPrincipalName,userType,externalUserState,externalUserStateChangeDateTime,createdDateTime`
   * with header `ConsistencyLevel: eventual` (needed for the lambda filter). Single quotes in `mail` are
   * doubled. User.Read.All.
   */
  findUsersByMail(mail: string): Promise<UserList>;

  /** `GET /users/{id}?$select=` the same fields as findUsersByMail. 404 → graph_not_found. */
  getUser(id: string): Promise<UserResult>;

  /**
   * `POST /invitations` with `{ invitedUserEmailAddress, inviteRedirectUrl, sendInvitationMessage,
   * invitedUserMessageInfo: { messageLanguage, customizedMessageBody } }` (User.Invite.All). Inviting an
   * address that already has a guest re-sends the invitation to that same user.
   */
  inviteGuest(request: InviteGuestRequest): Promise<InvitationResult>;

  /**
   * `GET /roleManagement/directory/roleAssignments?$filter=principalId eq '{p}' and roleDefinitionId eq '{r}'`
   * (either clause omitted when not given; RoleManagement.Read.Directory).
   */
  listRoleAssignments(query: RoleAssignmentQuery): Promise<RoleAssignmentList>;

  /**
   * `POST /roleManagement/directory/roleAssignments` with `{ principalId, roleDefinitionId, directoryScopeId }`
   * (RoleManagement.ReadWrite.Directory). A duplicate answers 400 "conflicting object" → graph_conflict; a
   * principal that has not replicated yet answers 404 → graph_not_found.
   */
  assignDirectoryRole(request: AssignDirectoryRoleRequest): Promise<RoleAssignmentResult>;

  /**
   * Who holds a role: `GET /roleManagement/directory/roleAssignments?$filter=roleDefinitionId eq '{id}'
   * &$expand=principal` → each principal's displayName and userPrincipalName.
   */
  listRoleHolders(roleTemplateId: string): Promise<RoleHolderList>;

  /**
   * The signed-in admin's own PIM eligibilities in effect now: `GET /roleManagement/directory/
   * roleEligibilityScheduleInstances/filterByCurrentUser(on='principal')` (RoleEligibilitySchedule.Read.Directory;
   * PIM's "My roles", open to every member).
   */
  listMyRoleEligibilities(): Promise<RoleEligibilityList>;

  /**
   * Who may activate a role through PIM: `GET /roleManagement/directory/roleEligibilityScheduleInstances
   * ?$filter=roleDefinitionId eq '{id}'&$expand=principal` (RoleEligibilitySchedule.Read.Directory; Entra lets
   * only privileged readers list other people's eligibilities: others get graph_forbidden).
   */
  listRoleEligibilityHolders(roleTemplateId: string): Promise<RoleEligibilityList>;
}

export type GraphOpName = keyof TenantGraph;

/** One Graph operation as data: what a `graph` effect carries. */
export type GraphCall = {
  [K in GraphOpName]: { readonly op: K; readonly args: Parameters<TenantGraph[K]> };
}[GraphOpName];

export type GraphOpResult<K extends GraphOpName> = Awaited<ReturnType<TenantGraph[K]>>;

/** Runs a GraphCall against a TenantGraph (the one place an operation name turns into a method call). */
export function performGraphCall(graph: TenantGraph, call: GraphCall): Promise<unknown> {
  const method = graph[call.op] as (...args: readonly unknown[]) => Promise<unknown>;
  if (typeof method !== 'function') throw new TypeError(`unknown Graph operation ${String(call.op)}`);
  return method.apply(graph, [...(call.args as readonly unknown[])]);
}
