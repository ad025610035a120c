/**
 * The spec's field descriptions: types, ranges, enums and docs. `FieldFor<DeploymentSpec>` makes the
 * compiler check that this tree lists exactly the fields of the interfaces in types.ts.
 */
import { gpuPoolDefaults, poolDefaults } from './defaults';
import { GUIDE_PREFILL_SHARE, GUIDE_SAFETY_FACTOR } from './drain';
import { isPlainObject, type FieldFor, type NumberField, type StringField } from './fields';
import {
  COLLECTOR_NAMESPACES,
  CRITICALITIES,
  GATEWAY_CLASSES,
  GPU_DRIVER_VERSIONS,
  GPU_PROVISIONING,
  RELEASE_CHANNELS,
  type DeploymentSpec,
} from './types';
import { EXTENSION_VERSIONS } from './versions';

const dnsLabel = (description: string, maxLength = 63): StringField => ({
  kind: 'string',
  description,
  pattern: /^[a-z]([-a-z0-9]*[a-z0-9])?$/,
  patternHint: 'a DNS label (lower-case letters, digits and "-", starting with a letter)',
  maxLength,
});

const dnsSubdomain = (description: string): StringField => ({
  kind: 'string',
  description,
  pattern: /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/,
  patternHint: 'a DNS subdomain (lower-case letters, digits, "-" and ".")',
  maxLength: 253,
});

const cidr = (description: string): StringField => ({
  kind: 'string',
  description,
  pattern: /^(25[0-5]|2[0-4]\d|1?\d?\d)(\.(25[0-5]|2[0-4]\d|1?\d?\d)){3}\/([0-9]|[12]\d|3[0-2])$/,
  patternHint: 'an IPv4 CIDR range such as 10.0.0.0/20',
});

const image = (description: string): StringField => ({
  kind: 'string',
  description: `${description}; pinned to a tag or digest`,
  pattern: /^[a-z0-9][a-z0-9._\-/:]*[a-z0-9](:[A-Za-z0-9_][A-Za-z0-9_.-]{0,127})?(@sha256:[a-f0-9]{64})?$/,
  patternHint: 'a container image reference such as registry/name:tag',
});

