import type {
  AssignDirectoryRoleRequest,
  AuthorizationPolicy,
  DirectoryUser,
  InvitationResult,
  InviteGuestRequest,
  MeUser,
  RoleAssignment,
  RoleAssignmentList,
  RoleAssignmentQuery,
  RoleAssignmentResult,
  RoleHolder,
  RoleHolderList,
  TenantGraph,
  UserList,
  UserResult,
  RoleEligibility,
  RoleEligibilityList,
} from '../../core/ports/tenant-graph.js';
import { graphUnexpectedAnswer } from './graph-errors.js';
import { createGraphTransport, type GraphTransport, type GraphTransportOptions } from './graph-transport.js';

export type TenantGraphOptions = GraphTransportOptions;

const USER_FIELDS = [
  'id',
  'displayName',
  'mail',
  'userPrincipalName',
  'userType',
  'externalUserState',
  'externalUserStateChangeDateTime',
  'createdDateTime',
].join(',');

const ME_FIELDS = 'id,displayName,userPrincipalName,userType,mail';

/** An OData string literal: single quotes doubled, then quoted. */
export function odataString(value: string): string {
  return `'${value.replace(/'/g, "''")}'`;
}

/** A query string with each value percent-encoded (a literal may hold `&`, `#`, `+`…). */
export function queryString(params: Readonly<Record<string, string | undefined>>): string {
  const parts = Object.entries(params)
    .filter((e): e is [string, string] => e[1] !== undefined)
    .map(([k, v]) => `${k}=${encodeURIComponent(v)}`);
  return parts.length ? `?${parts.join('&')}` : '';
}

type Json = Record<string, unknown>;

const str = (v: unknown): string | null => (typeof v === 'string' ? v : null);
const bool = (v: unknown): boolean | null => (typeof v === 'boolean' ? v : null);

function requiredString(body: Json, key: string, method: string, path: string, requestId: string): string {
  const v = body[key];
  if (typeof v !== 'string' || v === '')
    throw graphUnexpectedAnswer(method, path, requestId, `the answer has no ${key}`);
  return v;
}

function asObject(body: unknown, method: string, path: string, requestId: string): Json {
  if (!body || typeof body !== 'object' || Array.isArray(body)) {
    throw graphUnexpectedAnswer(method, path, requestId, 'the answer is not a JSON object');
  }
  return body as Json;
}

function toDirectoryUser(u: Json, path: string, requestId: string): DirectoryUser {
  return {
    id: requiredString(u, 'id', 'GET', path, requestId),
    displayName: str(u.displayName),
    mail: str(u.mail),
    userPrincipalName: str(u.userPrincipalName),
    userType: str(u.userType),
    externalUserState: str(u.externalUserState),
    externalUserStateChangeDateTime: str(u.externalUserStateChangeDateTime),
    createdDateTime: str(u.createdDateTime),
  };
}

function toRoleAssignment(a: Json, method: string, path: string, requestId: string): RoleAssignment {
  return {
    id: requiredString(a, 'id', method, path, requestId),
    principalId: requiredString(a, 'principalId', method, path, requestId),
    roleDefinitionId: requiredString(a, 'roleDefinitionId', method, path, requestId),
    directoryScopeId: str(a.directoryScopeId) ?? '/',
  };
}

function roleAssignmentFilter(query: RoleAssignmentQuery): string | undefined {
  const clauses: string[] = [];
  if (query.principalId !== undefined) clauses.push(`principalId eq ${odataString(query.principalId)}`);
  if (query.roleDefinitionId !== undefined)
    clauses.push(`roleDefinitionId eq ${odataString(query.roleDefinitionId)}`);
  return clauses.length ? clauses.join(' and ') : undefined;
}

