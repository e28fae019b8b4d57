/**
 * A strict command line for the bench scripts: each entry point declares its options in one table (flag, env
 * variable fallback, default, `--small` default), and `parseCommandLine` reads them with node:util `parseArgs`
 * in strict mode, so a typo (`--athlete=200`) or a missing value stops the script before it seeds anything.
 */
import { parseArgs } from "node:util";

type Common = {
  /** One line for the usage text. */
  help: string;
  /** An environment variable read when the flag is absent. */
  env?: string;
};
/** One option: a bare flag, a string, a whole number (≥ `min`, default 0) or a comma-separated list of them. */
export type OptionSpec =
  | (Common & { kind: "flag" })
  | (Common & { kind: "string"; value?: string; default?: string; small?: string; choices?: readonly string[] })
  | (Common & { kind: "number"; value?: string; default: number; small?: number; min?: number })
  | (Common & { kind: "numbers"; value?: string; default: readonly number[]; small?: readonly number[]; min?: number });
export type OptionTable = Record<string, OptionSpec>;

type ValueOf<S> = S extends { kind: "flag" }
  ? boolean
  : S extends { kind: "number" }
    ? number
    : S extends { kind: "numbers" }
      ? number[]
      : S extends { default: string }
        ? string
        : string | undefined;
/** The values `parseCommandLine` returns for a table, keyed by flag name. */
export type ParsedOptions<T extends OptionTable> = { -readonly [K in keyof T]: ValueOf<T[K]> };

/** A command line the script cannot run with; `exitCode` 2 (or 0 for `--help`), `message` ends with the usage. */
export class UsageError extends Error {
  constructor(
    message: string,
    readonly exitCode = 2,
  ) {
    super(message);
    this.name = "UsageError";
  }
}

function placeholder(name: string, spec: OptionSpec): string {
  if (spec.kind === "flag") return `--${name}`;
  return `--${name}=${spec.value ?? (spec.kind === "string" ? "VALUE" : spec.kind === "number" ? "N" : "N,N")}`;
}

/** The usage text: one line per option with its env variable and defaults, `--help` last. */
export function formatUsage(command: string, table: OptionTable): string {
  const show = (v: unknown) => (Array.isArray(v) ? v.join(",") : String(v));
  const rows = Object.entries(table).map(([name, spec]) => {
    const notes = [spec.env && (spec.kind === "flag" ? `${spec.env}=1` : spec.env)];
    if (spec.kind !== "flag" && spec.default !== undefined) notes.push(`default ${show(spec.default)}`);
    if (spec.kind !== "flag" && spec.small !== undefined) notes.push(`--small ${show(spec.small)}`);
    const tail = notes.filter(Boolean).join("; ");
    return [placeholder(name, spec), tail ? `${spec.help} (${tail})` : spec.help];
  });
  rows.push(["--help", "this text"]);
  const width = Math.max(...rows.map(([flag]) => flag!.length)) + 2;
  return [`usage: ${command} [options]`, ...rows.map(([flag, text]) => `  ${flag!.padEnd(width)}${text}`)].join("\n");
}

function distance(a: string, b: string): number {
  let row = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const next = [i];
    for (let j = 1; j <= b.length; j++) next[j] = Math.min(row[j]! + 1, next[j - 1]! + 1, row[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    row = next;
  }
  return row[b.length]!;
}

function wholeNumber(text: string, source: string, min: number): number {
  if (!/^\d+$/.test(text.trim()) || Number(text) < min) throw new Error(`${source} must be a whole number ≥ ${min}, got "${text}"`);
  return Number(text);
}

/**
 * Parses `argv` (default: this process's arguments) against `table`: a flag wins over its env variable (read
 * from `env`, default process.env), which wins over the default, or over the `small` default when the table's
 * `small` flag is on. Numbers must be whole and ≥ their `min`; a flag's env variable is on for "1"/"true", off
 * for ""/"0"/"false". Throws UsageError naming the problem and listing every valid option (exit code 2), or
 * carrying the usage text with exit code 0 for `--help`.
 */
export function parseCommandLine<const T extends OptionTable>(
  command: string,
  table: T,
  argv: readonly string[] = process.argv.slice(2),
  env: Readonly<Record<string, string | undefined>> = process.env,
): ParsedOptions<T> {
  const usage = formatUsage(command, table);
  const options = Object.fromEntries(
    Object.entries(table).map(([name, spec]) => [name, { type: spec.kind === "flag" ? "boolean" : "string" }] as const),
  );
  let values: Record<string, string | boolean | undefined>;
  try {
    ({ values } = parseArgs({
      args: [...argv],
      options: { ...options, help: { type: "boolean", short: "h" } },
      strict: true,
      allowPositionals: false,
    }));
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    const unknown = /^Unknown option '(-{1,2}[^'=]+)/.exec(message)?.[1];
    if (!unknown) throw new UsageError(`${command}: ${message.replace(/\n/g, " ")}\n\n${usage}`);
    const near = Object.keys(table).filter((name) => distance(unknown.replace(/^-+/, ""), name) <= 2);
    throw new UsageError(`${command}: unknown option ${unknown}${near.length ? ` (did you mean --${near.join(" or --")}?)` : ""}\n\n${usage}`);
  }
  if (values.help) throw new UsageError(usage, 0);

  const flagOn = (name: string, spec: OptionSpec): boolean => {
    if (values[name] === true) return true;
    const raw = spec.env ? env[spec.env] : undefined;
    if (raw === undefined || ["", "0", "false"].includes(raw)) return false;
    if (["1", "true"].includes(raw)) return true;
    throw new Error(`${spec.env} must be 1 or 0, got "${raw}"`);
  };
  try {
    const small = table.small?.kind === "flag" && flagOn("small", table.small);
    const parsed = Object.entries(table).map(([name, spec]) => {
      if (spec.kind === "flag") return [name, flagOn(name, spec)];
      const flag = values[name] as string | undefined;
      const fromEnv = spec.env ? env[spec.env] : undefined;
      const text = flag ?? (fromEnv === "" ? undefined : fromEnv);
      const source = flag !== undefined ? `--${name}` : (spec.env ?? `--${name}`);
      if (text === undefined) return [name, small && spec.small !== undefined ? spec.small : spec.default];
      if (spec.kind === "number") return [name, wholeNumber(text, source, spec.min ?? 0)];
      if (spec.kind === "numbers") return [name, text.split(",").map((part) => wholeNumber(part, source, spec.min ?? 0))];
      if (spec.choices && !spec.choices.includes(text)) throw new Error(`${source} must be one of ${spec.choices.join(", ")}, got "${text}"`);
      return [name, text];
    });
    return Object.fromEntries(parsed.map(([name, value]) => [name, Array.isArray(value) ? [...value] : value])) as ParsedOptions<T>;
  } catch (error) {
    throw new UsageError(`${command}: ${error instanceof Error ? error.message : String(error)}\n\n${usage}`);
  }
}

/** parseCommandLine for an entry point: on a UsageError prints it (stderr, or stdout for --help) and exits with its code. */
export function commandLineOrExit<const T extends OptionTable>(command: string, table: T): ParsedOptions<T> {
  try {
    return parseCommandLine(command, table);
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    (error.exitCode === 0 ? console.log : console.error)(error.message);
    process.exit(error.exitCode);
  }
}
