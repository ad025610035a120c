import * as gcp from '@pulumi/gcp';
import * as pulumi from '@pulumi/pulumi';
import { isAutoscaled, METRICS_ADAPTER, WEIGHTS_BUCKET_ROLES, weightsFromGcs, weightsServiceAccounts, type DeploymentSpec } from '../spec';
import { childOptions, invokeOptions } from './options';

export interface WorkloadAccessArgs {
  readonly spec: DeploymentSpec;
  /** Project that runs the cluster; its Workload Identity pool is `<project>.svc.id.goog`. */
  readonly project: string;
}

/**
 * The IAM principal of a Kubernetes service account under Workload Identity Federation for GKE, granted
 * roles directly (no Google service account to impersonate):
 * `principal://iam.googleapis.com/projects/<number>/locations/global/workloadIdentityPools/<project>.svc.id.goog/subject/ns/<namespace>/sa/<name>`
 * (GKE "Authenticate to Google Cloud APIs from GKE workloads"; the cluster's pool is set in cluster.ts).
 */
export function workloadPrincipal(projectNumber: string, project: string, namespace: string, serviceAccount: string): string {
  return `principal://iam.googleapis.com/projects/${projectNumber}/locations/global/workloadIdentityPools/${project}.svc.id.goog/subject/ns/${namespace}/sa/${serviceAccount}`;
}

/**
 * What the workloads' Kubernetes service accounts may do in Google Cloud, created only for the features
 * the spec turns on:
 * - the Custom Metrics Stackdriver Adapter reads Cloud Monitoring when a pool autoscales (without it the
 *   HPA sees no metric and never scales);
 * - a pool with `weightsFrom: gcs` gets its bucket in the cluster's region (uniform bucket-level access,
 *   public access prevented), which its fill Job may write and its model server may only read.
 */
export class WorkloadAccess extends pulumi.ComponentResource {
  readonly grants: readonly pulumi.CustomResource[];
  /** Buckets of model weights, by name. */
  readonly buckets: ReadonlyMap<string, gcp.storage.Bucket>;

  constructor(name: string, args: WorkloadAccessArgs, opts?: pulumi.ComponentResourceOptions) {
    super('inference-gateway:infra:WorkloadAccess', name, {}, opts);
    const { spec, project } = args;
    const child = childOptions(this, opts);
    const grants: pulumi.CustomResource[] = [];
    // Looked up once, and only when some grant needs it.
    let projectNumber: pulumi.Output<string> | undefined;
    const principal = (namespace: string, serviceAccount: string) => {
      projectNumber ??= gcp.organizations.getProjectOutput({ projectId: project }, invokeOptions(this, opts)).apply((found) => found.number ?? '');
      return projectNumber.apply((number) => workloadPrincipal(number, project, namespace, serviceAccount));
    };

    if (spec.pools.some(isAutoscaled)) {
      grants.push(
        new gcp.projects.IAMMember(
          `${name}-metrics-adapter`,
          { project, role: METRICS_ADAPTER.projectRole, member: principal(METRICS_ADAPTER.namespace, METRICS_ADAPTER.serviceAccount) },
          child,
        ),
      );
    }
    const buckets = new Map<string, gcp.storage.Bucket>();
    for (const pool of spec.pools.filter(weightsFromGcs)) {
      const bucketName = pool.modelServer.weightsBucket as string;
      let bucket = buckets.get(bucketName);
      if (bucket === undefined) {
        bucket = new gcp.storage.Bucket(
          `${name}-${bucketName}`,
          {
            project,
            name: bucketName,
            // The provider stores locations upper-case; written so, a region never shows as a change.
            location: spec.cluster.region.toUpperCase(),
            uniformBucketLevelAccess: true,
            publicAccessPrevention: 'enforced',
            // Refuse to delete a bucket that still holds weights; emptying it is a deliberate act.
            forceDestroy: false,
          },
          child,
        );
        buckets.set(bucketName, bucket);
      }
      const accounts = weightsServiceAccounts(pool);
      for (const [who, role] of [['modelServer', WEIGHTS_BUCKET_ROLES.modelServer], ['fill', WEIGHTS_BUCKET_ROLES.fill]] as const) {
        grants.push(
          new gcp.storage.BucketIAMMember(
            `${name}-${pool.name}-${who === 'fill' ? 'fill' : 'model-server'}-${bucketName}`,
            { bucket: bucket.name, role, member: principal(spec.namespace, accounts[who]) },
            child,
          ),
        );
      }
    }
    this.buckets = buckets;
    this.grants = grants;
    this.registerOutputs({});
  }
}
