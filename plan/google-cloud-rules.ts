/**
 * What Google Cloud does with an update the provider sends in place (the ForceNew table says "no
 * replacement"): some it refuses, some it carries out by recreating every node of a pool. Each rule names
 * its source. The plan reports a refusal as `blocked` and a node recreation as serving impact.
 */
import { isUnder } from './force-new';

type Json = Record<string, unknown>;

export interface RefusalRule {
  readonly type: string;
  /** Input paths whose in-place change is refused. */
  readonly paths: readonly string[];
  /** Applies to this resource only when this holds for its new inputs. @default always */
  readonly when?: (inputs: Json) => boolean;
  /** Whether a change from `before` to `after` is refused. @default any change */
  readonly refuses?: (before: unknown, after: unknown) => boolean;
  readonly why: string;
  readonly source: string;
}

const rangesByName = (value: unknown): Map<string, unknown> =>
  new Map(((value as Json[] | undefined) ?? []).map((range) => [String(range.rangeName), range.ipCidrRange]));

export const GOOGLE_CLOUD_REFUSES: readonly RefusalRule[] = [
  {
    type: 'gcp:compute/subnetwork:Subnetwork',
    paths: ['secondaryIpRanges'],
    // The provider patches secondary_ip_range in place (it is not ForceNew). Adding a range is fine; a
    // range the cluster's pods or services use cannot be changed or removed.
    refuses: (before, after) => {
      const [old, next] = [rangesByName(before), rangesByName(after)];
      return [...old].some(([name, cidr]) => next.get(name) !== cidr);
    },
    why: 'Google Cloud refuses to change or remove a secondary range while the cluster uses it (pod or service range); a new range needs a new cluster or an additional pod range',
    source: 'cloud.google.com/kubernetes-engine/docs/how-to/alias-ips (Limitations: a secondary range in use cannot be replaced without breaking the cluster; add Pod ranges instead); cloud.google.com/vpc/docs/subnets (secondary ranges in use cannot be removed)',
  },
  {
    type: 'gcp:compute/subnetwork:Subnetwork',
    paths: ['ipCidrRange'],
    when: (inputs) => inputs.purpose === 'REGIONAL_MANAGED_PROXY',
    // The provider sends a growing range as expandIpCidrRange (ForceNewIfChange only for shrinking).
    refuses: (before, after) => before !== after,
    why: 'Google Cloud cannot expand a proxy-only subnet in place, nor delete it while the Gateway\'s load balancer uses it; create a BACKUP proxy-only subnet, promote it to ACTIVE, then drop the old one',
    source: 'cloud.google.com/load-balancing/docs/proxy-only-subnets (changing the size or range of a proxy-only subnet: create a BACKUP subnet, promote it, drain the old one); Compute API Subnetwork.role (ACTIVE, BACKUP)',
  },
];

/**
 * Node pool fields GKE updates in place by recreating every node (a surge upgrade that drains each
 * node), as opposed to labels, taints and autoscaling limits, which it changes on the running nodes, and
 * node locations, which add or remove nodes zone by zone. Only fields known to recreate nodes are listed:
 * an unlisted in-place field shows no node recreation, so the list errs towards saying less.
 *
 * Source: cloud.google.com/kubernetes-engine/docs/concepts/node-pool-upgrade-strategies (a node
 * configuration change is rolled out like an upgrade: surge by default, maxSurge/maxUnavailable nodes at
 * a time, PodDisruptionBudgets honoured for up to an hour); the provider sends these fields with
 * UpdateNodePool (google-beta/services/container/resource_container_node_pool.go, nodePoolUpdate).
 */
export const NODE_RECREATING_FIELDS: readonly string[] = [
  'nodeConfig.machineType',
  'nodeConfig.diskSizeGb',
  'nodeConfig.diskType',
  'nodeConfig.imageType',
  'nodeConfig.workloadMetadataConfig',
  'nodeConfig.gcfsConfig',
  'nodeConfig.gvnic',
  'nodeConfig.kubeletConfig',
  'nodeConfig.linuxNodeConfig',
  'nodeConfig.fastSocket',
  'version',
];

/** The refusals that apply to one change of a resource: each with the path and why. */
export function refusals(type: string, before: Json, after: Json, changed: readonly string[]): string[] {
  const valueAt = (value: unknown, path: string): unknown => path.split('.').reduce<unknown>((at, key) => (at !== null && typeof at === 'object' ? (at as Json)[key] : undefined), value);
  return GOOGLE_CLOUD_REFUSES.filter((rule) => rule.type === type && (rule.when?.(after) ?? true)).flatMap((rule) =>
    rule.paths
      .filter((path) => changed.some((c) => isUnder(c, path)) && (rule.refuses?.(valueAt(before, path), valueAt(after, path)) ?? true))
      .map((path) => `${path}: ${rule.why}`),
  );
}

/** The node-recreating fields among the changed paths of a node pool. */
export function recreatesNodes(changed: readonly string[]): string[] {
  return changed.filter((path) => NODE_RECREATING_FIELDS.some((field) => isUnder(path, field)));
}

/** IPv4 CIDR as [first, last] address, or undefined. */
function bounds(cidr: unknown): [number, number] | undefined {
  const match = typeof cidr === 'string' ? /^(\d+)\.(\d+)\.(\d+)\.(\d+)\/(\d+)$/.exec(cidr) : null;
  if (!match) return undefined;
  const address = match.slice(1, 5).reduce((acc, octet) => acc * 256 + Number(octet), 0);
  const size = 2 ** (32 - Number(match[5]));
  const start = address - (address % size);
  return [start, start + size - 1];
}

const subnetRanges = (inputs: Json): string[] => [inputs.ipCidrRange, ...((inputs.secondaryIpRanges as Json[] | undefined) ?? []).map((range) => range.ipCidrRange)].filter((cidr): cidr is string => typeof cidr === 'string');

/**
 * Models Compute Engine's check on a new subnet: its primary and secondary ranges may not overlap any
 * range of another subnet in the same VPC network (cloud.google.com/vpc/docs/subnets, "Subnet ranges":
 * ranges must be unique and non-overlapping within a VPC network). `existing` are the subnets present
 * while it is created: the engine deletes the ones the program dropped only at the end of the update.
 */
export function overlappingRanges(created: Json, existing: readonly { readonly name: string; readonly inputs: Json }[]): string | null {
  for (const other of existing.filter((subnet) => subnet.inputs.network === created.network)) {
    for (const mine of subnetRanges(created)) {
      const theirs = subnetRanges(other.inputs).find((range) => {
        const [a, b] = [bounds(mine), bounds(range)];
        return a !== undefined && b !== undefined && a[0] <= b[1] && b[0] <= a[1];
      });
      if (theirs !== undefined) {
        return `Google Cloud refuses ${mine}: it overlaps ${theirs} of subnet ${other.name}, which still exists while this one is created (the old one is deleted only at the end of the update); give the new subnet other ranges, or remove the old one first`;
      }
    }
  }
  return null;
}
