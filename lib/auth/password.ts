import { hash, verify } from "@node-rs/argon2";

/**
 * argon2id at OWASP's password-storage recommendation: 19 MiB memory (19456 KiB), 2 iterations,
 * parallelism 1. @node-rs/argon2 defaults to the argon2id variant; tests assert the `$argon2id$` prefix.
 */
const PARAMS = { memoryCost: 19_456, timeCost: 2, parallelism: 1 } as const;

/** Hashes a password with argon2id; resolves to a PHC string (`$argon2id$v=19$m=19456,t=2,p=1$…`). */
export function hashPassword(password: string): Promise<string> {
  return hash(password, PARAMS);
}

let dummyHash: Promise<string> | undefined;

/**
 * Checks `password` against `passwordHash`. With no hash (unknown email, or a user without a password) it
 * still verifies against a dummy hash, so an unknown email costs the same time as a wrong password and the
 * answer reveals nothing about which emails exist (OWASP authentication: no user enumeration).
 */
export async function verifyPassword(passwordHash: string | null | undefined, password: string): Promise<boolean> {
  if (!passwordHash) {
    dummyHash ??= hashPassword("no-user-dummy-password");
    await verify(await dummyHash, password).catch(() => false);
    return false;
  }
  return verify(passwordHash, password).catch(() => false);
}
