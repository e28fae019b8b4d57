import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { toCsv } from "./csv";

describe("toCsv", () => {
  it("quotes every field and doubles quotes (RFC 4180, CRLF records)", () => {
    assert.equal(
      toCsv([
        ["Name", "Email"],
        ["a,b", 'say "hi"'],
        ["line\nbreak", "plain"],
      ]),
      '"Name","Email"\r\n"a,b","say ""hi"""\r\n"line\nbreak","plain"\r\n',
    );
    assert.equal(toCsv([]), "");
    assert.equal(toCsv([["", "x"]]), '"","x"\r\n');
  });

  it("guards formula injection with an apostrophe at the start of the field and after each , or ;", () => {
    assert.equal(
      toCsv([["=SUM(A1:A9)", "+1", "-2", "@cmd", "\tx", "safe=1", "=1,2"]]),
      `"'=SUM(A1:A9)","'+1","'-2","'@cmd","'\tx","safe=1","'=1,2"\r\n`,
    );
    assert.equal(toCsv([["\rx"]]), `"'\rx"\r\n`);
    // A spreadsheet splitting at ; (or ,) would start a cell at each of these.
    assert.equal(toCsv([["Kari;=cmd|' /C calc'!A0", "a,+1", "x; @y", "a;b"]]), `"Kari;'=cmd|' /C calc'!A0","a,'+1","x; @y","a;b"\r\n`);
  });
});
