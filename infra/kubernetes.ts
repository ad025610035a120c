import * as k8s from '@pulumi/kubernetes';
import * as pulumi from '@pulumi/pulumi';
import { GATEWAY_CHART, poolChartId } from '../charts-gen/app';
import { ModelServer } from '../charts-gen/model-server';
import { activeVersions, EXTENSION_RELEASES, type DeploymentSpec } from '../spec';
import { namespaceObject } from '../charts-gen/gitops-bundle';
import { crdManifestFile } from './crd-files';
import type { Cluster } from './cluster';
import { gkeKubeconfig } from './kubeconfig';
import { modelServerTimeoutSeconds, withPulumiAwait, type ChartObjects, type KubeObject } from './manifests';
import { childOptions } from './options';

export interface KubernetesArgs {
  /** The validated spec: namespace, extension version, Hugging Face token Secret names, gateway. */
  readonly spec: DeploymentSpec;
  /** The cluster the objects are applied to. */
  readonly cluster: Cluster;
  /** The cdk8s charts built from `spec` (see `chartObjects`). */
  readonly charts: readonly ChartObjects[];
  /** Hugging Face token; stays a secret in the state and in every output derived from it. */
  readonly hfToken: pulumi.Output<string>;
}

/** The key the model servers read from the token Secret (`secretKeyRef.key` in the guide). */
export const HF_TOKEN_SECRET_KEY = ModelServer.HF_TOKEN_KEY;

/** What the gateway chart's Gateway object tells us about where to read its status. */
interface GatewayRef {
  readonly apiVersion: string;
  readonly name: string;
  readonly namespace: string;
}

interface GatewayStatus {
  readonly addresses?: readonly { readonly value?: string }[];
}

/**
 * The Kubernetes half on the new cluster, in dependency order: a provider for the cluster, the
 * inference extension's CRDs from the pinned release manifest, the namespace (unless built in) and the
 * Hugging Face token Secret, then one ConfigGroup per cdk8s chart. The Gateway API CRDs, GKE's
 * HealthCheckPolicy and GCPBackendPolicy CRDs (gatewayApiConfig) and ClusterPodMonitoring (Managed
 * Prometheus) come with the cluster itself.
 */
export class KubernetesWorkloads extends pulumi.ComponentResource {
  readonly provider: k8s.Provider;
  /** The CRD manifests of every active profile (both during a migration). */
  readonly crds: readonly k8s.yaml.v2.ConfigFile[];
  readonly tokenSecrets: readonly k8s.core.v1.Secret[];
  /** One group per chart, keyed by chart id. */
  readonly groups: ReadonlyMap<string, k8s.yaml.v2.ConfigGroup>;
  /** The Gateway's address once GKE programmed its load balancer. */
  readonly gatewayAddress: pulumi.Output<string | undefined>;

