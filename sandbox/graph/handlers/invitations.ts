/** Invitations: B2B guests. */
import type { GraphObject } from '../../data/model.js';
import { guestUser } from '../../data/seed.js';
import type { GraphResponse } from '../context.js';
import { badRequest } from '../errors.js';
import { contextUrl } from '../odata/query.js';
import type { RouteKey } from '../route-table.js';
import { type Handler, type HandlerArgs, checkBody, isEmailAddress, isRecord, ok } from './shared.js';

export function invite(a: HandlerArgs): GraphResponse {
  const body = checkBody(a.req.body, 'invitation', { invitedUserMessageInfo: 'invitedUserMessageInfo' });
  const address = body.invitedUserEmailAddress;
  if (typeof address !== 'string' || address === '')
    throw badRequest('The invitedUserEmailAddress property is required.', 'BadRequest');
  if (typeof body.inviteRedirectUrl !== 'string' || !/^https?:\/\/\S+$/.test(body.inviteRedirectUrl))
    throw badRequest('The inviteRedirectUrl property is required and must be an absolute URL.', 'BadRequest');
  if (!isEmailAddress(address)) throw badRequest('The email address specified is not valid.', 'BadRequest');
  const domainOfAddress = address.split('@')[1]!.toLowerCase();
  if (a.rt.state.verifiedDomainNames().includes(domainOfAddress))
    throw badRequest(
      `The invited user already exists in the directory as a member of this organization.`,
      'BadRequest',
    );
  const state = a.rt.state;
  const lower = address.toLowerCase();
  let user = [...state.users.values()].find(
    (u) =>
      u.userType === 'Guest' &&
      (u.mail?.toLowerCase() === lower || u.otherMails.some((m) => m.toLowerCase() === lower)),
  );
  const messageInfo = isRecord(body.invitedUserMessageInfo) ? body.invitedUserMessageInfo : {};
  if (!user) {
    const id = state.newId('guest');
    const g = guestUser(
      {
        id,
        userPrincipalName: `${lower.replace('@', '_')}#EXT#@${[...state.domains.values()].find((d) => d.isInitial)!.id}`,
        displayName:
          typeof body.invitedUserDisplayName === 'string'
            ? body.invitedUserDisplayName
            : address.split('@')[0]!,
        mail: address,
      },
      'PendingAcceptance',
      a.rt.now(),
      a.rt.now(),
    );
    state.addUser(g);
    a.rt.created(id);
    user = g;
  }
  const invitationId = state.newId('invitation');
  const invitation = {
    id: invitationId,
    inviteRedeemUrl: `${a.req.origin}/_sandbox/redeem/${invitationId}?tenant=${state.tenantId}&user=${user.id}`,
    invitedUserDisplayName:
      typeof body.invitedUserDisplayName === 'string' ? body.invitedUserDisplayName : null,
    invitedUserType: 'Guest',
    invitedUserEmailAddress: address,
    sendInvitationMessage: body.sendInvitationMessage === true,
    resetRedemption: body.resetRedemption === true,
    inviteRedirectUrl: body.inviteRedirectUrl,
    status: user.externalUserState === 'Accepted' ? 'Completed' : 'PendingAcceptance',
    invitedUserMessageInfo: {
      messageLanguage: messageInfo.messageLanguage ?? null,
      ccRecipients: messageInfo.ccRecipients ?? [{ emailAddress: { name: null, address: null } }],
      customizedMessageBody: messageInfo.customizedMessageBody ?? null,
    },
    invitedUser: { id: user.id },
  };
  state.invitations.push(invitation as unknown as GraphObject);
  return ok({ '@odata.context': contextUrl(a.req, 'invitations', undefined, true), ...invitation }, 201);
}

export const invitationHandlers = {
  'POST /invitations': invite,
} satisfies Partial<Record<RouteKey, Handler>>;
