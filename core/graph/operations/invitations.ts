/** Invitations: B2B guests (procedure A). */
import { ROLE } from '../../directory-roles.js';
import { operation } from '../operation.js';

export interface InviteGuestRequest {
  readonly email: string;
  /** Where the guest lands after redeeming, e.g. https://myapps.microsoft.com */
  readonly redirectUrl: string;
  readonly sendInvitationMessage: boolean;
  /** BCP 47, e.g. 'fr-FR' */
  readonly messageLanguage?: string;
  readonly customizedMessageBody?: string;
}

export interface Invitation {
  readonly invitationId: string;
  /** The guest user created (or found) by the invitation: invitedUser.id */
  readonly userId: string;
  /** 'PendingAcceptance' | 'Completed' | 'InProgress' | 'Error' */
  readonly status: string;
  /** Redemption link: a credential-like URL; shown once at most, never stored in the audit log. */
  readonly redeemUrl: string | null;
}

export const invitationOperations = {
  /** Inviting an address that already has a guest re-sends the invitation to that same user. */
  inviteGuest: operation<[request: InviteGuestRequest], Invitation>({
    resource: 'invitations',
    method: 'POST',
    path: '/invitations',
    paging: 'one',
    permission: 'User.Invite.All',
    roles: {
      kind: 'invitePolicy',
      roles: [ROLE.guestInviter, ROLE.userAdministrator],
    },
    purpose: 'A: invite the vendor account (French message)',
    example: [
      {
        email: 'admin@onloop.onmicrosoft.com',
        redirectUrl: 'https://myapps.microsoft.com',
        sendInvitationMessage: true,
        messageLanguage: 'fr-FR',
        customizedMessageBody: 'Bonjour',
      },
    ],
    request: (r) => {
      const messageInfo = {
        ...(r.messageLanguage !== undefined ? { messageLanguage: r.messageLanguage } : {}),
        ...(r.customizedMessageBody !== undefined ? { customizedMessageBody: r.customizedMessageBody } : {}),
      };
      return {
        body: {
          invitedUserEmailAddress: r.email,
          inviteRedirectUrl: r.redirectUrl,
          sendInvitationMessage: r.sendInvitationMessage,
          ...(Object.keys(messageInfo).length ? { invitedUserMessageInfo: messageInfo } : {}),
        },
      };
    },
    read: (body, answer) => {
      const b = answer.shape(
        { id: 'id', status: 'string', inviteRedeemUrl: 'string', invitedUser: { object: { id: 'id' } } },
        body,
      );
      if (!b.invitedUser) return answer.fail('the answer has no invitedUser');
      return {
        invitationId: b.id,
        userId: b.invitedUser.id,
        status: b.status ?? '',
        redeemUrl: b.inviteRedeemUrl,
      };
    },
  }),
};
