// Ports and files of the e2e run: separate from the demo's (3000/4010, data/app.db) so both can run at once.
export const APP_PORT = 3100;
export const SANDBOX_PORT = 4110;
export const APP_URL = `http://localhost:${APP_PORT}`;
export const SANDBOX_URL = `http://127.0.0.1:${SANDBOX_PORT}`;
export const E2E_DIR = "data/e2e";
export const E2E_DB = `${E2E_DIR}/app.db`;
export const SERVER_LOG = `${E2E_DIR}/server.log`;