  constructor(name: string, args: KubernetesArgs, opts?: pulumi.ComponentResourceOptions) {
    super('inference-gateway:infra:Kubernetes', name, {}, opts);
    const { spec, cluster } = args;
    const child = childOptions(this, opts);

    this.provider = new k8s.Provider(
      `${spec.cluster.name}-k8s`,
      {
        kubeconfig: gkeKubeconfig({
          name: cluster.name,
          endpoint: cluster.cluster.endpoint,
          caCertificate: cluster.cluster.masterAuth.clusterCaCertificate.apply((ca) => ca ?? ''),
        }),
        // Server-side apply lets GKE's controllers and ours share fields without overwriting each other.
        enableServerSideApply: true,
        // Update ConfigMaps in place. By default pulumi-kubernetes replaces a ConfigMap whose data
        // changes, deleting it first because the name stays: adding an adapter would make the
        // lora-syncer's watched file vanish and come back. In place, the kubelet updates the mounted file
        // and the syncer loads the new adapter, with no pod restart.
        enableConfigMapMutable: true,
      },
      child,
    );
    const onCluster = { ...child, provider: this.provider };
    const after = (resources: readonly pulumi.Resource[]) => ({ ...onCluster, dependsOn: [...onCluster.dependsOn, ...resources] });

    // Only what GKE does not install: the guide's profile needs its release's CRDs, the GA profile only
    // the llm-d.ai kinds (GKE 1.34.0-gke.1626000 and later own InferencePool v1). During a migration both.
    // One ConfigFile per manifest, named as when it read the release's URLs, so every CRD keeps its URN.
    this.crds = activeVersions(spec).flatMap((version) => {
      const manifests = EXTENSION_RELEASES[version].crdManifests;
      return manifests.map(
        (_files, index) =>
          new k8s.yaml.v2.ConfigFile(`inference-extension-${version}-crds${manifests.length > 1 ? `-${index + 1}` : ''}`, { file: crdManifestFile(spec, version, index) }, onCluster),
      );
    });

    const prerequisites: pulumi.Resource[] = [...this.crds];
    // The Namespace synth writes (none for a namespace every cluster has), applied before the charts, which
    // put every object in it.
    const namespace = namespaceObject(spec);
    if (namespace !== undefined) prerequisites.push(new k8s.core.v1.Namespace(spec.namespace, { metadata: namespace.metadata }, onCluster));

    // Pools may share one Secret; create each name once.
    const secretNames = [...new Set(spec.pools.map((pool) => pool.modelServer.hfTokenSecret))];
    this.tokenSecrets = secretNames.map(
      (secretName) =>
        new k8s.core.v1.Secret(
          `${spec.namespace}-${secretName}`,
          {
            metadata: { name: secretName, namespace: spec.namespace },
            type: 'Opaque',
            // pulumi.secret again, even though config.requireSecret already returns a secret: the
            // token must stay encrypted in the state whatever Output the caller passes in.
            stringData: { [HF_TOKEN_SECRET_KEY]: pulumi.secret(args.hfToken) },
          },
          after(prerequisites.slice(this.crds.length)),
        ),
    );
    prerequisites.push(...this.tokenSecrets);

    const groups = new Map<string, k8s.yaml.v2.ConfigGroup>();
    const poolGroups: k8s.yaml.v2.ConfigGroup[] = [];
    // The gateway chart (Gateway and HTTPRoute) goes last: a new or renamed pool takes traffic only once
    // its model servers are Ready (Pulumi awaits each Deployment), instead of the route switching to an
    // InferencePool whose pods are still starting. Pools that did not change are no-ops and wait for nothing.
    const ordered = [...args.charts.filter((chart) => chart.id !== GATEWAY_CHART), ...args.charts.filter((chart) => chart.id === GATEWAY_CHART)];
    for (const chart of ordered) {
      const group = new k8s.yaml.v2.ConfigGroup(
        chart.id,
        { objs: chart.objects.map((object) => withPulumiAwait(object, modelServerTimeoutSeconds(spec.cluster.gpuPool.provisioning))) },
        // Custom resources come after their CRDs, model servers after the token Secret they mount.
        after(chart.id === GATEWAY_CHART ? [...prerequisites, ...poolGroups] : prerequisites),
      );
      if (chart.id.startsWith(poolChartId(''))) poolGroups.push(group);
      groups.set(chart.id, group);
    }
    this.groups = groups;

    const gateway = findGateway(args.charts);
    // Read the Gateway back after every group is applied; its await (condition=Programmed) means the
    // load balancer has its address by then.
    const live = new k8s.apiextensions.CustomResource(
      `${gateway.name}-status`,
      { apiVersion: gateway.apiVersion, kind: 'Gateway', metadata: undefined, status: undefined },
      { ...after([...groups.values()]), id: `${gateway.namespace}/${gateway.name}` },
    );
    const status = (live as unknown as { readonly status: pulumi.Output<GatewayStatus | undefined> }).status;
    this.gatewayAddress = status.apply((value) => value?.addresses?.[0]?.value);

    this.registerOutputs({ gatewayAddress: this.gatewayAddress });
  }
}

function findGateway(charts: readonly ChartObjects[]): GatewayRef {
  const gateway = charts
    .flatMap((chart) => chart.objects)
    .find((object: KubeObject) => object.kind === 'Gateway' && object.apiVersion.startsWith('gateway.networking.k8s.io/'));
  if (gateway?.metadata?.name === undefined) {
    throw new Error('the cdk8s app has no Gateway object; buildApp must always emit one');
  }
  return { apiVersion: gateway.apiVersion, name: gateway.metadata.name, namespace: gateway.metadata.namespace ?? 'default' };
}
