/**
 * A second opinion on our OAuth client (issue 12 point 12): panva's oidc-provider (OpenID Certified), configured
 * at TrainerDay's and enduco's documented paths and client authentication, one provider per service:
 * - TrainerDay: `/oauth/authorize`, `/oauth/token`, `/oauth/revoke`; `client_secret_post`; opaque tokens;
 * - enduco: `/oauth2/authorize`, `/oauth2/token`, `/oauth2/revoke`; `client_secret_basic` with a secret holding
 *   `/+=` (where RFC 6749 §2.3.1's encoding matters); JWT access tokens (a resource indicator by default, so the
 *   `sub` claim carries the account, as enduco's do). It does not know `grant_type=code`.
 * Both rotate refresh tokens and implement RFC 7009 revocation as the RFC says (client authentication required).
 * Logins and consent are oidc-provider's own development pages. `GET /__conformance/tokens` lists the tokens it
 * holds (kind, account, whether consumed), so a test can check that nothing stays live after a Disconnect.
 *
 * Run by scripts/e2e-server.ts (`tsx e2e/conformance/oidc-services.ts`), on CONFORMANCE's ports.
 */
import { createServer } from "node:http";
import { exportJWK, generateKeyPair } from "jose";
import Provider, { type Adapter, type AdapterPayload, type Configuration } from "oidc-provider";
import { CONFORMANCE } from "../config";

/** Everything oidc-provider stores, per provider, so the control endpoint can list it. */
type Stored = { model: string; payload: AdapterPayload; expiresAt: number };

function memoryAdapter(store: Map<string, Stored>) {
  return class MemoryAdapter implements Adapter {
    constructor(private readonly model: string) {}
    private key(id: string) {
      return `${this.model}:${id}`;
    }
    async upsert(id: string, payload: AdapterPayload, expiresIn: number) {
      store.set(this.key(id), { model: this.model, payload, expiresAt: Date.now() + expiresIn * 1000 });
    }
    async find(id: string) {
      const found = store.get(this.key(id));
      return found && found.expiresAt > Date.now() ? found.payload : undefined;
    }
    async findByUserCode(userCode: string) {
      return [...store.values()].find((s) => s.model === this.model && s.payload.userCode === userCode)?.payload;
    }
    async findByUid(uid: string) {
      return [...store.values()].find((s) => s.model === this.model && s.payload.uid === uid)?.payload;
    }
    async consume(id: string) {
      const found = store.get(this.key(id));
      if (found) found.payload.consumed = Math.floor(Date.now() / 1000);
    }
    async destroy(id: string) {
      store.delete(this.key(id));
    }
    async revokeByGrantId(grantId: string) {
      for (const [key, value] of store) if (value.payload.grantId === grantId) store.delete(key);
    }
  };
}

const TRAINERDAY_SCOPES = [
  "calendar:read",
  "calendar:write",
  "calendar:delete",
  "workout:read",
  "workout:write",
  "workout:delete",
  "athlete:read",
  "athlete:write",
];
const ENDUCO_SCOPES = "plans_read user_read workouts_write";
const ENDUCO_RESOURCE = "urn:enduco:api";

async function start(service: "trainerday" | "enduco", port: number, appUrl: string) {
  const issuer = `http://127.0.0.1:${port}`;
  const store = new Map<string, Stored>();
  const { privateKey } = await generateKeyPair("RS256", { extractable: true });
  const client = CONFORMANCE.clients[service];
  const base: Configuration = {
    adapter: memoryAdapter(store),
    clients: [
      {
        client_id: client.clientId,
        client_secret: client.clientSecret,
        redirect_uris: [`${appUrl}/api/auth/callback/${service}`],
        grant_types: ["authorization_code", "refresh_token"],
        response_types: ["code"],
        token_endpoint_auth_method: service === "trainerday" ? "client_secret_post" : "client_secret_basic",
      },
    ],
    jwks: { keys: [{ ...(await exportJWK(privateKey)), kid: `${service}-conformance`, use: "sig", alg: "RS256" }] },
    cookies: { keys: [`${service}-conformance-cookie-key`] },
    findAccount: async (_ctx, id) => ({ accountId: id, claims: async () => ({ sub: id }) }),
    features: { devInteractions: { enabled: true }, revocation: { enabled: true } },
    issueRefreshToken: async (_ctx, c) => c.grantTypeAllowed("refresh_token"),
    rotateRefreshToken: true,
    pkce: { required: () => false },
    ttl: { AccessToken: 3600, AuthorizationCode: 60, RefreshToken: 30 * 24 * 3600, Grant: 30 * 24 * 3600, Interaction: 600, Session: 3600 },
    renderError: async (ctx, out) => {
      ctx.type = "html";
      ctx.body = `<!doctype html><title>Error</title><h1>${String(out.error)}</h1><p>${String(out.error_description ?? "")}</p>`;
    },
  };
  const configuration: Configuration =
    service === "trainerday"
      ? { ...base, scopes: TRAINERDAY_SCOPES, routes: { authorization: "/oauth/authorize", token: "/oauth/token", revocation: "/oauth/revoke" } }
      : {
          ...base,
          scopes: [],
          routes: { authorization: "/oauth2/authorize", token: "/oauth2/token", revocation: "/oauth2/revoke" },
          features: {
            ...base.features,
            resourceIndicators: {
              enabled: true,
              defaultResource: async () => ENDUCO_RESOURCE,
              useGrantedResource: async () => true,
              getResourceServerInfo: async () => ({
                scope: ENDUCO_SCOPES,
                audience: client.clientId,
                accessTokenFormat: "jwt",
                jwt: { sign: { alg: "RS256" } },
              }),
            },
          },
        };
  const provider = new Provider(issuer, configuration);
  const callback = provider.callback();
  const server = createServer((req, res) => {
    if (req.url === "/__conformance/tokens") {
      const now = Date.now();
      const tokens = [...store.values()]
        .filter((s) => ["AccessToken", "RefreshToken", "AuthorizationCode"].includes(s.model) && s.expiresAt > now)
        .map((s) => ({ kind: s.model, account: s.payload.accountId, grantId: s.payload.grantId, consumed: Boolean(s.payload.consumed) }));
      res.writeHead(200, { "content-type": "application/json" });
      res.end(JSON.stringify(tokens));
      return;
    }
    void callback(req, res);
  });
  await new Promise<void>((resolve) => server.listen(port, "127.0.0.1", resolve));
  return issuer;
}

const trainerday = await start("trainerday", CONFORMANCE.trainerdayPort, CONFORMANCE.appUrl);
const enduco = await start("enduco", CONFORMANCE.enducoPort, CONFORMANCE.appUrl);
console.log(`oidc-provider conformance services: TrainerDay ${trainerday}, enduco ${enduco}`);
