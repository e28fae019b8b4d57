import assert from "node:assert/strict";
import { describe, it } from "node:test";
import * as roster from "./query";

describe("roster query parsing", () => {
  it("lenient for pages, strict for the export", () => {
    assert.deepEqual(roster.parseRosterQuery({ q: " ann ", attention: "1", sort: "status", page: "2" }), {
      q: "ann",
      attention: true,
      sort: "status",
      page: 2,
    });
    assert.deepEqual(roster.parseRosterQuery({ sort: "evil", page: "-3", attention: "yes" }), {
      q: undefined,
      attention: false,
      sort: "name",
      page: 1,
    });
    assert.deepEqual(roster.parseRosterQuery({ q: ["first", "second"] }).q, "first");
    assert.equal(roster.parseRosterQuery({ sort: "evil" }, "strict"), null);
    assert.equal(roster.parseRosterQuery({ page: "x" }, "strict"), null);
    assert.deepEqual(roster.parseRosterQuery({ attention: "on", sort: "status" }, "strict"), {
      q: undefined,
      attention: true,
      sort: "status",
      page: 1,
    });
    assert.equal(roster.rosterSearchParams({ q: "a b", attention: true, sort: "status", page: 3 }), "q=a+b&attention=1&sort=status&page=3");
    assert.equal(roster.rosterSearchParams({ sort: "name", page: 1 }), "");
  });
});
