/**
 * How long a vLLM pod needs to finish its work after SIGTERM, following the guide's method:
 *
 *   decode   = maxOutputTokens x time per output token at full batch (the slowest a token comes)
 *   drain    = decode x (1 + prefillShare)       prompt tokens of queued requests delay their outputs
 *   minimum  = preStopSleepSeconds + drain       the load balancer stops sending first, then we drain
 *   grace    = minimum x safetyFactor            a stuck GPU should not hold a node for much longer
 *
 * The guide's own example does not add up: 4096 tokens at 100 ms is 410 s, not the 40 s it writes, so its
 * 130 s grace period only covers outputs of about 400 tokens at 100 ms (or 4096 tokens at about 10 ms).
 * We keep 130 s as the default because it is the guide's operational value, and validate any explicit
 * grace period against these inputs when a spec gives them (`modelServer.drain`).
 */
import type { DrainSpec } from './types';

/** The guide's assumptions where the spec leaves them out. */
export const GUIDE_PREFILL_SHARE = 0.2;
export const GUIDE_SAFETY_FACTOR = 1.5;

/** Seconds to finish the longest request once no new ones arrive. */
export function drainSeconds(drain: DrainSpec): number {
  return ((drain.maxOutputTokens * drain.timePerOutputTokenMs) / 1000) * (1 + drain.prefillShare);
}

/** The least grace period that does not cut off a request in flight: preStop sleep plus drain time. */
export function minimumGracePeriodSeconds(drain: DrainSpec, preStopSleepSeconds: number): number {
  return Math.ceil(preStopSleepSeconds + drainSeconds(drain));
}

/** The grace period the guide's method recommends: the minimum times the safety factor. */
export function recommendedGracePeriodSeconds(drain: DrainSpec, preStopSleepSeconds: number): number {
  return Math.ceil((preStopSleepSeconds + drainSeconds(drain)) * drain.safetyFactor);
}
