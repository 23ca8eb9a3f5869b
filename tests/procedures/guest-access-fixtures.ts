/** Directory role template id of Guest Inviter (Microsoft's built-in role). */
export const GUEST_INVITER_ROLE = '95e79109-95c0-4d8e-aee3-d01accf2d47b';
