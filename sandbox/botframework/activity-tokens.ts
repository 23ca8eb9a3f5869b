import { generateKeyPairSync, randomUUID, type KeyObject } from 'node:crypto';
import { SignJWT, type JWK } from 'jose';

/**
 * The Bot Framework's signing side: the key that signs the tokens Teams puts on the activities it posts to a bot
 * (/api/messages), and the OpenID metadata a bot uses to find it. A key of its own, as in the real service, so an
 * Entra token is never mistaken for a channel token.
 */
export class BotFrameworkSigner {
  private readonly privateKey: KeyObject;
  private readonly publicJwk: JWK;

  constructor(
    /** The `iss` of the activity tokens: the cloud's `tokenIssuer`. */
    readonly tokenIssuer: string,
    /** Where the metadata is served, e.g. http://127.0.0.1:5990/botframework/v1/.well-known */
    readonly wellKnownBaseUrl: string,
    private readonly now: () => number,
  ) {
    const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    this.privateKey = privateKey;
    this.publicJwk = {
      ...(publicKey.export({ format: 'jwk' }) as JWK),
      kid: randomUUID(),
      use: 'sig',
      alg: 'RS256',
      endorsements: ['msteams'],
    } as JWK;
  }

  get openIdMetadataUrl(): string {
    return `${this.wellKnownBaseUrl}/openidconfiguration`;
  }

  /** The validator derives its keys URL by replacing `/openidconfiguration` with `/keys`. */
  get keysUrl(): string {
    return `${this.wellKnownBaseUrl}/keys`;
  }

  openIdMetadata(): Record<string, unknown> {
    return {
      issuer: this.tokenIssuer,
      authorization_endpoint: `${this.wellKnownBaseUrl}/authorize`,
      jwks_uri: this.keysUrl,
      id_token_signing_alg_values_supported: ['RS256'],
      token_endpoint_auth_methods_supported: ['private_key_jwt'],
    };
  }

  jwks(): { keys: JWK[] } {
    return { keys: [this.publicJwk] };
  }

  /** A token as Teams sends it with an activity: audience the bot's app id, the activity's serviceUrl as a claim. */
  mintActivityToken(input: {
    readonly appId: string;
    readonly serviceUrl: string;
    readonly lifetimeSeconds?: number;
  }): Promise<string> {
    const iat = Math.floor(this.now() / 1000);
    return new SignJWT({ serviceurl: input.serviceUrl })
      .setProtectedHeader({ alg: 'RS256', typ: 'JWT', kid: this.publicJwk.kid! })
      .setIssuer(this.tokenIssuer)
      .setAudience(input.appId)
      .setIssuedAt(iat)
      .setNotBefore(iat - 60)
      .setExpirationTime(iat + (input.lifetimeSeconds ?? 3600))
      .sign(this.privateKey);
  }
}
