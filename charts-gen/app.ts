import { App, Chart, YamlOutputType } from 'cdk8s';
import type { Construct } from 'constructs';
import { extensionRelease, type DeploymentSpec, type PoolSpec } from '../spec';
import { LoraAdapters } from './adapters';
import { InferenceGateway } from './gateway';
import { InferenceModels } from './inference-models';
import { InferencePool } from './inference-pool';
import { MetricsReader } from './metrics-reader';
import { ModelServer } from './model-server';

/** Chart ids are file names under dist/ and prefixes of Pulumi resource names: keep them stable. */
export const METRICS_READER_CHART = 'metrics-reader';
export const GATEWAY_CHART = 'gateway';
/** Pool charts carry a prefix so no pool name can collide with the other charts. */
export const poolChartId = (poolName: string): string => `pool-${poolName}`;
/** Each chart is written to `<chart id><MANIFEST_EXTENSION>` under the output directory. */
export const MANIFEST_EXTENSION = '.k8s.yaml';

export interface PoolChartProps {
  readonly spec: DeploymentSpec;
  readonly pool: PoolSpec;
  readonly metricsReader?: MetricsReader;
}

/** A pool's adapters ConfigMap and the vLLM Deployment that mounts it. */
export function addModelServer(scope: Construct, namespace: string, pool: PoolSpec): ModelServer {
  const adapters = new LoraAdapters(scope, 'Adapters', {
    namespace,
    configMapName: pool.adapters.configMapName,
    configName: pool.adapters.configName,
    modelServerPort: pool.modelServer.port,
    baseModel: pool.modelServer.baseModel,
    adapters: pool.adapters.models,
    syncerImage: pool.adapters.syncerImage,
  });
  return new ModelServer(scope, 'ModelServer', {
    namespace,
    name: pool.name,
    server: pool.modelServer,
    adapters,
    healthPath: pool.healthCheck.path,
  });
}

/** One model server pool: adapters, vLLM, InferencePool with its picker and policies, InferenceModels. */
export class PoolChart extends Chart {
  readonly inferencePool: InferencePool;

  constructor(scope: Construct, id: string, props: PoolChartProps) {
    super(scope, id, { disableResourceNameHashes: true });
    const { spec, pool } = props;
    const namespace = spec.namespace;
    const modelServer = addModelServer(this, namespace, pool);
    this.inferencePool = new InferencePool(this, 'InferencePool', {
      namespace,
      modelServer,
      release: extensionRelease(spec.inferenceExtension.version),
      endpointPicker: pool.endpointPicker,
      backendTimeoutSeconds: pool.backendTimeoutSeconds,
      metricsReader: props.metricsReader,
    });
    new InferenceModels(this, 'InferenceModels', { namespace, pool: this.inferencePool, models: pool.models });
  }
}

/**
 * Builds the whole Kubernetes half from a validated spec. `npm run synth` writes it to disk; `pulumi up`
 * applies the same objects in memory.
 */
export function buildApp(spec: DeploymentSpec, outdir = 'dist'): App {
  const app = new App({ outdir, yamlOutputType: YamlOutputType.FILE_PER_CHART, outputFileExtension: MANIFEST_EXTENSION });

  let metricsReader: MetricsReader | undefined;
  if (spec.monitoring.metricsReader) {
    const chart = new Chart(app, METRICS_READER_CHART, { disableResourceNameHashes: true });
    metricsReader = new MetricsReader(chart, 'MetricsReader', {
      namespace: spec.namespace,
      collectorNamespace: spec.monitoring.collectorNamespace,
    });
  }

  const pools = spec.pools.map((pool) => new PoolChart(app, poolChartId(pool.name), { spec, pool, metricsReader }));

  const gatewayChart = new Chart(app, GATEWAY_CHART, { disableResourceNameHashes: true });
  new InferenceGateway(gatewayChart, 'Gateway', {
    namespace: spec.namespace,
    name: spec.gateway.name,
    className: spec.gateway.className,
    listenerPort: spec.gateway.listenerPort,
    routeName: spec.gateway.route.name,
    backends: pools.map((chart, index) => ({
      pool: chart.inferencePool.reference,
      pathPrefix: index === 0 ? spec.gateway.route.pathPrefix : (spec.pools[index].routePathPrefix as string),
    })),
  });
  return app;
}
