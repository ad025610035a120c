import * as gcp from '@pulumi/gcp';
import * as pulumi from '@pulumi/pulumi';
import { isAutoscaled, METRICS_ADAPTER, type DeploymentSpec } from '../spec';
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
 * What the workloads' Kubernetes service accounts may do in Google Cloud: the Custom Metrics Stackdriver
 * Adapter reads Cloud Monitoring when a pool autoscales (without it the HPA sees no metric and never
 * scales). Created only for the features the spec turns on.
 */
export class WorkloadAccess extends pulumi.ComponentResource {
  readonly grants: readonly pulumi.CustomResource[];

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
    this.grants = grants;
    this.registerOutputs({});
  }
}