/** The TenantGraph port over a GraphTransport (the checklist shares the transport for $batch reads). */
export function tenantGraphOver(transport: GraphTransport): TenantGraph {
  return {
    async getMe(): Promise<MeUser> {
      const path = '/me';
      const res = await transport.request('GET', `${path}${queryString({ $select: ME_FIELDS })}`);
      const me = asObject(res.body, 'GET', path, res.requestId);
      return {
        id: requiredString(me, 'id', 'GET', path, res.requestId),
        displayName: str(me.displayName),
        userPrincipalName: str(me.userPrincipalName),
        userType: str(me.userType),
        mail: str(me.mail),
        requestId: res.requestId,
      };
    },

    async getAuthorizationPolicy(): Promise<AuthorizationPolicy> {
      const path = '/policies/authorizationPolicy';
      const res = await transport.request('GET', path);
      let body = asObject(res.body, 'GET', path, res.requestId);
      // Graph once answered this singleton as a collection; accept both shapes.
      if (Array.isArray(body.value)) body = asObject(body.value[0], 'GET', path, res.requestId);
      const perms = body.defaultUserRolePermissions as Json | null | undefined;
      return {
        id: requiredString(body, 'id', 'GET', path, res.requestId),
        allowInvitesFrom: requiredString(body, 'allowInvitesFrom', 'GET', path, res.requestId),
        guestUserRoleId: str(body.guestUserRoleId),
        allowEmailVerifiedUsersToJoinOrganization: bool(body.allowEmailVerifiedUsersToJoinOrganization),
        allowedToSignUpEmailBasedSubscriptions: bool(body.allowedToSignUpEmailBasedSubscriptions),
        defaultUserRolePermissions:
          perms && typeof perms === 'object'
            ? {
                allowedToCreateApps: bool(perms.allowedToCreateApps),
                allowedToCreateSecurityGroups: bool(perms.allowedToCreateSecurityGroups),
                allowedToReadOtherUsers: bool(perms.allowedToReadOtherUsers),
                permissionGrantPoliciesAssigned: Array.isArray(perms.permissionGrantPoliciesAssigned)
                  ? perms.permissionGrantPoliciesAssigned.filter((p): p is string => typeof p === 'string')
                  : [],
              }
            : null,
        requestId: res.requestId,
      };
    },

    async findUsersByMail(mail: string): Promise<UserList> {
      const path = '/users';
      const literal = odataString(mail);
      const query = queryString({
        $filter: `mail eq ${literal} or otherMails/any(m:m eq ${literal})`,
        $count: 'true',
        $select: USER_FIELDS,
      });
      const pages = await transport.getAllPages<Json>(`${path}${query}`, {
        // The lambda on otherMails is an advanced query: Graph wants both $count=true and this header.
        headers: { ConsistencyLevel: 'eventual' },
      });
      return {
        users: pages.items.map((u) => toDirectoryUser(u, path, pages.requestId)),
        requestId: pages.requestId,
      };
    },

    async getUser(id: string): Promise<UserResult> {
      const path = `/users/${encodeURIComponent(id)}`;
      const res = await transport.request('GET', `${path}${queryString({ $select: USER_FIELDS })}`);
      const user = toDirectoryUser(
        asObject(res.body, 'GET', '/users/{id}', res.requestId),
        '/users/{id}',
        res.requestId,
      );
      return { ...user, requestId: res.requestId };
    },

    async inviteGuest(request: InviteGuestRequest): Promise<InvitationResult> {
      const path = '/invitations';
      const messageInfo = {
        ...(request.messageLanguage !== undefined ? { messageLanguage: request.messageLanguage } : {}),
        ...(request.customizedMessageBody !== undefined
          ? { customizedMessageBody: request.customizedMessageBody }
          : {}),
      };
      const res = await transport.request('POST', path, {
        body: {
          invitedUserEmailAddress: request.email,
          inviteRedirectUrl: request.redirectUrl,
          sendInvitationMessage: request.sendInvitationMessage,
          ...(Object.keys(messageInfo).length ? { invitedUserMessageInfo: messageInfo } : {}),
        },
      });
      const body = asObject(res.body, 'POST', path, res.requestId);
      const invitedUser = asObject(body.invitedUser, 'POST', path, res.requestId);
      return {
        invitationId: requiredString(body, 'id', 'POST', path, res.requestId),
        userId: requiredString(invitedUser, 'id', 'POST', path, res.requestId),
        status: str(body.status) ?? '',
        redeemUrl: str(body.inviteRedeemUrl),
        requestId: res.requestId,
      };
    },

    async listRoleAssignments(query: RoleAssignmentQuery): Promise<RoleAssignmentList> {
      const path = '/roleManagement/directory/roleAssignments';
      const pages = await transport.getAllPages<Json>(
        `${path}${queryString({ $filter: roleAssignmentFilter(query) })}`,
      );
      return {
        assignments: pages.items.map((a) => toRoleAssignment(a, 'GET', path, pages.requestId)),
        requestId: pages.requestId,
      };
    },

    async assignDirectoryRole(request: AssignDirectoryRoleRequest): Promise<RoleAssignmentResult> {
      const path = '/roleManagement/directory/roleAssignments';
      const res = await transport.request('POST', path, {
        body: {
          principalId: request.principalId,
          roleDefinitionId: request.roleDefinitionId,
          directoryScopeId: request.directoryScopeId,
        },
      });
      return {
        ...toRoleAssignment(asObject(res.body, 'POST', path, res.requestId), 'POST', path, res.requestId),
        requestId: res.requestId,
      };
    },

    async listRoleHolders(roleTemplateId: string): Promise<RoleHolderList> {
      const path = '/roleManagement/directory/roleAssignments';
      const query = queryString({
        $filter: roleAssignmentFilter({ roleDefinitionId: roleTemplateId }),
        $expand: 'principal',
      });
      const pages = await transport.getAllPages<Json>(`${path}${query}`);
      const holders: RoleHolder[] = pages.items.map((a) => {
        const principal = (a.principal && typeof a.principal === 'object' ? a.principal : {}) as Json;
        return {
          principalId: requiredString(a, 'principalId', 'GET', path, pages.requestId),
          displayName: str(principal.displayName),
          userPrincipalName: str(principal.userPrincipalName),
          principalType: str(principal['@odata.type']),
          assignmentId: requiredString(a, 'id', 'GET', path, pages.requestId),
        };
      });
      return { roleTemplateId, holders, requestId: pages.requestId };
    },

    async listMyRoleEligibilities(): Promise<RoleEligibilityList> {
      const path =
        "/roleManagement/directory/roleEligibilityScheduleInstances/filterByCurrentUser(on='principal')";
      const pages = await transport.getAllPages<Json>(path);
      return {
        eligibilities: pages.items.map((e) => toEligibility(e, path, pages.requestId)),
        requestId: pages.requestId,
      };
    },

    async listRoleEligibilityHolders(roleTemplateId: string): Promise<RoleEligibilityList> {
      const path = '/roleManagement/directory/roleEligibilityScheduleInstances';
      const query = queryString({
        $filter: roleAssignmentFilter({ roleDefinitionId: roleTemplateId }),
        $expand: 'principal',
      });
      const pages = await transport.getAllPages<Json>(`${path}${query}`);
      return {
        eligibilities: pages.items.map((e) => toEligibility(e, path, pages.requestId)),
        requestId: pages.requestId,
      };
    },
  };
}

