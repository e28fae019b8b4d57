import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { describe, it } from "node:test";
import { parseCommandLine, UsageError } from "./cli";
import { BENCH_OPTIONS, PROFILE_OPTIONS } from "./options";

const bench = (argv: string[], env: Record<string, string> = {}) => parseCommandLine("npm run bench --", BENCH_OPTIONS, argv, env);

function refused(argv: string[], env: Record<string, string> = {}): UsageError {
  try {
    bench(argv, env);
  } catch (error) {
    assert.ok(error instanceof UsageError, String(error));
    return error;
  }
  assert.fail(`${argv.join(" ")} was accepted`);
}

describe("bench command line", () => {
  it("gives the full run's defaults without flags or env", () => {
    assert.deepEqual(bench([]), {
      small: false,
      db: "both",
      athletes: 50_000,
      events: 2_000_000,
      duration: 10,
      connections: 10,
      refresh: 10_000,
      concurrency: [4, 100],
      "latency-connections": 20_000,
      "latency-ms": 250,
      "latency-concurrency": 400,
      mails: 2_000,
      webhooks: 5_000,
      build: false,
      out: "bench/results.json",
    });
  });

  it("--small switches to the small defaults, as CI runs it", () => {
    const options = bench(["--small", "--out=data/bench/results-ci.json"]);
    assert.equal(options.small, true);
    assert.equal(options.athletes, 200);
    assert.equal(options.events, 8_000);
    assert.equal(options.duration, 5);
    assert.equal(options.refresh, 500);
    assert.deepEqual(options.concurrency, [4, 32]);
    assert.equal(options["latency-connections"], 500);
    assert.equal(options["latency-concurrency"], 100);
    assert.equal(options.mails, 300);
    assert.equal(options.webhooks, 5_000);
    assert.equal(options.out, "data/bench/results-ci.json");
  });

  it("reads each env variable when its flag is absent, and a flag wins over it", () => {
    const env = {
      BENCH_SMALL: "1",
      BENCH_ATHLETES: "300",
      BENCH_DB_ENGINES: "sqlite",
      BENCH_CONCURRENCY: "8,16",
      BENCH_BUILD: "1",
      BENCH_OUT: "x.json",
    };
    const options = bench([], env);
    assert.equal(options.small, true);
    assert.equal(options.athletes, 300);
    assert.equal(options.db, "sqlite");
    assert.deepEqual(options.concurrency, [8, 16]);
    assert.equal(options.build, true);
    assert.equal(options.out, "x.json");
    assert.equal(options.refresh, 500, "small default under BENCH_SMALL=1");
    assert.equal(bench(["--athletes=400"], env).athletes, 400);
    assert.equal(bench(["--athletes", "400"], env).athletes, 400);
    assert.equal(bench([], { BENCH_SMALL: "0", BENCH_ATHLETES: "" }).athletes, 50_000, "an empty variable counts as unset");
  });

  it("refuses an unknown flag with the valid ones listed and the near miss named", () => {
    const error = refused(["--athlete=200"]);
    assert.equal(error.exitCode, 2);
    assert.match(error.message, /^npm run bench --: unknown option --athlete \(did you mean --athletes\?\)/);
    for (const flag of ["--small", "--db=sqlite|postgres|both", "--athletes=N", "--concurrency=N,N", "--latency-ms=N", "--out=FILE", "--help"]) {
      assert.ok(error.message.includes(flag), `usage lists ${flag}`);
    }
    assert.match(error.message, /--athletes=N +athletes seeded \(4 connections each\) \(BENCH_ATHLETES; default 50000; --small 200\)/);
  });

  it("refuses a missing value, a value on a bare flag and a positional argument", () => {
    assert.match(refused(["--athletes"]).message, /Option '--athletes <value>' argument missing/);
    assert.match(refused(["--athletes", "--small"]).message, /argument is ambiguous/);
    assert.match(refused(["--small=1"]).message, /does not take an argument/);
    assert.match(refused(["small"]).message, /Unexpected argument 'small'/);
  });

  it("refuses a number that is not a whole number in range, from a flag or from env", () => {
    assert.match(refused(["--athletes=2k"]).message, /--athletes must be a whole number ≥ 1, got "2k"/);
    assert.match(refused(["--athletes=0"]).message, /--athletes must be a whole number ≥ 1, got "0"/);
    assert.match(refused(["--duration=1.5"]).message, /--duration must be a whole number ≥ 1/);
    assert.match(refused(["--concurrency=4,,100"]).message, /--concurrency must be a whole number ≥ 1, got ""/);
    assert.match(refused([], { BENCH_REFRESH: "lots" }).message, /BENCH_REFRESH must be a whole number ≥ 1, got "lots"/);
    assert.match(refused([], { BENCH_SMALL: "yes" }).message, /BENCH_SMALL must be 1 or 0, got "yes"/);
    assert.equal(bench(["--webhooks=0", "--latency-connections=0"]).webhooks, 0, "0 skips a line");
  });

  it("refuses an engine it does not know", () => {
    assert.match(refused(["--db=mysql"]).message, /--db must be one of both, sqlite, postgres, sqlite,postgres, postgres,sqlite, got "mysql"/);
  });

  it("answers --help with the usage and exit code 0", () => {
    const error = refused(["--help"]);
    assert.equal(error.exitCode, 0);
    assert.match(error.message, /^usage: npm run bench -- \[options\]/);
  });
});

describe("profile command line", () => {
  const profile = (argv: string[]) => parseCommandLine("npm run bench:profile --", PROFILE_OPTIONS, argv, {});

  it("keeps its flags and defaults", () => {
    assert.deepEqual(profile([]), { paths: undefined, n: 200, noseed: false, noprof: false, url: undefined });
    assert.deepEqual(profile(["--paths=/coach,/admin", "--n=50", "--noseed", "--noprof", "--url=postgres://u@h/db?sslmode=disable"]), {
      paths: "/coach,/admin",
      n: 50,
      noseed: true,
      noprof: true,
      url: "postgres://u@h/db?sslmode=disable",
    });
  });

  it("refuses an unknown flag and a bad count", () => {
    assert.throws(() => profile(["--bogus"]), /unknown option --bogus\n\nusage: npm run bench:profile -- \[options\]\n {2}--paths=\/coach,\/admin/);
    assert.throws(() => profile(["--n=many"]), /--n must be a whole number ≥ 1, got "many"/);
  });
});

describe("entry points", () => {
  // A broken wiring would start a real run, so each child is killed after 60 s whatever happens.
  for (const [script, flag] of [
    ["bench/run.ts", "--athlete=200"],
    ["bench/profile.ts", "--bogus"],
  ] as const) {
    it(`${script} ${flag} exits 2 at once, before seeding or building`, () => {
      const child = spawnSync(process.execPath, ["--conditions=react-server", "--import", "tsx", script, flag], {
        encoding: "utf8",
        timeout: 60_000,
        killSignal: "SIGKILL",
      });
      assert.equal(child.status, 2, child.stderr);
      assert.match(child.stderr, new RegExp(`unknown option ${flag.split("=")[0]}`));
      assert.doesNotMatch(child.stdout, /seeding|building/);
    });
  }
});
