import { availableParallelism } from "node:os";

/**
 * Ports and files of the e2e run, separate from the demo's (3000/4010, data/app.db) so both can run at once.
 *
 * Each Playwright worker has its own app server, sandbox and SQLite file ("pair" i = the worker's
 * TEST_PARALLEL_INDEX): app on 3100+i, sandbox on 4110+i, database data/e2e/<i>/app.db. Tests that switch a
 * sandbox service into a failure mode therefore never disturb a test running in another worker.
 */

/** Workers (and so server pairs): E2E_WORKERS, else one per core, at most 4. */
export const E2E_WORKERS = Math.max(1, Number(process.env.E2E_WORKERS) || Math.min(4, availableParallelism()));

export const E2E_DIR = "data/e2e";

/** The ports, URLs and files of pair `index`. */
export function pair(index: number) {
  const appPort = 3100 + index;
  const sandboxPort = 4110 + index;
  const dir = `${E2E_DIR}/${index}`;
  return {
    index,
    appPort,
    sandboxPort,
    appUrl: `http://localhost:${appPort}`,
    sandboxUrl: `http://127.0.0.1:${sandboxPort}`,
    dir,
    db: `${dir}/app.db`,
    serverLog: `${dir}/server.log`,
  };
}

/**
 * The conformance run's servers (e2e/conformance.spec.ts): one more app on 3190 whose TrainerDay and enduco are
 * oidc-provider instances (e2e/conformance/oidc-services.ts) on 4210 and 4211 (not 4190: a port fetch refuses), database data/e2e/conformance/.
 */
export const CONFORMANCE = {
  appPort: 3190,
  appUrl: "http://localhost:3190",
  trainerdayPort: 4210,
  enducoPort: 4211,
  dir: `${E2E_DIR}/conformance`,
  db: `${E2E_DIR}/conformance/app.db`,
  serverLog: `${E2E_DIR}/conformance/server.log`,
  /** The clients the oidc-provider instances know (our app's credentials there); enduco's secret holds `/+=`. */
  clients: {
    trainerday: { clientId: "conformance-trainerday", clientSecret: "conformance-trainerday-secret" },
    enduco: { clientId: "conformance-enduco", clientSecret: "conformance/enduco+secret==" },
  },
} as const;

/** Every pair of the run (the canary scan reads them all). */
export const PAIRS = Array.from({ length: E2E_WORKERS }, (_, i) => pair(i));

// This worker's pair. Outside a worker (the config, the server script) it is pair 0.
const own = pair(Number(process.env.TEST_PARALLEL_INDEX ?? 0));
export const APP_PORT = own.appPort;
export const SANDBOX_PORT = own.sandboxPort;
export const APP_URL = own.appUrl;
export const SANDBOX_URL = own.sandboxUrl;
export const E2E_DB = own.db;
export const SERVER_LOG = own.serverLog;
