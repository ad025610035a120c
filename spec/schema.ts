/**
 * The spec's field descriptions: types, ranges, enums and docs. `FieldFor<DeploymentSpec>` makes the
 * compiler check that this tree lists exactly the fields of the interfaces in types.ts.
 */
import { DEFAULT_EXTENSION_VERSION, DEFAULT_REGION, GUIDE_BASE_MODEL, GUIDE_POOL_NAME, gpuPoolDefaults, poolDefaults, type ProfileContext } from './defaults';
import { minimumGkeVersion } from './derived';
import { ACCELERATORS, GPU_MACHINES, gpuMachine, machineZones } from './machines';
import { GUIDE_PREFILL_SHARE, GUIDE_SAFETY_FACTOR } from './drain';
import { isPlainObject, LABEL_VALUE_PATTERN, type FieldFor, type NumberField, type ObjectFieldFor, type StringField } from './fields';
import { HF_REPO_ID, IMAGE_REFERENCE, MODEL_NAME, URL_PATH } from './formats';
import {
  AUTOSCALING_METRICS,
  COLLECTOR_NAMESPACES,
  CRITICALITIES,
  GATEWAY_CLASSES,
  GPU_DRIVER_VERSIONS,
  GPU_PROVISIONING,
  MODEL_ARMOR_LEVELS,
  PATCH_OPERATIONS,
  RELEASE_CHANNELS,
  WEIGHT_SOURCES,
  type DeploymentSpec,
  type ResourceRequestsSpec,
} from './types';
import { EXTENSION_VERSIONS, VLLM_MAX_LORA_RANKS, type ExtensionVersion } from './versions';
import { autoscalingDefaults } from './autoscaling';

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

/** A label value, as Kubernetes accepts it (also what a node selector matches). */
const LABEL_VALUE: StringField = {
  kind: 'string',
  description: 'Label value',
  pattern: LABEL_VALUE_PATTERN,
  patternHint: 'a label value: up to 63 letters, digits, "-", "_" and ".", starting and ending with a letter or digit, or empty',
  maxLength: 63,
};
/** An annotation value: any text; Kubernetes limits all of an object's annotations to 256 KiB together. */
const ANNOTATION_VALUE: StringField = { kind: 'string', description: 'Annotation value', maxLength: 16_384 };

const cidr = (description: string): StringField => ({
  kind: 'string',
  description,
  pattern: /^(25[0-5]|2[0-4]\d|1?\d?\d)(\.(25[0-5]|2[0-4]\d|1?\d?\d)){3}\/([0-9]|[12]\d|3[0-2])$/,
  patternHint: 'an IPv4 CIDR range such as 10.0.0.0/20',
});

const image = (description: string): StringField => ({
  kind: 'string',
  description: `${description}; pinned to a tag or digest`,
  pattern: IMAGE_REFERENCE,
  patternHint: 'a container image reference such as registry/name:tag (lower-case name, tag of letters, digits, "_", "." and "-")',
  maxLength: 512,
});

const path = (description: string): StringField => ({
  kind: 'string',
  description,
  pattern: URL_PATH,
  patternHint: 'an absolute path such as /v1 or /: segments of letters, digits, ".", "_", "~" and "-", no "." or ".." segment, no "//"',
  maxLength: 1024,
});

const modelName = (description: string): StringField => ({
  kind: 'string',
  description,
  required: true,
  pattern: MODEL_NAME,
  patternHint: 'a model name of letters, digits and "._:/@+-", starting and ending with a letter or digit',
  maxLength: 256,
});

const hfRepository = (description: string): StringField => ({
  kind: 'string',
  description,
  pattern: HF_REPO_ID,
  patternHint: 'a Hugging Face repository id such as org/name (letters, digits, "_", "." and "-"; no "--" or "..")',
  maxLength: 193,
});

const resources = (description: string): ObjectFieldFor<ResourceRequestsSpec> => ({
  kind: 'object',
  description,
  fields: {
    cpu: {
      kind: 'string',
      description: 'CPU request, in cores (such as 4 or 1.5) or millicores (such as 500m)',
      pattern: /^(?:(?:0|[1-9][0-9]{0,3})(?:\.[0-9]{1,3})?|[1-9][0-9]{0,6}m)$/,
      patternHint: 'a CPU quantity such as 4, 1.5 or 500m',
    },
    memory: {
      kind: 'string',
      description: 'Memory request, such as 512Mi or 24Gi',
      pattern: /^[1-9][0-9]{0,6}(?:Ki|Mi|Gi|Ti)$/,
      patternHint: 'a memory quantity in Ki, Mi, Gi or Ti such as 512Mi or 24Gi',
    },
  },
});

