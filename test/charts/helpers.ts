/**
 * Helpers for the Kubernetes-half tests: synthesize constructs and whole apps in memory (nothing is
 * written to disk) and find objects in the result.
 */
import { Testing, type Chart } from 'cdk8s';
import { addModelServer, buildApp } from '../../charts-gen/app';
import { InferencePool } from '../../charts-gen/inference-pool';
import { MetricsReader } from '../../charts-gen/metrics-reader';
import { ModelServer } from '../../charts-gen/model-server';
import { version as TOOL_VERSION } from '../../package.json';
import { extensionRelease, guideMetricsReader, poolMetrics, resolveSpec, type DeploymentSpec, type PoolSpec } from '../../spec';

/** One synthesized Kubernetes object, as `toJson()` emits it. */
export interface K8sObject {
  readonly apiVersion: string;
  readonly kind: string;
  readonly metadata: {
    readonly name: string;
    readonly namespace?: string;
    readonly labels?: Record<string, string>;
    readonly annotations?: Record<string, string>;
  };
  // Manifests are checked field by field against the guide; their bodies are deliberately untyped.
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  readonly [field: string]: any;
}

/**
 * The common labels of the default spec (namespace default, Gateway inference-gateway), spelled out: every
 * object carries them (charts-gen/common-labels.ts). An object with its own version label keeps it.
 */
export const COMMON_LABELS: Readonly<Record<string, string>> = {
  'app.kubernetes.io/part-of': 'inference-gateway',
  'app.kubernetes.io/managed-by': 'inference-gateway',
  'app.kubernetes.io/instance': 'default.inference-gateway',
  'app.kubernetes.io/version': TOOL_VERSION,
};
/** The common labels without the version, for objects that carry their own component version. */
export const { 'app.kubernetes.io/version': _toolVersion, ...COMMON_LABELS_BUT_VERSION } = COMMON_LABELS;

/** The guide's deployment: the built-in defaults. */
export function guideSpec(): DeploymentSpec {
  return resolveSpec({}, 'test defaults');
}

/** The guide's single pool (`vllm-llama3-8b-instruct`). */
export function guidePool(): PoolSpec {
  return guideSpec().pools[0];
}

/** Every object of a whole app built from `spec`, chart by chart, without writing files. */
export function synthApp(spec: DeploymentSpec = guideSpec()): K8sObject[] {
  return buildApp(spec, 'unused-outdir').charts.flatMap((chart) => chart.toJson() as K8sObject[]);
}

/** Objects of each chart of the app, keyed by chart id. */
export function synthCharts(spec: DeploymentSpec = guideSpec()): Record<string, K8sObject[]> {
  const charts = buildApp(spec, 'unused-outdir').charts;
  return Object.fromEntries(charts.map((chart) => [chart.node.id, chart.toJson() as K8sObject[]]));
}

/** Objects of the given resolved spec document (partial, merged with the defaults). */
export function synthDocument(doc: unknown): K8sObject[] {
  return synthApp(resolveSpec(doc, 'test spec'));
}

/** Builds constructs in a fresh test chart and returns what they synthesize. */
export function synthConstruct(build: (chart: Chart) => void): K8sObject[] {
  const chart = Testing.chart();
  build(chart);
  return Testing.synth(chart) as K8sObject[];
}

/** The guide pool's adapters ConfigMap and vLLM Deployment, as PoolChart wires them. */
export function buildModelServer(chart: Chart, pool: PoolSpec = guidePool(), namespace = 'default'): ModelServer {
  return addModelServer(chart, namespace, pool);
}

/**
 * The guide pool's InferencePool with its endpoint picker and GKE policies, on top of its model server,
 * and (unless `monitoring` is false) the metrics reader whose token scrapes the picker.
 */
export function buildInferencePool(chart: Chart, pool: PoolSpec = guidePool(), monitoring = true): InferencePool {
  const modelServer = buildModelServer(chart, pool);
  const metricsReader = monitoring ? new MetricsReader(chart, 'MetricsReader', { namespace: 'default', names: guideMetricsReader('default', 'gmp-system') }) : undefined;
  return new InferencePool(chart, 'InferencePool', {
    namespace: 'default',
    modelServer,
    release: extensionRelease('v0.3.0'),
    endpointPicker: pool.endpointPicker,
    vllmMetrics: poolMetrics(pool),
    backendTimeoutSeconds: pool.backendTimeoutSeconds,
    metricsReader,
  });
}

/** All objects of a kind. */
export function findAll(objects: readonly K8sObject[], kind: string): K8sObject[] {
  return objects.filter((object) => object.kind === kind);
}

/** The one object of this kind and name; fails the test with the names present when it is missing. */
export function findObject(objects: readonly K8sObject[], kind: string, name: string): K8sObject {
  const matches = objects.filter((object) => object.kind === kind && object.metadata.name === name);
  if (matches.length !== 1) {
    const present = objects.map((object) => `${object.kind}/${object.metadata.name}`).join(', ');
    throw new Error(`expected exactly one ${kind}/${name}, found ${matches.length}; objects: ${present}`);
  }
  return matches[0];
}

/** `kind/name` of every object, sorted: an inventory to compare with the guide's list. */
export function inventory(objects: readonly K8sObject[]): string[] {
  return objects.map((object) => `${object.kind}/${object.metadata.name}`).sort();
}

/** A named container of a pod template (regular or init container). */
export function findContainer(workload: K8sObject, name: string): K8sObject {
  const pod = workload.spec.template.spec;
  const containers = [...(pod.containers ?? []), ...(pod.initContainers ?? [])];
  const matches = containers.filter((container: K8sObject) => container.name === name);
  if (matches.length !== 1) throw new Error(`expected one container ${name} in ${workload.kind}/${workload.metadata.name}`);
  return matches[0];
}

/** Value of a named env var of a container (the whole entry, to see valueFrom as well). */
export function findEnv(container: K8sObject, name: string): K8sObject | undefined {
  return (container.env ?? []).find((entry: K8sObject) => entry.name === name);
}

/** The value following a flag in an argument list (`--port 8000` -> '8000'). */
export function argValue(args: readonly string[], flag: string): string | undefined {
  const index = args.indexOf(flag);
  return index < 0 ? undefined : args[index + 1];
}

/** Every string anywhere inside a value (object keys included). */
export function allStrings(value: unknown): string[] {
  if (typeof value === 'string') return [value];
  if (Array.isArray(value)) return value.flatMap(allStrings);
  if (value !== null && typeof value === 'object') {
    return Object.entries(value).flatMap(([key, inner]) => [key, ...allStrings(inner)]);
  }
  return [];
}

/** Every container (regular and init) of every workload pod template. */
export function allContainers(objects: readonly K8sObject[]): K8sObject[] {
  return objects
    .filter((object) => object.spec?.template?.spec)
    .flatMap((object) => [...(object.spec.template.spec.containers ?? []), ...(object.spec.template.spec.initContainers ?? [])]);
}

/**
 * Whether a label selector (`matchLabels` map) selects pods with these labels (none: unlabelled). An empty
 * selector selects nothing here: a Service without a selector gets no endpoints from Kubernetes, and
 * every selector the charts write names at least one label, so an empty one is a defect to catch.
 */
export function selects(selector: Record<string, string>, labels: Record<string, string> = {}): boolean {
  return Object.keys(selector).length > 0 && Object.entries(selector).every(([key, value]) => labels[key] === value);
}