const path = (description: string): StringField => ({
  kind: 'string',
  description,
  pattern: /^\/[^\s?#]*$/,
  patternHint: 'an absolute URL path starting with "/"',
  maxLength: 1024,
});

const integer = (description: string, min: number, max?: number): NumberField => ({
  kind: 'integer',
  description,
  min,
  max,
});

const port = (description: string): NumberField => integer(description, 1, 65535);

const enumOf = (description: string, values: readonly string[]): StringField => ({
  kind: 'string',
  description,
  enum: values,
});

export const SPEC_FIELD: FieldFor<DeploymentSpec> = {
  kind: 'object',
  description: 'GKE Inference Gateway deployment spec; every field is optional and defaults to the guide.',
  fields: {
    namespace: dnsLabel('Namespace of every namespaced object'),
    inferenceExtension: {
      kind: 'object',
      description: 'Inference extension release',
      fields: {
        version: enumOf('Release of CRDs, endpoint picker, vLLM and LoRA syncer that speak one protocol', EXTENSION_VERSIONS),
      },
    },
    cluster: {
      kind: 'object',
      description: 'GKE cluster created by `pulumi up` (validated by synth too)',
      // The GPU pool's default zones follow the region written here (and the GPUs per node written below).
      derivedDefaults: (written) => {
        if (typeof written.region !== 'string') return {};
        const gpu = isPlainObject(written.gpuPool) ? written.gpuPool : {};
        return { gpuPool: gpuPoolDefaults(typeof gpu.acceleratorCount === 'number' ? gpu.acceleratorCount : 1, written.region) };
      },
      fields: {
        name: dnsLabel('GKE cluster name', 40),
        region: {
          kind: 'string',
          description: 'Region of the regional cluster and its load balancer',
          pattern: /^[a-z]+-[a-z]+\d+$/,
          patternHint: 'a Google Cloud region such as us-central1',
        },
        version: {
          kind: 'string',
          description: 'Minimum GKE version, at least 1.32.3',
          pattern: /^\d+\.\d+\.\d+(-gke\.\d+)?$/,
          patternHint: 'a GKE version such as 1.32.3 or 1.32.3-gke.1785000',
        },
        releaseChannel: enumOf('GKE release channel', RELEASE_CHANNELS),
        deletionProtection: { kind: 'boolean', description: 'Refuse to destroy the cluster until switched off' },
        enableModelArmor: { kind: 'boolean', description: 'Also enable the Model Armor API' },
        network: {
          kind: 'object',
          description: 'VPC-native network',
          fields: {
            name: dnsLabel('VPC network name'),
            createNetwork: {
              kind: 'boolean',
              description: "Create the VPC; false to add this cluster's node subnet to an existing VPC of that name",
            },
            nodeCidr: cidr('Primary range of the node subnet'),
            podCidr: cidr('Secondary range for pods'),
            serviceCidr: cidr('Secondary range for services'),
            proxyOnlyCidr: cidr('Proxy-only subnet range (at least /26, /23 recommended)'),
            createProxyOnlySubnet: {
              kind: 'boolean',
              description: "Create the region's proxy-only subnet; false to reuse an existing one in this network",
            },
          },
        },
        sharedVpc: {
          kind: 'object',
          description: 'Shared VPC: create the network in the host project',
          optional: true,
          fields: {
            hostProject: {
              kind: 'string',
              description: 'Host project ID',
              required: true,
              pattern: /^[a-z][-a-z0-9]{4,28}[a-z0-9]$/,
              patternHint: 'a Google Cloud project ID',
            },
          },
        },
        systemPool: {
          kind: 'object',
          description: 'Node pool for the endpoint picker and system pods',
          fields: {
            machineType: { kind: 'string', description: 'Machine type', pattern: /^[a-z0-9]+-[a-z0-9-]+$/, patternHint: 'a Compute Engine machine type' },
            minNodes: integer('Minimum nodes in the pool', 0, 1000),
            maxNodes: integer('Maximum nodes in the pool', 1, 1000),
          },
        },
        gpuPool: {
          kind: 'object',
          description: 'H100 node pool for the model servers',
          // The machine type follows acceleratorCount; the zones come from the cluster's derivedDefaults
          // (they depend on the region too), so they are not overridden here.
          derivedDefaults: (written) =>
            typeof written.acceleratorCount === 'number' ? { machineType: gpuPoolDefaults(written.acceleratorCount).machineType } : {},
          fields: {
            machineType: { kind: 'string', description: 'A3 machine type matching acceleratorCount', pattern: /^a3-highgpu-[1248]g$/, patternHint: 'a3-highgpu-1g, -2g, -4g or -8g' },
            accelerator: enumOf('GPU type', ['nvidia-h100-80gb']),
            acceleratorCount: integer('GPUs per node: 1, 2, 4 or 8', 1, 8),
            minNodes: integer('Minimum nodes in the pool', 0, 1000),
            maxNodes: integer('Maximum nodes in the pool', 1, 1000),
            provisioning: enumOf('spot, flex-start, or on-demand (a3-highgpu-8g only)', GPU_PROVISIONING),
            maxRunDurationSeconds: integer('Longest life of a flex-start node, in seconds', 600, 7 * 24 * 3600),
            nodeLocations: {
              kind: 'list',
              description: "Zones of the cluster's region that offer the accelerator; default: the region's A3 High zones (spec/regions.ts)",
              minItems: 1,
              items: { kind: 'string', description: 'Zone', pattern: /^[a-z]+-[a-z]+\d+-[a-z]$/, patternHint: 'a zone such as us-central1-a' },
            },
            gpuDriverVersion: enumOf('GPU driver that GKE installs', GPU_DRIVER_VERSIONS),
          },
        },
      },
    },
    gateway: {
      kind: 'object',
      description: 'Gateway and HTTPRoute',
      fields: {
        name: dnsSubdomain('Gateway name'),
        className: {
          ...enumOf('GatewayClass; GKE Inference Gateway supports only these two', GATEWAY_CLASSES),
        },
        listenerPort: port('HTTP listener port'),
        route: {
          kind: 'object',
          description: 'HTTPRoute to the pools',
          fields: {
            name: dnsSubdomain('HTTPRoute name'),
            pathPrefix: path('Path prefix routed to the first pool'),
          },
        },
      },
    },
    pools: {
      kind: 'list',
      description: 'Model server pools; a list here replaces the default pool',
      minItems: 1,
      itemDefaults: (written) => {
        if (!isPlainObject(written) || typeof written.name !== 'string') return undefined;
        const server = written.modelServer;
        const baseModel = isPlainObject(server) && typeof server.baseModel === 'string' ? server.baseModel : undefined;
        return poolDefaults(written.name, baseModel);
      },
      items: {
        kind: 'object',
        description: 'One InferencePool with its model server, adapters, endpoint picker and models',
        fields: {
          name: { ...dnsLabel('InferencePool, Deployment and app label name', 59), required: true },
          routePathPrefix: { ...path('Path prefix routed to this pool (pools after the first)'), optional: true },
          modelServer: {
            kind: 'object',
            description: 'vLLM Deployment',
            fields: {
              replicas: integer('Model server pods', 0, 1000),
              image: image('vLLM image'),
              baseModel: { kind: 'string', description: 'Hugging Face model ID of the base model', pattern: /^\S+$/, patternHint: 'a model ID without spaces', maxLength: 256 },
              port: port('vLLM HTTP port'),
              tensorParallelSize: integer('GPUs one model replica is sharded over', 1, 8),
              maxLoras: integer('Adapters resident on the GPU at once', 1, 256),
              maxCpuLoras: integer('Adapters cached in CPU memory', 1, 1024),
              hfTokenSecret: dnsSubdomain('Secret (key "token") with the Hugging Face token'),
              accelerator: enumOf('GPU type the pods are scheduled on', ['nvidia-h100-80gb']),
              gpus: integer('GPUs per pod', 1, 8),
              preStopSleepSeconds: integer('Seconds to wait for the load balancer to stop sending', 0, 3600),
              terminationGracePeriodSeconds: integer('Seconds before a terminating pod is killed', 1, 86400),
              drain: {
                kind: 'object',
                description: 'Inputs of the drain-time estimate that checks the grace period',
                optional: true,
                derivedDefaults: () => ({ prefillShare: GUIDE_PREFILL_SHARE, safetyFactor: GUIDE_SAFETY_FACTOR }),
                fields: {
                  maxOutputTokens: { ...integer('Longest output in tokens', 1, 10_000_000), required: true },
                  timePerOutputTokenMs: { kind: 'number', description: 'Time per output token at full batch (ms)', min: 0, exclusiveMin: true, max: 60_000, required: true },
                  prefillShare: { kind: 'number', description: 'Prompt processing time as a share of decode time (the guide: 0.2)', min: 0, max: 10 },
                  safetyFactor: { kind: 'number', description: 'Multiplier of the recommended grace period (the guide: 1.5)', min: 1, max: 10 },
                },
              },
              rollout: {
                kind: 'object',
                description: 'Rolling update of the model server',
                fields: {
                  maxSurge: integer('Extra pods during a rollout (each needs free GPUs)', 0, 1000),
                  maxUnavailable: integer('Pods that may be down during a rollout', 0, 1000),
                },
              },
              disruptionBudget: {
                kind: 'object',
                description: 'PodDisruptionBudget of the model server',
                fields: { maxUnavailable: integer('Pods a voluntary disruption may take down at once', 0, 1000) },
              },
            },
          },
          adapters: {
            kind: 'object',
            description: 'LoRA adapters kept loaded by the lora-syncer sidecar',
            fields: {
              configMapName: dnsSubdomain('ConfigMap with the syncer config'),
              configName: { kind: 'string', description: 'vLLMLoRAConfig.name', pattern: /^\S+$/, patternHint: 'a name without spaces', maxLength: 253 },
              syncerImage: image('lora-syncer image'),
              models: {
                kind: 'list',
                description: 'Adapters to keep loaded',
                items: {
                  kind: 'object',
                  description: 'One LoRA adapter',
                  fields: {
                    id: { kind: 'string', description: 'Adapter name clients send as model', required: true, pattern: /^\S+$/, patternHint: 'a name without spaces', maxLength: 256 },
                    source: { kind: 'string', description: 'Hugging Face repository of the adapter', required: true, pattern: /^\S+$/, patternHint: 'a repository ID without spaces' },
                  },
                },
              },
            },
          },
          endpointPicker: {
            kind: 'object',
            description: 'Endpoint picker (EPP) Deployment',
            fields: {
              replicas: integer('Endpoint picker pods (v0.3.0: at most 1, no leader election)', 0, 1000),
              image: image('Endpoint picker image, tagged with inferenceExtension.version'),
            },
          },
          healthCheck: {
            kind: 'object',
            description: "Load balancer health check (HealthCheckPolicy) on the model server port",
            fields: { path: path('HTTP path checked') },
          },
          backendTimeoutSeconds: integer('Gateway-to-model-server timeout (GCPBackendPolicy timeoutSec)', 1, 86400),
          models: {
            kind: 'list',
            description: 'InferenceModels served by this pool',
            items: {
              kind: 'object',
              description: 'One InferenceModel',
              fields: {
                name: { ...dnsSubdomain('InferenceModel object name'), required: true },
                modelName: { kind: 'string', description: 'Model name clients send', required: true, maxLength: 256, pattern: /^\S+$/, patternHint: 'a name without spaces' },
                criticality: { ...enumOf('Serving priority under load', CRITICALITIES), required: true },
                targetModels: {
                  kind: 'list',
                  description: 'Base model or adapters that serve modelName, at most 10',
                  optional: true,
                  maxItems: 10,
                  items: {
                    kind: 'object',
                    description: 'One target model',
                    fields: {
                      name: { kind: 'string', description: 'Base model or adapter id', required: true, maxLength: 253, pattern: /^\S+$/, patternHint: 'a name without spaces' },
                      weight: { ...integer('Traffic weight; set on all targets or none', 1, 1_000_000), optional: true },
                    },
                  },
                },
              },
            },
          },
        },
      },
    },
    monitoring: {
      kind: 'object',
      description: 'Managed Prometheus scraping of the endpoint pickers',
      fields: {
        metricsReader: { kind: 'boolean', description: "The guide's metrics-reader RBAC, token Secret and ClusterPodMonitorings" },
        collectorNamespace: enumOf("Managed Prometheus collector's namespace (Autopilot: gke-gmp-system)", COLLECTOR_NAMESPACES),
      },
    },
  },
};
