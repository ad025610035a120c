/**
 * Stand-ins for the consumers that wait on a Deployment, each reproducing the documented rule that
 * decides when it is done, and a model of the Deployment's status through a Recreate rollout of a
 * leader-elected endpoint picker.
 */

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

/** One leader-elected picker pod as the Deployment controller counts it. */
export interface PickerPod {
  /** ReplicaSet revision the pod belongs to. */
  readonly revision: number;
  /** Passes its readiness probe (only the leader does). */
  readonly ready: boolean;
}

export interface DeploymentState {
  readonly generation: number;
  readonly observedGeneration?: number;
  /** `deployment.kubernetes.io/revision`: the newest ReplicaSet's revision. */
  readonly revision: number;
  readonly pods: readonly PickerPod[];
  /**
   * The status as last written, when it lags the pods: the Deployment controller computes it from the
   * ReplicaSets' own status (pkg/controller/deployment/sync.go calculateStatus), which the ReplicaSet
   * controller updates after pods change.
   */
  readonly staleStatus?: Json;
  /** `progressDeadlineSeconds` passed without the rollout completing. */
  readonly deadlineExceeded?: boolean;
}

/**
 * The Deployment as the API server returns it in `state`. Status fields as the Deployment controller
 * writes them for strategy Recreate (pkg/controller/deployment): `replicas`, `updatedReplicas`,
 * `readyReplicas`, `availableReplicas` (minReadySeconds 0: Ready is available), zero-valued counts left
 * out (omitempty); `Available` needs `availableReplicas >= replicas - maxUnavailable`, and maxUnavailable
 * is 0 for Recreate (deploymentutil.MaxUnavailable); `Progressing` turns `NewReplicaSetAvailable` only once
 * every replica is updated and available (DeploymentComplete), else `ProgressDeadlineExceeded` after the
 * deadline.
 */
export function deploymentObject(manifest: Json, state: DeploymentState): Json {
  const desired: number = manifest.spec.replicas;
  const newPods = state.pods.filter((pod) => pod.revision === state.revision);
  const counts = {
    replicas: state.pods.length,
    updatedReplicas: newPods.length,
    readyReplicas: state.pods.filter((pod) => pod.ready).length,
    availableReplicas: state.pods.filter((pod) => pod.ready).length,
  };
  const complete = counts.updatedReplicas === desired && counts.availableReplicas === desired && counts.replicas === desired;
  const computed: Json = Object.fromEntries(Object.entries(counts).filter(([, value]) => value !== 0));
  computed.conditions = [
    { type: 'Available', status: counts.availableReplicas >= desired ? 'True' : 'False', reason: counts.availableReplicas >= desired ? 'MinimumReplicasAvailable' : 'MinimumReplicasUnavailable' },
    complete
      ? { type: 'Progressing', status: 'True', reason: 'NewReplicaSetAvailable' }
      : state.deadlineExceeded
        ? { type: 'Progressing', status: 'False', reason: 'ProgressDeadlineExceeded' }
        : { type: 'Progressing', status: 'True', reason: 'ReplicaSetUpdated' },
  ];
  const status = state.observedGeneration === undefined ? {} : { ...(state.staleStatus ?? computed), observedGeneration: state.observedGeneration };
  return {
    ...manifest,
    metadata: { ...manifest.metadata, generation: state.generation, annotations: { ...manifest.metadata.annotations, 'deployment.kubernetes.io/revision': String(state.revision) } },
    status,
  };
}

/**
 * What the cluster shows while the picker Deployment (2 replicas, leader election, Recreate) is created
 * and then updated. Recreate scales the old ReplicaSet to zero and creates new pods only once no old pod
 * runs (pkg/controller/deployment/recreate.go); a new pod becomes Ready once it wins the lease the old
 * leader gave up.
 */