const projectId = (description: string): StringField => ({
  kind: 'string',
  description,
  pattern: /^[a-z][-a-z0-9]{4,28}[a-z0-9]$/,
  patternHint: 'a Google Cloud project ID',
});

/** The profile a written document asks for, read leniently: a bad value is reported by its own field. */
function profileOf(root: Readonly<Record<string, unknown>>): ProfileContext {
  const extension = isPlainObject(root.inferenceExtension) ? root.inferenceExtension : {};
  const known = (value: unknown): ExtensionVersion | undefined =>
    typeof value === 'string' && (EXTENSION_VERSIONS as readonly string[]).includes(value) ? (value as ExtensionVersion) : undefined;
  const migration = isPlainObject(extension.migration) ? extension.migration : {};
  return { version: known(extension.version) ?? DEFAULT_EXTENSION_VERSION, migrationFrom: known(migration.from) };
}

/** The cluster region a written document asks for, read leniently: a bad value is reported by its own field. */
function regionOf(root: Readonly<Record<string, unknown>>): string {
  const cluster = isPlainObject(root.cluster) ? root.cluster : {};
  return typeof cluster.region === 'string' ? cluster.region : DEFAULT_REGION;
}

/** The name a pool's defaults derive from when the pool has none (only `name` is then reported). */
const UNNAMED_POOL = 'pool';

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

/** The most pools a spec may hold (see the pools field). */
export const MAX_POOLS = 100;
/** The most InferenceModels (or objectives) one pool may hold. */
export const MAX_MODELS_PER_POOL = 1000;
/** The most InferenceModels (or objectives) all pools together may hold (a cross-field rule). */
export const MAX_MODELS = 1000;
/** The most adapters (to load and to unload) all pools together may list (a cross-field rule). */
export const MAX_ADAPTERS = 5000;