function toEligibility(e: Json, path: string, requestId: string): RoleEligibility {
  const principal = (e.principal && typeof e.principal === 'object' ? e.principal : {}) as Json;
  return {
    id: requiredString(e, 'id', 'GET', path, requestId),
    principalId: requiredString(e, 'principalId', 'GET', path, requestId),
    roleDefinitionId: requiredString(e, 'roleDefinitionId', 'GET', path, requestId),
    directoryScopeId: str(e.directoryScopeId),
    endDateTime: str(e.endDateTime),
    displayName: str(principal.displayName),
    userPrincipalName: str(principal.userPrincipalName),
  };
}

/**
 * The TenantGraph port over @microsoft/microsoft-graph-client, against Graph or the sandbox tenant (`baseUrl`).
 * Retries 429/503/504 honouring Retry-After, follows @odata.nextLink, and maps every failure to one GraphError.
 */
export function createTenantGraph(options: TenantGraphOptions): TenantGraph {
  return tenantGraphOver(createGraphTransport(options));
}

export {
  graphBatch,
  GRAPH_BATCH_LIMIT,
  type GraphBatchRead,
  type GraphBatchResult,
  type GraphBatchOptions,
} from './graph-batch.js';
export {
  createGraphTransport,
  type GraphTransport,
  type GraphTransportOptions,
  type GraphRetryOptions,
} from './graph-transport.js';
