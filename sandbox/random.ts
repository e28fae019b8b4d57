/** A small seeded PRNG for `random_faults` (deterministic after `POST /__sandbox/seed`). */
import { SERVICE_IDS, type ServiceId } from "./config.js";

/** mulberry32: a 32-bit seeded generator of numbers in [0, 1). Not for anything secret. */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * The 32-bit seed of one service's stream: the control seed (modulo 2^32) offset per service, so that
 * requests to one service do not shift another service's sequence.
 */
export function serviceSeed(seed: number, service: ServiceId): number {
  const index = SERVICE_IDS.indexOf(service);
  return ((seed >>> 0) + Math.imul(index + 1, 0x9e3779b9)) >>> 0; // `>>> 0` is exact modulo 2^32
}
