import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { getTableConfig as pgConfig, PgTable } from "drizzle-orm/pg-core";
import { getTableConfig as sqliteConfig, SQLiteTable } from "drizzle-orm/sqlite-core";
import * as pg from "./schema.pg";
import * as sqlite from "./schema.sqlite";

// Issue 14: the SQLite and PostgreSQL schemas are kept in step. For every table: the same columns with the same
// meaning of type, nullability, defaults and primary keys; the same indexes (name, columns, unique, partial);
// the same foreign keys (columns, target, on delete); the same unique constraints.

/** Columns that hold JSON: text in SQLite, jsonb in PostgreSQL. */
const JSON_COLUMNS = new Set(["oauth_flows.check_cookies"]);

/** A column type's meaning, whatever the engine calls it. */
function meaning(table: string, column: { name: string; columnType: string }): string {
  if (JSON_COLUMNS.has(`${table}.${column.name}`)) return "json";
  switch (column.columnType) {
    case "SQLiteText":
    case "PgText":
      return "text";
    case "SQLiteTimestamp":
    case "PgTimestamp":
      return "instant";
    case "SQLiteInteger":
    case "PgInteger":
    case "PgBigInt53":
      return "integer";
    case "PgJsonb":
      return "json";
    case "SQLiteBoolean":
    case "PgBoolean":
      return "boolean";
    default:
      return `unknown:${column.columnType}`;
  }
}

type Shape = {
  columns: Record<string, { type: string; notNull: boolean; hasDefault: boolean; primary: boolean; unique: boolean; enum?: readonly string[] }>;
  primaryKeys: string[][];
  indexes: Record<string, { columns: string[]; unique: boolean; partial: boolean }>;
  foreignKeys: string[];
};

function describeTable(config: ReturnType<typeof sqliteConfig> | ReturnType<typeof pgConfig>): Shape {
  const columns: Shape["columns"] = {};
  for (const c of config.columns) {
    const enumValues = (c as { enumValues?: readonly string[] }).enumValues;
    columns[c.name] = {
      type: meaning(config.name, c),
      notNull: c.notNull,
      hasDefault:
        c.hasDefault ||
        (c as { generatedIdentity?: unknown }).generatedIdentity !== undefined ||
        (c.primary && c.columnType === "SQLiteInteger" && (c as { autoIncrement?: boolean }).autoIncrement === true),
      primary: c.primary,
      unique: c.isUnique,
      ...(enumValues && enumValues.length > 0 ? { enum: enumValues } : {}),
    };
  }
  const indexes: Shape["indexes"] = {};
  for (const i of config.indexes) {
    indexes[i.config.name ?? "(unnamed)"] = {
      columns: i.config.columns.map((c) => (c as { name: string }).name),
      unique: i.config.unique,
      partial: i.config.where !== undefined,
    };
  }
  const foreignKeys = config.foreignKeys
    .map((fk) => {
      const ref = fk.reference();
      return `${ref.columns.map((c) => c.name).join(",")} → ${tableName(ref.foreignTable)}(${ref.foreignColumns.map((c) => c.name).join(",")}) on delete ${fk.onDelete ?? "no action"}`;
    })
    .sort();
  return { columns, primaryKeys: config.primaryKeys.map((pk) => pk.columns.map((c) => c.name)), indexes, foreignKeys };
}

function tableName(table: unknown): string {
  return table instanceof PgTable ? pgConfig(table).name : sqliteConfig(table as SQLiteTable).name;
}

const sqliteTables = (Object.values(sqlite) as unknown[]).filter((v): v is SQLiteTable => v instanceof SQLiteTable);
const pgTables = (Object.values(pg) as unknown[]).filter((v): v is PgTable => v instanceof PgTable);

describe("the SQLite and PostgreSQL schemas", () => {
  it("have the same tables", () => {
    assert.deepEqual(pgTables.map((t) => pgConfig(t).name).sort(), sqliteTables.map((t) => sqliteConfig(t).name).sort());
    assert.ok(sqliteTables.length >= 13);
  });

  for (const table of sqliteTables) {
    const name = sqliteConfig(table).name;
    it(`${name}: same columns, types' meaning, nullability, defaults, keys, indexes and foreign keys`, () => {
      const twin = pgTables.find((t) => pgConfig(t).name === name);
      assert.ok(twin, `${name} has a PostgreSQL twin`);
      const expected = describeTable(sqliteConfig(table));
      const actual = describeTable(pgConfig(twin));
      assert.deepEqual(actual, expected);
      for (const [column, shape] of Object.entries(expected.columns))
        assert.ok(!shape.type.startsWith("unknown"), `${name}.${column}: ${shape.type}`);
    });
  }

  it("uses PostgreSQL's own types: timestamptz for instants, jsonb for JSON", () => {
    for (const table of pgTables) {
      for (const column of pgConfig(table).columns) {
        if (column.columnType === "PgTimestamp")
          assert.equal(column.getSQLType(), "timestamp with time zone", `${pgConfig(table).name}.${column.name}`);
      }
    }
    assert.equal(
      pgConfig(pg.oauthFlows)
        .columns.find((c) => c.name === "check_cookies")
        ?.getSQLType(),
      "jsonb",
    );
  });
});
