import { decodeJwt } from 'jose';

/** The admin behind a turn, as their delegated Graph token describes them. The token itself stays in memory. */
export interface SignedInAdmin {
  readonly token: string;
  readonly tenantId: string;
  readonly userId: string;
  readonly name: string;
  readonly upn?: string;
  /** Directory role template ids (`wids`): a hint for the pre-flight; Graph enforces the real authorization. */
  readonly roleTemplateIds: readonly string[];
  readonly scopes: readonly string[];
  /** Epoch seconds. */
  readonly expiresAt: number;
}

/**
 * Reads the claims of a Graph token obtained from the Bot Framework token service (a trusted, authenticated
 * channel). They are not verified here: Graph verifies the token on every call; Sesame only uses them to say
 * who is acting and what they may lack.
 */
export function describeGraphToken(token: string): SignedInAdmin | undefined {
  try {
    const claims = decodeJwt(token);
    const tenantId = typeof claims.tid === 'string' ? claims.tid : undefined;
    const userId = typeof claims.oid === 'string' ? claims.oid : undefined;
    if (!tenantId || !userId) return undefined;
    const upn =
      typeof claims.upn === 'string'
        ? claims.upn
        : typeof claims.preferred_username === 'string'
          ? claims.preferred_username
          : undefined;
    return {
      token,
      tenantId,
      userId,
      name: typeof claims.name === 'string' ? claims.name : (upn ?? userId),
      upn,
      roleTemplateIds: Array.isArray(claims.wids)
        ? claims.wids.filter((w): w is string => typeof w === 'string')
        : [],
      scopes: typeof claims.scp === 'string' ? claims.scp.split(' ').filter(Boolean) : [],
      expiresAt: typeof claims.exp === 'number' ? claims.exp : 0,
    };
  } catch {
    return undefined;
  }
}
