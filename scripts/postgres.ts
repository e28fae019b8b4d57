/**
 * A throwaway PostgreSQL server for tests (issue 14): the system's PostgreSQL binaries (PG_BIN, else
 * `pg_config --bindir`, else the newest /usr/lib/postgresql/<version>/bin; on Debian or Ubuntu as root, Debian's
 * `postgresql` package is installed when none is found), `initdb` in a temporary folder (as the unprivileged user
 * `nobody` when running as root: initdb refuses root), listening on 127.0.0.1 on a free port, trust
 * authentication, one database `trainlink`. `stop()` shuts it down and deletes the folder.
 */
import { execFileSync, spawnSync } from "node:child_process";
import { chmodSync, chownSync, existsSync, mkdtempSync, readdirSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";

export interface ThrowawayPostgres {
  /** `postgres://trainlink@127.0.0.1:<port>/trainlink` (trust authentication: no password). */
  url: string;
  port: number;
  /** Stops the server (fast shutdown) and deletes its folder. Safe to call twice. */
  stop(): void;
  /** Stops the server (fast shutdown) but keeps its data: connections are refused until resume(). */
  pause(): void;
  /** Starts a paused server again, on the same port with the same data. */
  resume(): void;
}

function run(command: string, args: string[], options: { as?: string } = {}): string {
  const [cmd, argv] = options.as ? ["runuser", ["-u", options.as, "--", command, ...args]] : [command, args];
  const result = spawnSync(cmd, argv, { encoding: "utf8" });
  if (result.status !== 0)
    throw new Error(`${command} ${args[0] ?? ""} failed: ${(result.stderr || result.stdout || String(result.error)).trim().slice(0, 500)}`);
  return result.stdout;
}

/** The directory of PostgreSQL's server binaries (initdb, pg_ctl), or null when none is installed. */
export function findPostgresBin(): string | null {
  const candidates: string[] = [];
  if (process.env.PG_BIN) candidates.push(process.env.PG_BIN);
  const fromConfig = spawnSync("pg_config", ["--bindir"], { encoding: "utf8" });
  if (fromConfig.status === 0) candidates.push(fromConfig.stdout.trim());
  if (existsSync("/usr/lib/postgresql")) {
    const versions = readdirSync("/usr/lib/postgresql")
      .filter((v) => /^\d+$/.test(v))
      .sort((a, b) => Number(b) - Number(a));
    candidates.push(...versions.map((v) => `/usr/lib/postgresql/${v}/bin`));
  }
  return candidates.find((dir) => existsSync(join(dir, "initdb")) && existsSync(join(dir, "pg_ctl"))) ?? null;
}

/** findPostgresBin, installing Debian's `postgresql` package first when none is found and we may (root, apt-get). */
export function ensurePostgresBin(): string {
  const found = findPostgresBin();
  if (found) return found;
  const root = process.getuid?.() === 0;
  if (root && existsSync("/usr/bin/apt-get")) {
    console.log("PostgreSQL not found: installing Debian's postgresql package (apt-get) …");
    execFileSync("apt-get", ["update", "-qq"], { stdio: "inherit", env: { ...process.env, DEBIAN_FRONTEND: "noninteractive" } });
    execFileSync("apt-get", ["install", "-y", "-qq", "--no-install-recommends", "postgresql"], {
      stdio: "inherit",
      env: { ...process.env, DEBIAN_FRONTEND: "noninteractive" },
    });
    const installed = findPostgresBin();
    if (installed) return installed;
  }
  throw new Error(
    "PostgreSQL's server binaries were not found. Install PostgreSQL (Debian/Ubuntu: apt-get install postgresql) or set PG_BIN to its bin folder.",
  );
}

/** A TCP port on 127.0.0.1 that nothing listens on right now. */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      server.close(() => (typeof address === "object" && address ? resolve(address.port) : reject(new Error("no port"))));
    });
  });
}

/** Starts a throwaway PostgreSQL (see the file comment). Throws with one sentence when it cannot. */
export async function startThrowawayPostgres(): Promise<ThrowawayPostgres> {
  const bin = ensurePostgresBin();
  const root = process.getuid?.() === 0;
  const dir = mkdtempSync(join(tmpdir(), "trainlink-pg-"));
  const data = join(dir, "data");
  const as = root ? "nobody" : undefined;
  if (root) {
    const uid = Number(execFileSync("id", ["-u", "nobody"], { encoding: "utf8" }).trim());
    const gid = Number(execFileSync("id", ["-g", "nobody"], { encoding: "utf8" }).trim());
    chownSync(dir, uid, gid);
    chmodSync(dir, 0o700);
  }
  const port = await freePort();
  run(join(bin, "initdb"), ["-D", data, "-U", "trainlink", "--auth=trust", "-E", "UTF8", "--no-locale", "--no-sync"], { as });
  const start = () =>
    run(join(bin, "pg_ctl"), ["-D", data, "-l", join(dir, "server.log"), "-w", "-t", "60", "-o", `-p ${port} -k ${dir} -h 127.0.0.1 -F`, "start"], {
      as,
    });
  start();
  const pause = () => run(join(bin, "pg_ctl"), ["-D", data, "-m", "fast", "-w", "stop"], { as });
  let stopped = false;
  const stop = () => {
    if (stopped) return;
    stopped = true;
    spawnSync(
      ...((as
        ? ["runuser", ["-u", as, "--", join(bin, "pg_ctl"), "-D", data, "-m", "fast", "-w", "stop"]]
        : [join(bin, "pg_ctl"), ["-D", data, "-m", "fast", "-w", "stop"]]) as [string, string[]]),
      {
        stdio: "ignore",
      },
    );
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    run(join(bin, "createdb"), ["-h", "127.0.0.1", "-p", String(port), "-U", "trainlink", "trainlink"]);
  } catch (error) {
    stop();
    throw error;
  }
  return { url: `postgres://trainlink@127.0.0.1:${port}/trainlink`, port, stop, pause, resume: start };
}
