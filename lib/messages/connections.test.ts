import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { ConnectionStatus } from "@/lib/connections/status";
import { ENDUCO } from "@/lib/integrations/enduco/definition";
import { EXORLIVE } from "@/lib/integrations/exorlive/definition";
import { FITRANKINGS } from "@/lib/integrations/fitrankings/definition";
import { TRAINERDAY } from "@/lib/integrations/trainerday/definition";
import type { FlowKind } from "@/lib/integrations/types";
import { LINK_FAILURE_CODES, linkFailureMessage } from "@/lib/linking/failures";
import {
  disconnectDialogText,
  refreshFailureMessage,
  rosterCellSummary,
  showsExpiry,
  statusMessage,
  type RefreshFailureKind,
} from "@/lib/messages/connections";

/** Words athletes and coaches must never read: HTTP statuses, OAuth error codes and grant types, tokens, ISO timestamps (the "Grant missing permissions" button may be named). */
const FORBIDDEN = /HTTP|invalid_|grant|token|[0-9]{4}-[0-9]{2}-[0-9]{2}T|Custom endpoint|rotated/;

const STATUSES: ConnectionStatus[] = [
  "connected",
  "expiring",
  "refresh_failing",
  "missing_permissions",
  "needs_reauth",
  "revocation_pending",
  "revoked_by_service",
  "not_connected",
  "not_configured",
];
const FLOWS: FlowKind[] = ["authorization_code", "token_in_callback", "server_to_server"];
const SERVICES = [TRAINERDAY, ENDUCO, FITRANKINGS, EXORLIVE];

describe("message catalogue", () => {
  it("every status, for athletes and coaches and every flow, is a plain sentence (or nothing) with no protocol words", () => {
    for (const status of STATUSES)
      for (const audience of ["athlete", "coach"] as const)
        for (const flow of FLOWS) {
          const message = statusMessage(status, "TrainerDay", audience, flow);
          if (["connected", "not_connected", "not_configured"].includes(status)) assert.equal(message, null, status);
          else {
            assert.ok(message, `${status} has a sentence`);
            assert.doesNotMatch(message.text, FORBIDDEN, `${status} ${audience} ${flow}`);
            assert.match(message.text, /\.$/, "a whole sentence");
          }
        }
  });

  it("says what the issue's examples say for a refused grant and an outage, and who links an admin-linked service again", () => {
    assert.equal(statusMessage("needs_reauth", "TrainerDay", "athlete")?.text, "TrainerDay stopped accepting TrainLink. Reconnect to fix it.");
    assert.equal(
      statusMessage("refresh_failing", "enduco", "athlete")?.text,
      "enduco is not answering right now. TrainLink will try again automatically.",
    );
    assert.match(statusMessage("needs_reauth", "ExorLive", "athlete", "server_to_server")!.text, /Ask an administrator to link ExorLive again\./);
    assert.match(statusMessage("needs_reauth", "TrainerDay", "coach")!.text, /The athlete needs to reconnect it\./);
  });

  it("no card that needs a reconnect, or whose access is ending or gone, says when the access expires", () => {
    for (const status of ["needs_reauth", "revocation_pending", "revoked_by_service", "not_connected"] as const)
      assert.equal(showsExpiry(status), false);
    for (const status of ["connected", "expiring", "refresh_failing", "missing_permissions"] as const) assert.equal(showsExpiry(status), true);
  });

  it("every refresh failure kind and every link failure code is a plain sentence", () => {
    for (const kind of ["reauth", "transient", "credentials", "busy"] satisfies RefreshFailureKind[])
      assert.doesNotMatch(refreshFailureMessage(kind, "enduco"), FORBIDDEN, kind);
    for (const code of LINK_FAILURE_CODES) {
      const sentence = linkFailureMessage(code, "TrainerDay");
      assert.doesNotMatch(sentence, FORBIDDEN, code);
      assert.match(sentence, /TrainerDay/, code);
    }
  });

  it("Disconnect promises only what each service can do", () => {
    const text = Object.fromEntries(SERVICES.map((s) => [s.id, disconnectDialogText(s)]));
    // FitRankings has no revocation endpoint: TrainLink forgets its access, FitRankings keeps the authorization.
    assert.match(text.fitrankings!, /TrainLink forgets its access to FitRankings/);
    assert.match(text.fitrankings!, /FitRankings keeps your authorization until you remove it there/);
    assert.match(text.fitrankings!, /FitRankings account settings/);
    assert.doesNotMatch(text.fitrankings!, /asks FitRankings to end/);
    // ExorLive is linked by an administrator, and has no revocation endpoint either.
    assert.match(text.exorlive!, /ask an administrator to link it again/);
    assert.doesNotMatch(text.exorlive!, /connect again at any time/);
    assert.match(text.exorlive!, /ExorLive keeps your authorization/);
    // TrainerDay and enduco revoke at the service, and the athlete links them again.
    for (const id of ["trainerday", "enduco"]) {
      assert.match(text[id]!, /asks .* to end its access/);
      assert.match(text[id]!, /You can connect again at any time\./);
    }
    for (const sentence of Object.values(text)) assert.doesNotMatch(sentence, FORBIDDEN);
  });

  it("the roster tooltip names both times with the given formatter, or says never", () => {
    assert.equal(rosterCellSummary(null, null, String), "Never refreshed · Never verified");
    assert.equal(
      rosterCellSummary(1, 2, (ms) => `t${ms}`),
      "Last refreshed t1 · Last verified t2",
    );
  });
});
