import { ApiObject, App, Chart, YamlOutputType } from 'cdk8s';
import { applyPatches } from './patches';
import { k8s } from 'cdk8s-plus-30';
import type { Construct } from 'constructs';
import {
  activeVersions,
  certificateName,
  extensionRelease,
  httpsRedirectRouteName,
  modelArmorExtensionName,
  modelArmorService,
  modelArmorSettings,
  securityPolicyName,
  guideMetricsReader,
  inferencePoolCrd,
  isAutoscaled,
  maxLoraRank,
  modelServerEngine,
  poolAutoscalingMetric,
  poolMetrics,
  poolRoute,
  poolStacks,
  syncerConfig,
  syncerConfigText,
  usesBodyBasedRouting,
  weightsFromGcs,
  weightsServiceAccounts,
  weightsUri,
  type DeploymentSpec,
  type PoolSpec,
} from '../spec';
import { LoraAdapters } from './adapters';
import { applyAfter } from './apply-order';
import { ModelServerAutoscaler } from './autoscaler';
import { applyCommonLabels, commonLabels } from './common-labels';
import { mirrorImages } from './image-mirror';
import { MetricsAdapter } from './metrics-adapter';
import { WeightsFill } from './weights-fill';
import { BodyRouter } from './body-router';
import { InferenceGateway, type GatewayCertificate, type InferenceBackend, type WeightedPool } from './gateway';
import { manifestYaml } from '../spec/yaml-writer';
import { InferenceModels } from './inference-models';
import { InferenceObjectives } from './inference-objectives';
import { InferencePool } from './inference-pool';
import { MetricsReader } from './metrics-reader';
import { ModelArmorExtension } from './model-armor';
import { ModelServer } from './model-server';
import { ModelServerMonitoring } from './model-server-monitoring';
import { monitorsModelServer } from '../spec/object-names';
import { RouterPool } from './router-pool';
import { GATEWAY_CHART, MANIFEST_EXTENSION, METRICS_ADAPTER_CHART, METRICS_READER_CHART, poolChartId } from './chart-files';

export { GATEWAY_CHART, MANIFEST_EXTENSION, METRICS_ADAPTER_CHART, METRICS_READER_CHART, poolChartId };

export interface PoolChartProps {
  readonly spec: DeploymentSpec;
  readonly pool: PoolSpec;
  /** The guide's metrics reader, whose token the v0.3.0 picker's monitor sends. @default no monitoring of v0.3.0 pickers */
  readonly metricsReader?: MetricsReader;
}

/**
 * A pool's adapters ConfigMap and the vLLM Deployment that mounts it; with weights from Cloud Storage also
 * the model server's service account and the Job that fills the bucket, which the Deployment applies after.
 * `engine`: the GA picker's engine label of the pods (`modelServerEngine`).
 */
export function addModelServer(scope: Construct, namespace: string, pool: PoolSpec, engine?: string): ModelServer {
  const gcs = weightsFromGcs(pool);
  const accounts = weightsServiceAccounts(pool);
  const fill = gcs
    ? new WeightsFill(scope, 'WeightsFill', {
        namespace,
        name: accounts.fill,
        model: pool.modelServer.baseModel,
        uri: weightsUri(pool),
        downloaderImage: pool.modelServer.image,
        hfTokenSecret: pool.modelServer.hfTokenSecret,
      })
    : undefined;
  // Before the Deployment in the file too, for the appliers that go by file order (kubectl, Flux).
  const account = gcs
    ? new k8s.KubeServiceAccount(scope, 'ModelServerServiceAccount', { metadata: { name: accounts.modelServer, namespace }, automountServiceAccountToken: false })
    : undefined;
  const adapters = new LoraAdapters(scope, 'Adapters', {
    namespace,
    configMapName: pool.adapters.configMapName,
    config: syncerConfig(pool),
    configText: syncerConfigText(pool),
    syncerImage: pool.adapters.syncerImage,
  });
  const modelServer = new ModelServer(scope, 'ModelServer', {
    namespace,
    name: pool.name,
    server: pool.modelServer,
    adapters,
    healthPath: pool.healthCheck.path,
    maxLoraRank: maxLoraRank(pool),
    engine,
    autoscaled: isAutoscaled(pool),
    weights: gcs ? { uri: weightsUri(pool), serviceAccount: accounts.modelServer } : undefined,
  });
  if (fill !== undefined && account !== undefined) {
    applyAfter(modelServer.deployment, account);
    applyAfter(modelServer.deployment, fill.job);
  }
  return modelServer;
}