export function pickerLifecycle(manifest: Json): { create: Json[]; update: Json[] } {
  const n: number = manifest.spec.replicas;
  const pods = (revision: number, leader: boolean): PickerPod[] => Array.from({ length: n }, (_, i) => ({ revision, ready: leader && i === 0 }));
  const create: DeploymentState[] = [
    { generation: 1, revision: 1, pods: [] },
    { generation: 1, observedGeneration: 1, revision: 1, pods: pods(1, false) },
    { generation: 1, observedGeneration: 1, revision: 1, pods: pods(1, true) },
    { generation: 1, observedGeneration: 1, revision: 1, pods: pods(1, true), deadlineExceeded: true },
  ];
  const oldStatus = deploymentObject(manifest, create[2]).status;
  const update: DeploymentState[] = [
    // The new template is stored; the controller has not seen it yet.
    { generation: 2, observedGeneration: 1, revision: 1, pods: pods(1, true), staleStatus: oldStatus },
    // Seen: old pods are stopping, but the status still counts the old leader as Ready.
    { generation: 2, observedGeneration: 2, revision: 2, pods: [], staleStatus: { ...oldStatus, updatedReplicas: undefined } },
    { generation: 2, observedGeneration: 2, revision: 2, pods: [] },
    { generation: 2, observedGeneration: 2, revision: 2, pods: pods(2, false) },
    { generation: 2, observedGeneration: 2, revision: 2, pods: pods(2, true) },
  ];
  return { create: create.map((state) => deploymentObject(manifest, state)), update: update.map((state) => deploymentObject(manifest, state)) };
}

/**
 * pulumi-kubernetes' `kubectl get -o jsonpath` subset used by `pulumi.com/waitFor`: `jsonpath={.a.b}` or
 * `jsonpath={.a.b}=value` (provider/pkg/jsonpath/jsonpath.go Parse: the `jsonpath=` prefix and braces are
 * required, one `=` separates the value). A path selecting nothing does not match; a match compares the
 * printed value (fmt.Sprint) with the expected one.
 */
function jsonPathHolds(expression: string, object: Json): boolean {
  const match = /^jsonpath=\{\.([A-Za-z0-9_.]+)\}(?:=(.+))?$/.exec(expression);
  if (match === null) throw new Error(`pulumi-kubernetes refuses the expression ${expression}`);
  let value: unknown = object;
  for (const key of match[1].split('.')) value = value !== null && typeof value === 'object' ? (value as Json)[key] : undefined;
  if (value === undefined || value === null) return false;
  return match[2] === undefined || String(value) === match[2];
}

/**
 * Whether `pulumi up` (pulumi-kubernetes v4, provider/pkg/await) considers a Deployment ready on this
 * observed object:
 * - `pulumi.com/skipAwait: "true"`: at once (metadata/overrides.go ReadyCondition);
 * - `pulumi.com/waitFor`: a string or a JSON array of expressions, every one holding on the same object
 *   (condition/all.go), each only once `status.observedGeneration` >= `metadata.generation`
 *   (condition/jsonpath.go); it replaces the built-in Deployment await (await.go, `!custom`);
 * - otherwise the built-in Deployment await (await/deployment.go): `Available` True, the current
 *   revision's ReplicaSet with `readyReplicas >= spec.replicas`, and after the first revision `Progressing`
 *   True with reason `NewReplicaSetAvailable`. Ready pods of the current revision stand in for its
 *   ReplicaSet's `readyReplicas`.
 */
export function pulumiDeploymentReady(inputs: Json, observed: Json, currentRevisionReadyPods: number): boolean {
  const annotations: Record<string, string> = inputs.metadata?.annotations ?? {};
  if (annotations['pulumi.com/skipAwait'] === 'true') return true;
  const waitFor = annotations['pulumi.com/waitFor'];
  if (waitFor !== undefined) {
    let expressions: string[];
    try {
      expressions = JSON.parse(waitFor) as string[];
    } catch {
      expressions = [waitFor];
    }
    const generation = observed.metadata?.generation;
    const observedGeneration = observed.status?.observedGeneration;
    if (generation !== undefined && observedGeneration !== undefined && observedGeneration < generation) return false;
    return expressions.every((expression) => jsonPathHolds(expression, observed));
  }
  const conditions: Json[] = observed.status?.conditions ?? [];
  const available = conditions.some((c) => c.type === 'Available' && c.status === 'True');
  const progressed = conditions.some((c) => c.type === 'Progressing' && c.status === 'True' && c.reason === 'NewReplicaSetAvailable');
  const revision = observed.metadata.annotations['deployment.kubernetes.io/revision'];
  return available && (revision === '1' || progressed) && currentRevisionReadyPods >= inputs.spec.replicas;
}

/** Ready pods of the newest revision in a lifecycle object (the model keeps them in the status counts). */
export function currentRevisionReadyPods(observed: Json): number {
  return observed.status?.updatedReplicas === undefined ? 0 : (observed.status?.readyReplicas ?? 0);
}
