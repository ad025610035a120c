/**
 * The Kubernetes half as Pulumi applies it: the cdk8s app built in process from the same spec that
 * `npm run synth` reads, one group of plain objects per chart. There is no second copy of any manifest.
 */
import { buildApp, renderCharts } from '../charts-gen/app';
import { podTemplateGpus, READY_REPLICAS_ANNOTATION } from '../charts-gen/well-known';
import type { DeploymentSpec, GpuProvisioning } from '../spec';

/** A Kubernetes object as a chart's `toJson()` returns it. */
export interface KubeObject {
  readonly apiVersion: string;
  readonly kind: string;
  readonly metadata?: {
    readonly name?: string;
    readonly namespace?: string;
    readonly annotations?: Readonly<Record<string, string>>;
    readonly [field: string]: unknown;
  };
  readonly [field: string]: unknown;
}

export interface ChartObjects {
  /** The chart id: stable, it prefixes the Pulumi resource names of the chart's objects. */
  readonly id: string;
  readonly objects: readonly KubeObject[];
}

/** Every chart of the cdk8s app, in the app's order (metrics reader, pools, gateway), rendered in one pass. */
export function chartObjects(spec: DeploymentSpec): ChartObjects[] {
  return renderCharts(buildApp(spec)).map((chart) => ({ id: chart.id, objects: chart.objects as KubeObject[] }));
}

/** Annotations only Pulumi reads; Kubernetes stores and ignores them. */
export const PULUMI_ANNOTATION_PREFIX = 'pulumi.com/';

/**
 * How long `pulumi up` waits for a model server Deployment to become ready: GPU nodes start from zero,
 * then vLLM downloads and loads a 16 GB model (typically 10 to 20 minutes in all). Pulumi's default of
 * 10 minutes would fail the update while the rollout is still healthy. The bound is no longer than that
 * needs: a scale-up that can never happen (no capacity in the zones; quota is checked before the cluster,
 * quota.ts) fails here, and docs/deploy.md says what to look at.
 */
export const MODEL_SERVER_TIMEOUT_SECONDS = 2400;
/**
 * Flex-start capacity comes from the Dynamic Workload Scheduler, which may hold a node request for a while
 * before it is fulfilled: such pools get an hour.
 */
export const FLEX_START_MODEL_SERVER_TIMEOUT_SECONDS = 3600;

/** The model servers' wait for a GPU pool's provisioning model. */
export function modelServerTimeoutSeconds(provisioning: GpuProvisioning): number {
  return provisioning === 'flex-start' ? FLEX_START_MODEL_SERVER_TIMEOUT_SECONDS : MODEL_SERVER_TIMEOUT_SECONDS;
}
/** How long `pulumi up` waits for GKE to program the Gateway's load balancer. */
export const GATEWAY_TIMEOUT_SECONDS = 1200;

const requestsGpus = (object: KubeObject): boolean => podTemplateGpus((object.spec as { template?: unknown } | undefined)?.template) > 0;

/**
 * `pulumi.com/waitFor` for a Deployment whose healthy state is `ready` Ready replicas out of `replicas`.
 * pulumi-kubernetes' own Deployment await wants every replica of the new ReplicaSet Ready
 * (provider/pkg/await/deployment.go, `readyReplicas >= specReplicas`), which a leader-elected picker never
 * reaches. A waitFor annotation replaces that await (provider/pkg/await/await.go: built-in logic only
 * `!custom`); a JSON array of expressions must all hold at once on one observed object, and a JSONPath
 * expression holds only once `status.observedGeneration` has caught up (condition/jsonpath.go).
 * `updatedReplicas` = replicas says the Recreate rollout has replaced every old pod, so the one Ready
 * replica is a new pod, not the old leader still counted in a stale status.
 */
export function readyReplicasWaitFor(ready: number, replicas: number): string {
  return JSON.stringify([`jsonpath={.status.readyReplicas}=${ready}`, `jsonpath={.status.updatedReplicas}=${replicas}`]);
}

function partialReadiness(object: KubeObject): { ready: number; replicas: number } | undefined {
  const value = object.metadata?.annotations?.[READY_REPLICAS_ANNOTATION];
  const replicas = (object.spec as { replicas?: unknown } | undefined)?.replicas;
  if (value === undefined || typeof replicas !== 'number') return undefined;
  return { ready: Number(value), replicas };
}

/**
 * Adds Pulumi's await instructions to the objects that need them, and nothing else:
 * - the Gateway waits for its `Programmed` condition, so the address is assigned when `pulumi up`
 *   reads it (Pulumi does not wait for custom resources on its own);
 * - GPU Deployments and Jobs (the weights fill) get a longer, bounded timeout (`modelServerTimeoutSeconds`);
 * - a Deployment healthy with fewer Ready replicas than it runs (the leader-elected picker) waits for
 *   that many (see readyReplicasWaitFor).
 * Everything outside `metadata.annotations["pulumi.com/..."]` stays exactly as cdk8s synthesized it.
 */
export function withPulumiAwait(object: KubeObject, modelServerTimeout: number = MODEL_SERVER_TIMEOUT_SECONDS): KubeObject {
  const extra: Record<string, string> = {};
  const partial = object.kind === 'Deployment' ? partialReadiness(object) : undefined;
  if (object.kind === 'Gateway' && object.apiVersion.startsWith('gateway.networking.k8s.io/')) {
    extra[`${PULUMI_ANNOTATION_PREFIX}waitFor`] = 'condition=Programmed';
    extra[`${PULUMI_ANNOTATION_PREFIX}timeoutSeconds`] = String(GATEWAY_TIMEOUT_SECONDS);
  } else if ((object.kind === 'Deployment' && requestsGpus(object)) || object.kind === 'Job') {
    // A Job (the weights fill) is awaited until it completes: a 16 GB copy outlasts the default too.
    extra[`${PULUMI_ANNOTATION_PREFIX}timeoutSeconds`] = String(modelServerTimeout);
  } else if (partial !== undefined) {
    extra[`${PULUMI_ANNOTATION_PREFIX}waitFor`] = readyReplicasWaitFor(partial.ready, partial.replicas);
  }
  if (Object.keys(extra).length === 0) return object;
  return { ...object, metadata: { ...object.metadata, annotations: { ...object.metadata?.annotations, ...extra } } };
}