export const SPEC_FIELD: FieldFor<DeploymentSpec> = {
  kind: 'object',
  description: 'GKE Inference Gateway deployment spec; every field is optional and defaults to the guide.',
  // The guide's pool, with the images of the profile the document asks for.
  derivedDefaults: (_written, root) => ({ pools: [{ name: GUIDE_POOL_NAME, ...poolDefaults(GUIDE_POOL_NAME, GUIDE_BASE_MODEL, profileOf(root)) }] }),
  fields: {
    namespace: dnsLabel('Namespace of every namespaced object'),
    inferenceExtension: {
      kind: 'object',
      description: 'Inference extension release',
      fields: {
        version: enumOf('Profile: CRDs, endpoint picker, vLLM and LoRA syncer that speak one protocol (v0.3.0: the guide; llm-d-v0.10.0: the GA API)', EXTENSION_VERSIONS),
        migration: {
          kind: 'object',
          description: "Run the `from` profile's stack beside this one over the same model servers and split traffic between them",
          optional: true,
          fields: {
            from: { ...enumOf('The profile the deployment runs today', EXTENSION_VERSIONS), required: true },
            trafficPercent: { ...integer("Percent of requests sent to this profile's InferencePools", 0, 100), required: true },
          },
        },
      },
    },
    cluster: {
      kind: 'object',
      description: 'GKE cluster created by `pulumi up` (validated by synth too)',
      // The GA profile needs a GKE that installs InferencePool v1 itself: its minimum is the default. The
      // GPU pool's default zones follow the region written here (and the GPUs per node written below).
      derivedDefaults: (written, root) => {
        const profile = profileOf(root);
        const version = minimumGkeVersion(profile.migrationFrom ? [profile.migrationFrom, profile.version] : [profile.version]);
        if (typeof written.region !== 'string') return { version };
        const gpu = isPlainObject(written.gpuPool) ? written.gpuPool : {};
        return { version, gpuPool: gpuPoolDefaults(typeof gpu.acceleratorCount === 'number' ? gpu.acceleratorCount : 1, written.region) };
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
          description: 'Minimum GKE version: at least 1.32.3, and 1.34.0-gke.1626000 for the GA profile (its default there)',
          pattern: /^\d+\.\d+\.\d+(-gke\.\d+)?$/,
          patternHint: 'a GKE version such as 1.32.3 or 1.32.3-gke.1785000',
        },
        releaseChannel: enumOf('GKE release channel', RELEASE_CHANNELS),
        deletionProtection: { kind: 'boolean', description: 'Refuse to destroy the cluster until switched off' },
        enableModelArmor: { kind: 'boolean', description: 'Replaced by gateway.modelArmor.enabled (an error if written)', optional: true },
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
            createNat: {
              kind: 'boolean',
              description: 'Create a Cloud Router and Cloud NAT for the node subnet (the nodes have no external addresses); false when the network already has a NAT covering every subnet of the region',
            },
          },
        },
        controlPlane: {
          kind: 'object',
          description: 'Access to the control plane',
          fields: {
            privateEndpoint: {
              kind: 'boolean',
              description: 'Only the private endpoint; `pulumi up` must then run inside the VPC or a network peered with it',
            },
            authorizedNetworks: {
              kind: 'list',
              description: 'CIDR ranges allowed to reach the control plane; empty: any address',
              items: cidr('Authorized network'),
            },
          },
        },
        sharedVpc: {
          kind: 'object',
          description: 'Shared VPC: create the network in the host project',
          optional: true,
          fields: {
            hostProject: { ...projectId('Host project ID'), required: true },
            attachServiceProject: {
              kind: 'boolean',
              optional: true,
              description: 'Attach the service project to the host project (needs Shared VPC Admin); default: already attached by a Shared VPC Admin',
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
          description: 'GPU node pool for the model servers (H100 by default)',
          // The machine type follows acceleratorCount. A machine type written here brings its accelerator
          // and the cited zones of the cluster's region for it (spec/regions.ts); otherwise the zones come
          // from the cluster's derivedDefaults (the A3 High type of acceleratorCount in that region).
          derivedDefaults: (written, root) => {
            const machineType = typeof written.machineType === 'string' ? written.machineType : undefined;
            const machine = machineType === undefined ? undefined : gpuMachine(machineType);
            if (machineType !== undefined && machine !== undefined) return { accelerator: machine.accelerator, nodeLocations: machineZones(machineType, regionOf(root)) };
            return typeof written.acceleratorCount === 'number' ? { machineType: gpuPoolDefaults(written.acceleratorCount).machineType } : {};
          },
          fields: {
            machineType: enumOf('GPU machine type (spec/machines.ts); default: the A3 High type for acceleratorCount (a3-highgpu-1g, -2g, -4g, -8g)', Object.keys(GPU_MACHINES)),
            accelerator: enumOf("GPU type as GKE names it; must be the machine type's; default: the machine type's", Object.keys(ACCELERATORS)),
            acceleratorCount: { ...integer("GPUs per node: the machine type's GPUs (1, 2, 4 or 8 for a3-highgpu-1g, -2g, -4g, -8g)", 1, 16), values: [1, 2, 4, 8, 16] },
            minNodes: integer('Minimum nodes in the pool', 0, 1000),
            maxNodes: integer('Maximum nodes in the pool', 1, 1000),
            provisioning: enumOf('spot, flex-start, or on-demand (a3-highgpu-8g only)', GPU_PROVISIONING),
            maxRunDurationSeconds: integer('Longest life of a flex-start node, in seconds', 600, 7 * 24 * 3600),
            nodeLocations: {
              kind: 'list',
              description: "Zones of the cluster's region that offer the machine type; default: the region's zones for it (spec/regions.ts); required in a region without known zones",
              minItems: 1,
              items: { kind: 'string', description: 'Zone', pattern: /^[a-z]+-[a-z]+\d+-[a-z]$/, patternHint: 'a zone such as us-central1-a' },
            },
            gpuDriverVersion: enumOf('GPU driver that GKE installs', GPU_DRIVER_VERSIONS),
          },
        },
        images: {
          kind: 'object',
          description: 'Image pulls through Artifact Registry',
          fields: {
            streaming: {
              kind: 'boolean',
              description: "GKE image streaming on the GPU nodes, and Artifact Registry remote repositories in the cluster's region that mirror Docker Hub, registry.k8s.io and ghcr.io (made by pulumi up)",
            },
            mirrorProject: {
              ...projectId("Project of those repositories (the stack's gcp:project): when set, the manifests pull the mirrored images through them; left out, they keep the upstream references"),
              optional: true,
            },
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
        listenerPort: port('HTTP listener port (with tls: only a redirect to HTTPS on 443)'),
        route: {
          kind: 'object',
          description: 'HTTPRoute to the pools',
          fields: {
            name: dnsSubdomain('HTTPRoute name'),
            pathPrefix: path('Path prefix of the pools without a routePathPrefix of their own'),
            catchAllPool: {
              ...dnsLabel('With body-based routing: the pool under pathPrefix that answers requests naming no known model (GET /v1/models, unknown models); default the first pool there', 52),
              optional: true,
            },
          },
        },
        tls: {
          kind: 'object',
          description: 'HTTPS on port 443 (plain HTTP then only redirects); exactly one of domains and secretName',
          optional: true,
          fields: {
            domains: {
              kind: 'list',
              description: 'Domains of a Google-managed Certificate Manager certificate that pulumi up creates, each authorized by a DNS record it exports',
              optional: true,
              minItems: 1,
              maxItems: 100,
              items: {
                kind: 'string',
                description: 'Domain name',
                pattern: /^(?=.{1,253}$)[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?(\.[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?)+$/,
                patternHint: 'a lower-case fully qualified domain name such as llm.example.com (no wildcard)',
              },
            },
            secretName: { ...dnsSubdomain('An existing kubernetes.io/tls Secret in the namespace'), optional: true },
          },
        },
        access: {
          kind: 'object',
          description: 'Cloud Armor policy on every InferencePool: only these clients get through',
          optional: true,
          fields: {
            allowedSourceRanges: {
              kind: 'list',
              description: 'Client IPv4 ranges allowed; every other client gets 403',
              required: true,
              minItems: 1,
              maxItems: 100,
              items: cidr('Client range'),
            },
            rateLimit: {
              kind: 'object',
              description: 'Per-client-IP throttle (429 above it)',
              optional: true,
              fields: { requestsPerMinute: { ...integer('Requests one client IP may send per minute', 1, 1_000_000), required: true } },
            },
          },
        },
        modelArmor: {
          kind: 'object',
          description: 'Model Armor screening of prompts and responses (a template, its grants and a GCPTrafficExtension on the Gateway)',
          fields: {
            enabled: { kind: 'boolean', description: 'Screen prompts and responses; also enables the Model Armor API' },
            project: {
              kind: 'string',
              description: 'Project of the Model Armor template: the gcp:project pulumi up deploys to (required when enabled)',
              optional: true,
              pattern: /^[a-z][-a-z0-9]{4,28}[a-z0-9]$/,
              patternHint: 'a Google Cloud project ID',
            },
            promptInjection: enumOf('Prompt injection and jailbreak filter level', MODEL_ARMOR_LEVELS),
            responsibleAi: enumOf('Level of the four responsible-AI filters (sexually explicit, hate speech, harassment, dangerous)', MODEL_ARMOR_LEVELS),
            sensitiveData: { kind: 'boolean', description: 'Sensitive Data Protection basic filter' },
            maliciousUris: { kind: 'boolean', description: 'Malicious URI filter' },
            failOpen: { kind: 'boolean', description: 'Let requests through unscreened when Model Armor cannot be reached' },
          },
        },
      },
    },
    pools: {
      kind: 'list',
      description: 'Model server pools; a list here replaces the default pool',
      minItems: 1,
      // Bounds synth's time with the other count limits (docs/safety.md): 100 pools of the largest kind
      // synthesize in about 2 s on the 2-core development machine.
      maxItems: MAX_POOLS,
      itemDefaults: (written, root) => {
        if (!isPlainObject(written)) return undefined;
        const server = written.modelServer;
        const baseModel = isPlainObject(server) && typeof server.baseModel === 'string' ? server.baseModel : undefined;
        return poolDefaults(typeof written.name === 'string' ? written.name : UNNAMED_POOL, baseModel, profileOf(root));
      },
      items: {
        kind: 'object',
        description: 'One InferencePool with its model server, adapters, endpoint picker and models',
        fields: {
          name: { ...dnsLabel('Model server Deployment and app label name (and the InferencePool name by default)', 52), required: true },
          inferencePoolName: { ...dnsLabel("Name of this profile's InferencePool and prefix of its picker's objects (required, and different from name, during a migration)", 52), optional: true },
          routePathPrefix: { ...path('A path prefix of its own, stripped before vLLM; pools without one share gateway.route.pathPrefix'), optional: true },
          modelServer: {
            kind: 'object',
            description: 'vLLM Deployment',
            fields: {
              replicas: integer('Model server pods', 0, 1000),
              image: image('vLLM image'),
              vllmVersion: {
                kind: 'string',
                description: 'vLLM release of image (read from a vllm-openai:vX.Y.Z tag when left out); picks the metric names the picker reads',
                optional: true,
                pattern: /^\d{1,3}\.\d{1,3}\.\d{1,3}$/,
                patternHint: 'a vLLM release number such as 0.8.5',
              },
              baseModel: hfRepository('Hugging Face repository id of the base model'),
              port: port('vLLM HTTP port'),
              tensorParallelSize: integer('GPUs one model replica is sharded over', 1, 8),
              maxLoras: integer('Adapters resident on the GPU at once', 1, 256),
              maxCpuLoras: integer('Adapters cached in CPU memory', 1, 1024),
              maxLoraRank: {
                ...integer('Largest adapter rank vLLM accepts (--max-lora-rank); default: the smallest allowed value covering every declared rank, and at least 16 (vLLM\'s default)', 8, 512),
                values: VLLM_MAX_LORA_RANKS,
                optional: true,
              },
              hfTokenSecret: dnsSubdomain('Secret (key "token") with the Hugging Face token'),
              accelerator: enumOf('GPU type the pods are scheduled on: cluster.gpuPool.accelerator', Object.keys(ACCELERATORS)),
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
              resources: resources('CPU and memory the vLLM container requests (no limit)'),
              extraArgs: {
                kind: 'list',
                description: 'vLLM flags added after ours, such as [--max-model-len, "8192"]; refused: the flags we set (--model, --port, ...), --served-model-name, --host, --uds, --api-key, and shell or $(...) syntax',
                optional: true,
                maxItems: 64,
                items: { kind: 'string', description: 'One argument', maxLength: 1024 },
              },
              env: {
                kind: 'list',
                description: 'Variables added to the vLLM container; refused: the ones we set (PORT, HUGGING_FACE_HUB_TOKEN, VLLM_ALLOW_RUNTIME_LORA_UPDATING, HF_HOME, VLLM_CACHE_ROOT), names of credentials, and $(...) in values',
                optional: true,
                maxItems: 64,
                items: {
                  kind: 'object',
                  description: 'One variable',
                  fields: {
                    name: { kind: 'string', description: 'Variable name', required: true, pattern: /^[A-Za-z_][A-Za-z0-9_]*$/, patternHint: 'letters, digits and "_", not starting with a digit', maxLength: 256 },
                    value: { kind: 'string', description: 'Its value (written into the manifests in plain text)', required: true, maxLength: 4096 },
                  },
                },
              },
              tolerations: {
                kind: 'list',
                description: 'Tolerations of the model server pods, besides the GPU taint\'s (GKE adds that one itself)',
                optional: true,
                maxItems: 32,
                items: {
                  kind: 'object',
                  description: 'One toleration (Kubernetes core/v1 Toleration)',
                  fields: {
                    key: { kind: 'string', description: 'Taint key; left out with operator Exists, every taint', optional: true, pattern: /^([a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*\/)?[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?$/, patternHint: 'a label key such as nvidia.com/gpu or dedicated', maxLength: 317 },
                    operator: { kind: 'string', description: 'Equal (the default) or Exists', optional: true, enum: ['Equal', 'Exists'] },
                    value: { kind: 'string', description: 'Taint value (operator Equal)', optional: true, pattern: /^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/, patternHint: 'a label value (letters, digits, "-", "_" and ".")', maxLength: 63 },
                    effect: { kind: 'string', description: 'Effect to tolerate; left out, every effect', optional: true, enum: ['NoSchedule', 'PreferNoSchedule', 'NoExecute'] },
                    tolerationSeconds: { kind: 'integer', description: 'Seconds a NoExecute taint is tolerated before eviction', optional: true, min: 0, max: 31_536_000 },
                  },
                },
              },
              nodeSelector: {
                kind: 'map',
                description: 'Node labels the vLLM pods also select, beside cloud.google.com/gke-accelerator (which, like cloud.google.com/gke-spot, may not contradict the GPU pool)',
                optional: true,
                maxEntries: 32,
                values: LABEL_VALUE,
              },
              labels: {
                kind: 'map',
                description: "Labels of the vLLM Deployment's own metadata (the selector and pods keep ours); refused: app, app.kubernetes.io/*, inference-gateway/*, llm-d.ai/engine-type",
                optional: true,
                maxEntries: 32,
                values: LABEL_VALUE,
              },
              annotations: {
                kind: 'map',
                description: "Annotations of the vLLM Deployment's own metadata; refused: the apply-order ones we set (config.kubernetes.io/depends-on, argocd.argoproj.io/sync-wave) and the keys refused for labels",
                optional: true,
                maxEntries: 64,
                values: ANNOTATION_VALUE,
              },
              podAnnotations: {
                kind: 'map',
                description: 'Annotations of the vLLM pods (a change rolls them); refused as for annotations',
                optional: true,
                maxEntries: 64,
                values: ANNOTATION_VALUE,
              },
              weightsFrom: enumOf("Where vLLM reads the base model: huggingface (the guide's download at every start) or gcs (a bucket a one-time Job fills, streamed by vLLM's Run:ai model streamer)", WEIGHT_SOURCES),
              weightsBucket: {
                kind: 'string',
                description: "Cloud Storage bucket of the weights when weightsFrom is gcs (pulumi up creates it in the cluster's region)",
                optional: true,
                pattern: /^[a-z0-9][-_a-z0-9]{1,61}[a-z0-9]$/,
                patternHint: 'a bucket name of 3 to 63 lower-case letters, digits, "-" and "_", starting and ending with a letter or digit (no dots)',
              },
            },
          },
          adapters: {
            kind: 'object',
            description: 'LoRA adapters kept loaded by the lora-syncer sidecar',
            fields: {
              configMapName: dnsSubdomain('ConfigMap with the syncer config'),
              configName: { kind: 'string', description: 'vLLMLoRAConfig.name', pattern: /^[A-Za-z0-9][A-Za-z0-9._-]*$/, patternHint: 'a name of letters, digits, ".", "_" and "-"', maxLength: 253 },
              syncerImage: image('lora-syncer image'),
              models: {
                kind: 'list',
                description: 'Adapters to keep loaded (ensureExist)',
                maxItems: 1000,
                items: {
                  kind: 'object',
                  description: 'One LoRA adapter',
                  fields: {
                    id: modelName('Adapter name clients send as model'),
                    source: { ...hfRepository('Hugging Face repository of the adapter'), required: true },
                    rank: { ...integer('LoRA rank r of the adapter (adapter_config.json); sizes --max-lora-rank', 1, 512), optional: true },
                  },
                },
              },
              unload: {
                kind: 'list',
                description: 'Adapters the syncer unloads from running servers (ensureNotExist); dropping one from models leaves it loaded',
                maxItems: 1000,
                items: {
                  kind: 'object',
                  description: 'One adapter to unload',
                  fields: {
                    id: modelName('Adapter name to unload'),
                    source: { ...hfRepository('Hugging Face repository of the adapter'), required: true },
                  },
                },
              },
            },
          },
          endpointPicker: {
            kind: 'object',
            description: 'Endpoint picker (EPP) Deployment',
            fields: {
              replicas: integer('Endpoint picker pods (v0.3.0: at most 1, no leader election; GA: leader election above 1)', 0, 1000),
              image: image("Endpoint picker image, tagged with the profile's picker release"),
              resources: resources('CPU and memory the picker requests'),
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
            maxItems: MAX_MODELS_PER_POOL,
            items: {
              kind: 'object',
              description: 'One InferenceModel',
              fields: {
                name: { ...dnsSubdomain('InferenceModel (v0.3.0) or InferenceObjective (GA) object name'), required: true },
                modelName: modelName('Model name clients send'),
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
                      name: modelName('Base model or adapter id'),
                      weight: { ...integer('Traffic weight; set on all targets or none', 1, 1_000_000), optional: true },
                    },
                  },
                },
              },
            },
          },
          autoscaling: {
            kind: 'object',
            description: 'A HorizontalPodAutoscaler on the model server (the Deployment then sets no replicas)',
            optional: true,
            derivedDefaults: (written) => autoscalingDefaults(written.metric),
            fields: {
              minReplicas: { ...integer('Fewest model server pods', 1, 1000), required: true },
              maxReplicas: { ...integer('Most model server pods: at most cluster.gpuPool.maxNodes x acceleratorCount / modelServer.gpus', 1, 1000), required: true },
              metric: enumOf("The per-pod signal scaled on: queue (vLLM's waiting requests) or kvCache (share of vLLM's KV cache in use)", AUTOSCALING_METRICS),
              target: { kind: 'number', description: 'Average per pod the HPA holds the metric at (queue: requests, default 3; kvCache: a share up to 1, default 0.8)', min: 0.001, max: 1000 },
              scaleDownStabilizationSeconds: integer('Seconds a lower recommendation must last before pods are removed', 0, 3600),
            },
          },
        },
      },
    },
    monitoring: {
      kind: 'object',
      description: 'Managed Prometheus scraping of the endpoint pickers and model servers, the dashboard and the alerts',
      fields: {
        metricsReader: { kind: 'boolean', description: "The guide's metrics-reader RBAC, token Secret and ClusterPodMonitorings" },
        collectorNamespace: enumOf("Managed Prometheus collector's namespace (Autopilot: gke-gmp-system)", COLLECTOR_NAMESPACES),
        modelServers: { kind: 'boolean', description: "A PodMonitoring per pool scraping vLLM's /metrics at the endpoint picker's interval" },
        dashboard: { kind: 'boolean', description: 'A Cloud Monitoring dashboard of the deployment (pulumi up only)' },
        alerts: {
          kind: 'object',
          description: 'Cloud Monitoring alert policies per pool (pulumi up only): no Ready model server, queue backlog, 5xx ratio',
          fields: {
            enabled: { kind: 'boolean', description: 'Create the alert policies' },
            queueDepth: integer('Waiting requests in one model server that count as a backlog', 1, 100_000),
            queueMinutes: integer('Minutes the backlog lasts before the alert fires', 1, 1440),
            errorRatio: { kind: 'number', description: "Share of a pool's HTTP responses that are 5xx above which the alert fires", min: 0, exclusiveMin: true, max: 1 },
            errorMinutes: integer('Minutes the 5xx ratio stays above errorRatio before the alert fires', 1, 1440),
            noReadyMinutes: integer('Minutes a pool may have no Ready model server before the alert fires', 1, 1440),
            notificationChannels: {
              kind: 'list',
              description: 'Notification channels the alerts notify (created outside this stack)',
              maxItems: 16,
              items: {
                kind: 'string',
                description: 'Notification channel resource name',
                pattern: /^projects\/[a-z][-a-z0-9]{4,28}[a-z0-9]\/notificationChannels\/[0-9]{1,20}$/,
                patternHint: 'a channel name such as projects/my-project/notificationChannels/1234567890',
              },
            },
          },
        },
      },
    },
    patches: {
      kind: 'list',
      description: 'JSON patches (RFC 6902) applied to the synthesized objects after everything else; a patch that matches no object, or a path that does not exist, is an error',
      optional: true,
      maxItems: 64,
      items: {
        kind: 'object',
        description: 'Patches of the objects of one kind (and name)',
        fields: {
          kind: { kind: 'string', description: 'Kind of the objects, such as Deployment', required: true, pattern: /^[A-Z][A-Za-z0-9]*$/, patternHint: 'a Kubernetes kind such as Deployment', maxLength: 63 },
          name: { ...dnsSubdomain('Name of the object; left out, every object of the kind'), optional: true },
          patch: {
            kind: 'list',
            description: 'Operations, applied in order',
            required: true,
            minItems: 1,
            maxItems: 64,
            items: {
              kind: 'object',
              description: 'One operation',
              fields: {
                op: { kind: 'string', description: 'add, remove, replace or test', required: true, enum: PATCH_OPERATIONS },
                path: { kind: 'string', description: 'JSON pointer into the object', required: true, pattern: /^(\/([^~]|~[01])*)+$/, patternHint: 'a JSON pointer such as /spec/template/spec/priorityClassName (~1 for "/", ~0 for "~")', maxLength: 1024 },
                value: { kind: 'json', description: 'The value of add, replace and test', optional: true, maxLength: 65_536 },
              },
            },
          },
        },
      },
    },
  },
};
