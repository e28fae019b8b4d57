import { AsyncLocalStorage } from "node:async_hooks";

/**
 * The per-process queue every SQLite statement and transaction goes through (docs/database.md, issue 14).
 *
 * better-sqlite3 runs each statement synchronously on one connection. Once the data layer is asynchronous, a
 * transaction's body awaits between its statements, and without this queue the statements of other requests
 * would run in those gaps, on the same connection, inside the open transaction (committed or rolled back with
 * it). So:
 * - `exclusive(body)` waits its turn, then runs `body` (BEGIN … COMMIT) alone: the queue holds every other
 *   statement of this process until it settles. Statements issued from within `body` (its async context,
 *   tracked by AsyncLocalStorage) run at once.
 * - `statement(run)` runs at once when nothing is queued or when called from inside the running transaction;
 *   otherwise it waits behind what is queued (first in, first out).
 *
 * Other processes on the same file are kept apart by SQLite's own locks (BEGIN IMMEDIATE, busy timeout).
 */
export class SqliteQueue {
  private tail: Promise<unknown> = Promise.resolve();
  private pending = 0;
  private readonly inside = new AsyncLocalStorage<true>();

  /** True when called from within the body of the running exclusive section. */
  holding(): boolean {
    return this.inside.getStore() === true;
  }

  /** Statements and sections queued or running (0 when idle). */
  get depth(): number {
    return this.pending;
  }

  /** Runs the synchronous `run` (one statement) now, or after what is queued; resolves to its result. */
  statement<T>(run: () => T): Promise<T> {
    if (this.pending === 0 || this.holding()) {
      try {
        return Promise.resolve(run());
      } catch (error) {
        return Promise.reject(error as Error);
      }
    }
    return this.enqueue(async () => run());
  }

  /**
   * Runs `body` alone (no statement of another caller in this process runs until it settles); resolves or
   * rejects with it. Throws when called from inside another exclusive section (a nested transaction must use
   * the transaction handle it was given, which makes a savepoint).
   */
  exclusive<T>(body: () => Promise<T>): Promise<T> {
    if (this.holding()) {
      return Promise.reject(new Error("A transaction was started inside another one: use the transaction handle (tx) given to the outer one."));
    }
    return this.enqueue(() => this.inside.run(true, body));
  }

  private enqueue<T>(job: () => Promise<T>): Promise<T> {
    this.pending += 1;
    const result = this.tail.then(job);
    this.tail = result.then(
      () => (this.pending -= 1),
      () => (this.pending -= 1),
    );
    return result;
  }
}
