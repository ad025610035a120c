/**
 * The whole deployment as one function of the validated spec, so the Pulumi program (index.ts), the
 * offline plan (plan.ts) and the tests all run the same code without re-importing any module.
 */
import * as pulumi from '@pulumi/pulumi';
import type { DeploymentSpec } from '../spec';
import { Apis } from './apis';
import { Cluster } from './cluster';
import { KubernetesWorkloads } from './kubernetes';
import { chartObjects } from './manifests';
import { Network } from './network';
import { NodePools } from './node-pools';

export interface StackSettings {
  /** The validated deployment spec. */
  readonly spec: DeploymentSpec;
  /** Project that runs the cluster (`gcp:project`). */
  readonly project: string;
  /** Hugging Face token (`inference-gateway:hfToken`), a secret. */
  readonly hfToken: pulumi.Output<string>;
}

export interface StackOutputs {
  readonly apis: Apis;
  readonly network: Network;
  readonly cluster: Cluster;
  readonly nodePools: NodePools;
  readonly kubernetes: KubernetesWorkloads;
  readonly clusterName: pulumi.Output<string>;
  readonly gatewayAddress: pulumi.Output<string | undefined>;
  /** A ready-to-run request to the first pool through the gateway, as in the guide's last step. */
  readonly curlCommand: pulumi.Output<string>;
}

/** Creates every resource of the deployment, APIs first and the Kubernetes objects last. */
export function deploy(settings: StackSettings): StackOutputs {
  const { spec, project } = settings;
  const prefix = spec.cluster.name;
  const hostProject = spec.cluster.sharedVpc?.hostProject;

  const apis = new Apis(prefix, { project, namePrefix: prefix, enableModelArmor: spec.cluster.enableModelArmor, hostProject });
  const network = new Network(
    prefix,
    { network: spec.cluster.network, subnetPrefix: spec.cluster.name, region: spec.cluster.region, project, hostProject },
    { dependsOn: [apis] },
  );
  const cluster = new Cluster(prefix, { cluster: spec.cluster, project, network }, { dependsOn: [apis] });
  const nodePools = new NodePools(prefix, { cluster: spec.cluster, project, gkeCluster: cluster }, { dependsOn: [apis] });
  // The Kubernetes objects wait for the node pools: the endpoint picker needs the system pool, and
  // Pulumi waits for each Deployment to become ready.
  const kubernetes = new KubernetesWorkloads(
    prefix,
    { spec, cluster, charts: chartObjects(spec), hfToken: settings.hfToken },
    { dependsOn: [nodePools] },
  );

  const request = completionsRequest(spec);
  const curlCommand = kubernetes.gatewayAddress.apply((address) => curl(address ?? '<gateway address>', spec.gateway.listenerPort, request));
  return { apis, network, cluster, nodePools, kubernetes, clusterName: cluster.name, gatewayAddress: kubernetes.gatewayAddress, curlCommand };
}

export interface CompletionsRequest {
  /** The path the first pool serves /v1/completions under. */
  readonly path: string;
  /** The `model` to ask for. */
  readonly model: string;
}

/**
 * The guide's sample request: the first pool's first InferenceModel that an adapter serves (the guide's
 * `food-review`), else its first InferenceModel, under the first pool's route prefix.
 */
export function completionsRequest(spec: DeploymentSpec): CompletionsRequest {
  const pool = spec.pools[0];
  const adapters = new Set(pool.adapters.models.map((adapter) => adapter.id));
  const servedByAdapter = pool.models.find((model) =>
    model.targetModels && model.targetModels.length > 0 ? model.targetModels.some((target) => adapters.has(target.name)) : adapters.has(model.modelName),
  );
  const model = (servedByAdapter ?? pool.models[0])?.modelName ?? pool.modelServer.baseModel;
  const prefix = spec.gateway.route.pathPrefix.replace(/\/+$/, '');
  return { path: `${prefix}/v1/completions`, model };
}

/**
 * The guide's curl, runnable as printed. The guide's `Authorization: Bearer $(gcloud ...)` header sits
 * in single quotes, so the shell never expands it, and the gateway does not check it: we leave it out.
 */
export function curl(address: string, port: number, request: CompletionsRequest): string {
  const body = JSON.stringify({ model: request.model, prompt: 'What is the best pizza in the world?', max_tokens: 2048, temperature: 0 });
  return `curl -i -X POST http://${address}:${port}${request.path} -H 'Content-Type: application/json' -d '${body}'`;
}