/**
 * One model server pool: adapters, vLLM, and for each active profile an InferencePool with its endpoint
 * picker and policies, plus that profile's model objects (InferenceModels, or InferenceObjectives). During
 * a migration both profiles' stacks select the same model server pods.
 */
export class PoolChart extends Chart {
  /** How the gateway reaches this pool. */
  readonly backend: InferenceBackend;

  constructor(scope: Construct, id: string, props: PoolChartProps) {
    super(scope, id, { disableResourceNameHashes: true });
    const { spec, pool } = props;
    const namespace = spec.namespace;
    const modelServer = addModelServer(this, namespace, pool, modelServerEngine(spec, pool));
    if (monitorsModelServer(spec, pool)) {
      // One scrape per pool at the interval of the picker the spec names; during a migration both
      // profiles' pickers read the same pods, and this one monitor serves both stacks (and an HPA).
      new ModelServerMonitoring(this, 'ModelServerMonitoring', {
        namespace,
        modelServer,
        interval: extensionRelease(spec.inferenceExtension.version).scrapeInterval,
      });
    }
    if (pool.autoscaling !== undefined) {
      new ModelServerAutoscaler(this, 'Autoscaler', {
        namespace,
        modelServer,
        autoscaling: pool.autoscaling,
        prometheusMetric: poolAutoscalingMetric(pool),
        scaleDownPodsPerMinute: Math.max(1, pool.modelServer.disruptionBudget.maxUnavailable),
      });
    }
    const vllmMetrics = poolMetrics(pool);
    const pools: WeightedPool[] = poolStacks(spec, pool).map((stack) => {
      const common = {
        namespace,
        modelServer,
        release: stack.release,
        name: stack.inferencePoolName,
        endpointPicker: stack.endpointPicker,
        vllmMetrics,
        backendTimeoutSeconds: pool.backendTimeoutSeconds,
        // One policy for every pool: the allowed clients are the Gateway's, not a pool's.
        securityPolicy: spec.gateway.access === undefined ? undefined : securityPolicyName(spec),
      };
      if (stack.release.api === 'v1alpha2') {
        const inferencePool = new InferencePool(this, `InferencePool-${stack.release.id}`, { ...common, metricsReader: props.metricsReader });
        new InferenceModels(this, `InferenceModels-${stack.release.id}`, { namespace, pool: inferencePool, models: pool.models });
        return { pool: inferencePool.reference, weight: stack.weight };
      }
      const routerPool = new RouterPool(this, `InferencePool-${stack.release.id}`, {
        ...common,
        monitoring: spec.monitoring.metricsReader,
        collectorNamespace: spec.monitoring.collectorNamespace,
        inferencePoolCrd: inferencePoolCrd(spec.cluster.version),
      });
      new InferenceObjectives(this, `InferenceObjectives-${stack.release.id}`, { namespace, pool: routerPool.reference, models: pool.models, labels: routerPool.labels });
      return { pool: routerPool.reference, weight: stack.weight };
    });
    this.backend = { route: poolRoute(spec, pool), pools };
  }
}

/**
 * Builds the whole Kubernetes half from a validated spec. `npm run synth` writes it to disk; `pulumi up`
 * applies the same objects in memory.
 */
