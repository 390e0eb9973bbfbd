import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { exportJWK, generateKeyPair, SignJWT } from 'jose';

export interface TokenOptions {
  /** jose's expiry: seconds since the epoch, or a span such as '5m'. */
  exp?: string | number;
  /** Signs with another key (one the JWKS does not list). */
  key?: CryptoKey;
}

/**
 * Stands in for the gateway's token side in the tests of a service that only verifies tokens
 * (chat-api, convert-api): a key of its own, served as /.well-known/jwks.json, and tokens signed with it.
 */
export class TestTokenIssuer {
  readonly jwksUrl: string;
  readonly #server: Server;
  readonly #privateKey: CryptoKey;

  private constructor(server: Server, privateKey: CryptoKey) {
    this.#server = server;
    this.#privateKey = privateKey;
    this.jwksUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/.well-known/jwks.json`;
  }

  static async start(): Promise<TestTokenIssuer> {
    const pair = await generateKeyPair('EdDSA', { crv: 'Ed25519' });
    const publicJwk = { ...(await exportJWK(pair.publicKey)), kid: 'test-key', alg: 'EdDSA', use: 'sig' };
    const server = createServer((_request, response) => {
      response.setHeader('content-type', 'application/json');
      response.end(JSON.stringify({ keys: [publicJwk] }));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return new TestTokenIssuer(server, pair.privateKey);
  }

  /** An access token for `sub` as the gateway would sign it. */
  tokenFor(sub: string, options: TokenOptions = {}): Promise<string> {
    return new SignJWT({ email: `${sub.slice(0, 8)}@example.com`, name: 'Test' })
      .setProtectedHeader({ alg: 'EdDSA', kid: 'test-key' })
      .setSubject(sub)
      .setIssuer('relay-gateway')
      .setAudience('relay')
      .setIssuedAt()
      .setExpirationTime(options.exp ?? '5m')
      .sign(options.key ?? this.#privateKey);
  }

  close(): Promise<void> {
    return new Promise((resolve) => this.#server.close(() => resolve()));
  }
}
