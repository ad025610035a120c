import { createHash } from 'node:crypto';
import * as gcp from '@pulumi/gcp';
import * as pulumi from '@pulumi/pulumi';
import { childOptions } from './options';

export interface NodeIdentityArgs {
  /** The cluster's name; names the account. */
  readonly clusterName: string;
  /** Project that runs the cluster and owns the account. */
  readonly project: string;
}

/**
 * Project roles of the nodes' service account:
 * - `roles/container.defaultNodeServiceAccount`, the minimum GKE documents for node service accounts
 *   (logging.logEntries.create, monitoring.timeSeries.create, monitoring.metricDescriptors.*,
 *   autoscaling.sites.writeMetrics). Managed Prometheus' collectors on the nodes write their samples with
 *   monitoring.timeSeries.create, which this role holds.
 * - `roles/artifactregistry.reader`: image pulls from the project's Artifact Registry. The guide's images
 *   are public (Docker Hub, registry.k8s.io), but mirroring them into the project is the usual way round
 *   registry rate limits, and the Compute Engine default account that used to cover this gets no
 *   automatic grants in organisations created since May 2024.
 * @see https://cloud.google.com/kubernetes-engine/security/configure-node-service-accounts
 */
export const NODE_ROLES = ['roles/container.defaultNodeServiceAccount', 'roles/artifactregistry.reader'] as const;

/**
 * Service account ids are 6 to 30 characters. `<cluster>-nodes` when it fits; a longer cluster name is
 * cut and made unique again with a short hash of the whole name.
 */
export function nodeServiceAccountId(clusterName: string): string {
  const plain = `${clusterName}-nodes`;
  if (plain.length <= 30) return plain;
  const hash = createHash('sha256').update(clusterName).digest('hex').slice(0, 4);
  return `${clusterName.slice(0, 19).replace(/-+$/, '')}-${hash}-nodes`;
}

/**
 * The identity both node pools run as: a dedicated service account with the roles above, instead of the
 * Compute Engine default account, whose automatic Editor grant organisations commonly remove (the
 * iam.automaticIamGrantsForDefaultServiceAccounts constraint), leaving nodes unable to log, report
 * metrics or pull private images.
 */
export class NodeIdentity extends pulumi.ComponentResource {
  readonly account: gcp.serviceaccount.Account;
  readonly email: pulumi.Output<string>;
  /** The account id, known before deploy: it feeds the node pools' names (see node-pools.ts). */
  readonly accountId: string;
  /** Pools must wait for these: a node without its roles cannot report or pull. */
  readonly grants: readonly gcp.projects.IAMMember[];

  constructor(name: string, args: NodeIdentityArgs, opts?: pulumi.ComponentResourceOptions) {
    super('inference-gateway:infra:NodeIdentity', name, {}, opts);
    const child = childOptions(this, opts);
    this.accountId = nodeServiceAccountId(args.clusterName);
    this.account = new gcp.serviceaccount.Account(
      `${name}-nodes`,
      { project: args.project, accountId: this.accountId, displayName: `GKE nodes of ${args.clusterName}` },
      child,
    );
    this.email = this.account.email;
    this.grants = NODE_ROLES.map(
      (role) =>
        new gcp.projects.IAMMember(
          `${name}-nodes-${role.split('/')[1].replace(/\./g, '-')}`,
          { project: args.project, role, member: pulumi.interpolate`serviceAccount:${this.account.email}` },
          child,
        ),
    );
    this.registerOutputs({ email: this.email });
  }
}
