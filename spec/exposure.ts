/**
 * What an open Gateway exposes, in words, for `npm run plan` and the `pulumi up` outputs. The guide's
 * default (a plain HTTP listener on an external load balancer, no access control) stays reproducible, but
 * never silently: whoever deploys it is told, with the fields that close it (docs/deploy.md).
 */
import { GATEWAY_CLASS_SECURITY } from './gateway-security';
import type { DeploymentSpec } from './types';

/**
 * One line per gap of an external Gateway: no TLS, no access control. Empty for an internal Gateway (only
 * the VPC reaches it) and for an external one with both.
 */
export function exposureWarnings(spec: DeploymentSpec): string[] {
  const gateway = spec.gateway;
  if (!GATEWAY_CLASS_SECURITY[gateway.className].external) return [];
  const lines: string[] = [];
  if (gateway.access === undefined) {
    lines.push(
      `Gateway ${gateway.name} (${gateway.className}) has no access control: anyone on the internet can send requests to its address and use the GPUs behind it; set gateway.access.allowedSourceRanges`,
    );
  }
  if (gateway.tls === undefined) {
    lines.push(`Gateway ${gateway.name} serves plain HTTP on port ${gateway.listenerPort}: prompts and answers cross the internet unencrypted; set gateway.tls`);
  }
  return lines;
}

/** The warnings as `npm run plan` prints them after the outputs; nothing for a closed Gateway. */
export function exposureSection(lines: readonly string[]): string {
  return lines.length === 0 ? '' : `\nExposure (docs/deploy.md, "Close the open default"):\n${lines.map((line) => `  warning: ${line}\n`).join('')}`;
}