export function buildApp(spec: DeploymentSpec, outdir = 'dist'): App {
  const app = new App({ outdir, yamlOutputType: YamlOutputType.FILE_PER_CHART, outputFileExtension: MANIFEST_EXTENSION });

  let metricsReader: MetricsReader | undefined;
  const guideApi = activeVersions(spec).some((version) => extensionRelease(version).api === 'v1alpha2');
  if (spec.monitoring.metricsReader && guideApi) {
    const chart = new Chart(app, METRICS_READER_CHART, { disableResourceNameHashes: true });
    metricsReader = new MetricsReader(chart, 'MetricsReader', {
      namespace: spec.namespace,
      names: guideMetricsReader(spec.namespace, spec.monitoring.collectorNamespace),
      collectorNamespace: spec.monitoring.collectorNamespace,
    });
  }

  if (spec.pools.some(isAutoscaled)) {
    new MetricsAdapter(new Chart(app, METRICS_ADAPTER_CHART, { disableResourceNameHashes: true }), 'MetricsAdapter');
  }

  const bodyRouting = usesBodyBasedRouting(spec);
  const pools = spec.pools.map((pool) => new PoolChart(app, poolChartId(pool.name), { spec, pool, metricsReader }));

  const gatewayChart = new Chart(app, GATEWAY_CHART, { disableResourceNameHashes: true });
  const certificate = gatewayCertificate(spec);
  new InferenceGateway(gatewayChart, 'Gateway', {
    namespace: spec.namespace,
    name: spec.gateway.name,
    className: spec.gateway.className,
    listenerPort: spec.gateway.listenerPort,
    routeName: spec.gateway.route.name,
    backends: pools.map((chart) => chart.backend),
    tls: certificate === undefined ? undefined : { certificate, redirectRouteName: httpsRedirectRouteName(spec) },
  });
  if (spec.gateway.modelArmor.enabled) {
    new ModelArmorExtension(gatewayChart, 'ModelArmor', {
      namespace: spec.namespace,
      name: modelArmorExtensionName(spec),
      gatewayName: spec.gateway.name,
      service: modelArmorService(spec.cluster.region),
      settings: modelArmorSettings(spec),
      failOpen: spec.gateway.modelArmor.failOpen,
    });
  }
  if (bodyRouting) {
    new BodyRouter(gatewayChart, 'BodyRouter', {
      namespace: spec.namespace,
      gatewayName: spec.gateway.name,
      image: extensionRelease(spec.inferenceExtension.version).bodyRouterImage,
    });
  }
  mirrorImages(app, spec);
  // Last, over whatever the constructs above added: every object carries the common labels.
  applyCommonLabels(app, commonLabels(spec));
  // After the labels: a patch sees (and is checked against) the objects as they are written.
  applyPatches(app, spec.patches);
  return app;
}

/** The HTTPS listener's certificate: the one pulumi up makes for `tls.domains`, or the named Secret. */
function gatewayCertificate(spec: DeploymentSpec): GatewayCertificate | undefined {
  const tls = spec.gateway.tls;
  if (tls === undefined) return undefined;
  return tls.secretName !== undefined ? { kind: 'secret', secretName: tls.secretName } : { kind: 'certificate-manager', certificateName: certificateName(spec) };
}

/** One chart's objects, as written to `<id><MANIFEST_EXTENSION>`. */
export interface RenderedChart {
  readonly id: string;
  readonly file: string;
  readonly objects: readonly Record<string, unknown>[];
}

/**
 * Every chart's objects, in one pass over the app. cdk8s' own `chart.toJson()` (and `app.synth()`, which
 * calls it per chart) validates and resolves the whole app again for every chart, which makes a synth of
 * n pools take n^2 time; here the app is validated once and each object resolved once. Objects keep
 * their construction order within a chart (our constructs declare no dependencies between objects).
 */
export function renderCharts(app: App): RenderedChart[] {
  const errors = app.node.findAll().flatMap((construct) => construct.node.validate().map((message) => `${construct.node.path}: ${message}`));
  if (errors.length > 0) throw new Error(`the cdk8s app is invalid:\n${errors.join('\n')}`);
  return app.charts.map((chart) => ({
    id: chart.node.id,
    file: `${chart.node.id}${MANIFEST_EXTENSION}`,
    objects: chart.node
      .findAll()
      .filter((construct): construct is ApiObject => construct instanceof ApiObject && Chart.of(construct) === chart)
      .map((object) => object.toJson() as Record<string, unknown>),
  }));
}

/** A chart's objects as the YAML text cdk8s writes for it. */
export function chartYaml(chart: RenderedChart): string {
  return manifestYaml(...chart.objects);
}
