/**
 * Rules across fields, run on the resolved spec together with the field checks. They read values
 * defensively: a field that failed its own check resolves to `INVALID` (neither a number nor a string)
 * and is skipped here, not reported twice.
 */
import { A3_MACHINE_TYPES } from './defaults';
import {
  activeVersions,
  MAX_RULES_PER_ROUTE,
  minimumGkeVersion,
  poolStacks,
  routeRuleCount,
  syncerConfigText,
} from './derived';
import { METRICS_ADAPTER, replicasThePoolHolds } from './autoscaling';
import { VLLM_GCS_STREAMING_SINCE, vllmStreamsFromGcs } from './weights';
import { minimumGracePeriodSeconds } from './drain';
import { checkPatches } from './patches';
import { checkEnv, checkExtraArgs, checkMetadataKeys, checkNodeSelector, checkTolerations, managedVllmFlags } from './escape-hatches';
import { GATEWAY_CLASS_SECURITY, HTTPS_PORT, httpsRedirectRouteName, modelArmorExtensionName } from './gateway-security';
import type { SpecIssue } from './fields';
import { BODY_ROUTER_HEALTH_CHECK_NAME, BODY_ROUTER_NAME, collisionMessage, endpointPickerName, GUIDE_METRICS_READER_SECRET, poolMetricsReaderSecret } from './names';
import { bf16WeightsGB, ACCELERATORS, FULL_CONTEXT_WEIGHT_SHARE, fitsMachine, gpuMachine, machineRegions, machinesOf, modelBillions, VLLM_MEMORY_UTILIZATION } from './machines';
import type { DeploymentSpec, InferenceModelSpec, PoolSpec, TargetModelSpec } from './types';
import { registerObjectNames } from './object-names';
import { MAX_ADAPTERS, MAX_MODELS } from './schema';
import { compareGkeVersions, EXTENSION_RELEASES, VLLM_MAX_LORA_RANKS, vllmVersionOfImage } from './versions';

type Report = (path: string, message: string) => void;

const isNumber = (value: unknown): value is number => typeof value === 'number' && Number.isFinite(value);
const isString = (value: unknown): value is string => typeof value === 'string';
const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);
const listOf = <T>(value: readonly T[] | unknown): T[] => (Array.isArray(value) ? (value as T[]).filter(isObject) : []);

/** The largest ConfigMap the API server stores (etcd's object size limit). */
export const CONFIGMAP_MAX_BYTES = 1024 * 1024;

/** Migrations from one profile to another that the tool knows how to run side by side. */
export const SUPPORTED_MIGRATIONS: readonly (readonly [string, string])[] = [['v0.3.0', 'llm-d-v0.10.0']];

function prefixLength(cidr: unknown): number | undefined {
  return isString(cidr) && /\/\d+$/.test(cidr) ? Number(cidr.split('/')[1]) : undefined;
}

function cidrRange(cidr: unknown): [number, number] | undefined {
  if (!isString(cidr)) return undefined;
  const match = /^(\d+)\.(\d+)\.(\d+)\.(\d+)\/(\d+)$/.exec(cidr);
  if (!match) return undefined;
  const address = match.slice(1, 5).reduce((acc, octet) => acc * 256 + Number(octet), 0);
  const size = 2 ** (32 - Number(match[5]));
  const start = address - (address % size);
  return [start, start + size - 1];
}

/** A tag that moves: the guide's `latest` and `main` change under a running Deployment. */
const MOVING_TAGS = new Set(['latest', 'main', 'master', 'nightly', 'dev']);

export function imageTag(reference: string): string | undefined {
  const name = reference.split('@')[0];
  if (reference.includes('@sha256:')) return undefined;
  const lastSlash = name.lastIndexOf('/');
  const colon = name.indexOf(':', lastSlash + 1);
  return colon < 0 ? undefined : name.slice(colon + 1);
}

function checkPinned(report: Report, path: string, reference: unknown): void {
  if (!isString(reference)) return;
  if (reference.includes('@sha256:')) return;
  const tag = imageTag(reference);
  if (tag === undefined) report(path, `must name a tag or digest (an untagged image means "latest"), got "${reference}"`);
  else if (MOVING_TAGS.has(tag)) report(path, `must be pinned to a release tag or digest, not the moving tag "${tag}"`);
}

export function checkRules(spec: DeploymentSpec): SpecIssue[] {
  const issues: SpecIssue[] = [];
  const report: Report = (path, message) => issues.push({ path, message });
  checkExtension(spec, report);
  checkCluster(spec, report);
  checkGatewaySecurity(spec, report);
  const pools = listOf<PoolSpec>(spec.pools);
  // Facts about all pools are computed once here, never per pool: a spec can hold many pools, and a
  // check that scans every pool for each pool makes the largest spec take minutes.
  const shared = pools.filter((pool) => pool.routePathPrefix === undefined).length;
  pools.forEach((pool, index) => checkPool(spec, pool, `pools[${index}]`, report, shared));
  checkAcrossPools(spec, pools, report);
  checkPatches(spec.patches, 'patches', report);
  if (spec.namespace === METRICS_ADAPTER.namespace && pools.some((pool) => isObject(pool.autoscaling))) {
    report('namespace', `${METRICS_ADAPTER.namespace} is the Custom Metrics Stackdriver Adapter's own namespace, which autoscaling creates and deletes with the adapter; choose another, got ${spec.namespace}`);
  }
  // Collisions of generated names, from the one registry; a field some rule above already refused (often
  // for the same collision, in words closer to the user's intent) is not reported twice.
  const reported = new Set(issues.map((issue) => issue.path));
  for (const collision of namesCheckable(spec, pools) ? registerObjectNames(spec).collisions() : []) {
    if (reported.has(collision.second.field)) continue;
    // One field naming two objects alike comes from a profile or migration another rule refused.
    if (collision.first.field === collision.second.field && issues.length > 0) continue;
    reported.add(collision.second.field);
    report(collision.second.field, collisionMessage(collision));
  }
  return issues;
}

/** Whether every field a generated name derives from passed its own check (the registry reads them all). */
function namesCheckable(spec: DeploymentSpec, pools: readonly PoolSpec[]): boolean {
  const migration = spec.inferenceExtension.migration;
  return (
    versionsOf(spec).length > 0 &&
    (migration === undefined || isNumber(migration.trafficPercent)) &&
    [spec.namespace, spec.monitoring.collectorNamespace, spec.gateway.name, spec.gateway.route.name, spec.gateway.route.pathPrefix].every(isString) &&
    typeof spec.monitoring.metricsReader === 'boolean' &&
    Array.isArray(spec.pools) &&
    pools.length === spec.pools.length &&
    pools.every(
      (pool) =>
        isString(pool.name) &&
        (pool.inferencePoolName === undefined || isString(pool.inferencePoolName)) &&
        (pool.routePathPrefix === undefined || isString(pool.routePathPrefix)) &&
        isObject(pool.adapters) &&
        isString(pool.adapters.configMapName) &&
        isObject(pool.endpointPicker) &&
        isNumber(pool.endpointPicker.replicas) &&
        Array.isArray(pool.models) &&
        listOf<InferenceModelSpec>(pool.models).length === pool.models.length &&
        pool.models.every((model) => isString(model.name) && isString(model.modelName) && (model.targetModels === undefined || (Array.isArray(model.targetModels) && (model.targetModels as unknown[]).every((target) => isObject(target) && isString(target.name))))),
    )
  );
}

function checkExtension(spec: DeploymentSpec, report: Report): void {
  const extension = spec.inferenceExtension;
  const migration = extension.migration;
  if (!isObject(migration) || !isString(migration.from) || !isString(extension.version)) return;
  if (migration.from === extension.version) {
    report('inferenceExtension.migration.from', `must differ from inferenceExtension.version (${extension.version}): a migration moves from one profile to another`);
  } else if (!isSupportedMigration(migration.from, extension.version)) {
    const known = SUPPORTED_MIGRATIONS.map(([from, to]) => `${from} to ${to}`).join(', ');
    report('inferenceExtension.migration.from', `a migration from ${migration.from} to ${extension.version} is not supported; supported: ${known}`);
  }
}

/**
 * HTTPS, access control and Model Armor: well-formed, and only what GKE supports on the chosen class
 * (spec/gateway-security.ts gives the table and its sources).
 */
function checkGatewaySecurity(spec: DeploymentSpec, report: Report): void {
  if (spec.cluster.enableModelArmor !== undefined) {
    report('cluster.enableModelArmor', 'was replaced by gateway.modelArmor.enabled, which enables the Model Armor API and also creates the template, its grants and the traffic extension that uses it; remove this field');
  }
  const gateway = spec.gateway;
  const capabilities = isString(gateway.className) ? GATEWAY_CLASS_SECURITY[gateway.className] : undefined;
  const unsupported = (path: string, what: string): void => report(path, `${what} is not supported on GatewayClass ${gateway.className}`);
  const tls = gateway.tls;
  if (isObject(tls)) {
    const hasDomains = tls.domains !== undefined;
    const hasSecret = tls.secretName !== undefined;
    if (hasDomains === hasSecret) {
      report('gateway.tls', `needs exactly one of domains (a Google-managed certificate that pulumi up creates) and secretName (an existing TLS Secret), got ${hasDomains ? 'both' : 'neither'}`);
    }
    if (Array.isArray(tls.domains)) reportDuplicates(report, tls.domains.map((domain, i) => [`gateway.tls.domains[${i}]`, domain] as const), 'domain');
    if (gateway.listenerPort === HTTPS_PORT) {
      report('gateway.listenerPort', `is the HTTPS listener's port with gateway.tls; the plain HTTP listener (which then only redirects) needs another port, such as 80, got ${HTTPS_PORT}`);
    }
    if (capabilities && hasDomains && capabilities.certificateManager === undefined) unsupported('gateway.tls.domains', 'a Certificate Manager certificate');
    if (capabilities && hasSecret && !capabilities.secretCertificates) unsupported('gateway.tls.secretName', 'a TLS certificate from a Kubernetes Secret');
  }
  const derivedNames: (readonly [boolean, string, string, string])[] = [
    [isObject(tls) && isString(gateway.route.name), 'gateway.route.name', httpsRedirectRouteName(spec), 'the HTTP-to-HTTPS redirect route'],
    [isObject(gateway.modelArmor) && gateway.modelArmor.enabled === true && isString(gateway.name), 'gateway.name', modelArmorExtensionName(spec), 'the Model Armor GCPTrafficExtension'],
  ];
  for (const [used, path, name, what] of derivedNames) {
    if (used && name.length > 253) report(path, `is too long for ${what}, named ${name.slice(0, 40)}... (at most 253 characters)`);
  }
  const access = gateway.access;
  if (isObject(access) && capabilities) {
    if (capabilities.cloudArmor === undefined) unsupported('gateway.access', 'a Cloud Armor security policy');
    if (access.rateLimit !== undefined && !capabilities.rateLimit) unsupported('gateway.access.rateLimit', 'a Cloud Armor rate limit');
  }
  const armor = gateway.modelArmor;
  if (isObject(armor) && armor.enabled === true) {
    if (capabilities && !capabilities.modelArmor) unsupported('gateway.modelArmor.enabled', 'Model Armor');
    if (armor.project === undefined) {
      report('gateway.modelArmor.project', "is required when Model Armor is enabled: the traffic extension names the template as projects/<project>/locations/<region>/templates/<id>; set it to the project pulumi up deploys to (gcp:project)");
    }
    if (armor.promptInjection === 'OFF' && armor.responsibleAi === 'OFF' && armor.sensitiveData === false && armor.maliciousUris === false) {
      report('gateway.modelArmor.enabled', 'every filter is off (promptInjection, responsibleAi, sensitiveData, maliciousUris): the extension would screen nothing; turn one on or disable Model Armor');
    }
  }
}

/** The active profiles, or none while the profile fields themselves are invalid. */
function versionsOf(spec: DeploymentSpec): ReturnType<typeof activeVersions> {
  const extension = spec.inferenceExtension;
  if (!isString(extension.version) || (extension.migration !== undefined && !isString(extension.migration.from))) return [];
  return activeVersions(spec);
}

/** A pool's stacks, or none while a field they derive from (a profile, the traffic split, a name) is invalid. */
function stacksOf(spec: DeploymentSpec, pool: PoolSpec): ReturnType<typeof poolStacks> {
  const migration = spec.inferenceExtension.migration;
  if (versionsOf(spec).length === 0 || (migration !== undefined && !isNumber(migration.trafficPercent))) return [];
  if (!isString(pool.name) || (pool.inferencePoolName !== undefined && !isString(pool.inferencePoolName))) return [];
  return poolStacks(spec, pool);
}

/** A migration the tool runs (SUPPORTED_MIGRATIONS); an unsupported one is reported on its own field. */
function isSupportedMigration(from: unknown, to: unknown): boolean {
  return SUPPORTED_MIGRATIONS.some(([known, target]) => known === from && target === to);
}

function checkCluster(spec: DeploymentSpec, report: Report): void {
  const cluster = spec.cluster;
  const versions = versionsOf(spec);
  const minimum = minimumGkeVersion(versions);
  if (isString(cluster.version) && compareGkeVersions(cluster.version, minimum) < 0) {
    const why = versions.some((version) => EXTENSION_RELEASES[version].api === 'v1')
      ? 'the first GKE version that installs InferencePool v1 itself'
      : "GKE Inference Gateway's minimum";
    report('cluster.version', `must be at least ${minimum} (${why}), got ${cluster.version}`);
  }
  const network = cluster.network;
  const proxyPrefix = prefixLength(network.proxyOnlyCidr);
  if (proxyPrefix !== undefined && proxyPrefix > 26) {
    report('cluster.network.proxyOnlyCidr', `must be at least a /26 (a /23 is recommended), got /${proxyPrefix}`);
  }
  const ranges = (['nodeCidr', 'podCidr', 'serviceCidr', 'proxyOnlyCidr'] as const)
    .map((key) => [key, cidrRange(network[key])] as const)
    .filter((entry): entry is readonly [typeof entry[0], [number, number]] => entry[1] !== undefined);
  for (let i = 0; i < ranges.length; i++) {
    for (let j = i + 1; j < ranges.length; j++) {
      const [a, b] = [ranges[i], ranges[j]];
      if (a[1][0] <= b[1][1] && b[1][0] <= a[1][1]) {
        report(`cluster.network.${b[0]}`, `overlaps cluster.network.${a[0]} (${network[a[0]]}); the ranges must be disjoint`);
      }
    }
  }
  for (const poolKey of ['systemPool', 'gpuPool'] as const) {
    const nodePool = cluster[poolKey];
    if (isNumber(nodePool.minNodes) && isNumber(nodePool.maxNodes) && nodePool.minNodes > nodePool.maxNodes) {
      report(`cluster.${poolKey}.minNodes`, `must be <= maxNodes (${nodePool.maxNodes}), got ${nodePool.minNodes}`);
    }
  }
  const images = cluster.images;
  if (isObject(images) && images.streaming === false && isString(images.mirrorProject)) {
    report('cluster.images.mirrorProject', `needs cluster.images.streaming: the Artifact Registry repositories the manifests would pull from are made only with it, got ${images.mirrorProject}`);
  }
  const gpu = cluster.gpuPool;
  const count = gpu.acceleratorCount;
  const machine = isString(gpu.machineType) ? gpuMachine(gpu.machineType) : undefined;
  if (machine !== undefined && isString(gpu.machineType)) {
    const machineType = gpu.machineType;
    if (isString(gpu.accelerator) && gpu.accelerator !== machine.accelerator) {
      report(
        'cluster.gpuPool.accelerator',
        `must be ${machine.accelerator}, the GPU of machineType ${machineType} (machine types with ${gpu.accelerator}: ${machinesOf(gpu.accelerator).join(', ') || 'none'}), got ${gpu.accelerator}`,
      );
    }
    if (isNumber(count) && count !== machine.gpus) {
      const a3High = A3_MACHINE_TYPES[count];
      if (machine.series === 'a3-highgpu' && a3High !== undefined) {
        report('cluster.gpuPool.machineType', `must be ${a3High} for acceleratorCount ${count}, got ${machineType}`);
      } else {
        report('cluster.gpuPool.acceleratorCount', `must be ${machine.gpus}, the GPUs of one ${machineType} node, got ${count}`);
      }
    }
    if (isString(gpu.provisioning) && !machine.sold.includes(gpu.provisioning)) {
      const allowed = machine.sold.filter((sale) => sale !== 'reservation');
      report(
        'cluster.gpuPool.provisioning',
        machine.series === 'a3-highgpu'
          ? `on-demand needs acceleratorCount 8 (a3-highgpu-8g): a3-highgpu-1g, -2g and -4g exist only as Spot or Flex-start VMs; use spot or flex-start, got acceleratorCount ${count}`
          : `must be ${allowed.join(' or ')} for ${machineType} (Compute Engine sells it as ${machine.sold.join(', ')}; a reservation is not a provisioning this spec makes), got ${gpu.provisioning}`,
      );
    }
  }
  // An empty zone list is only ever a default: spec/regions.ts cites no zones of the region for the pool's
  // machine type (a written list has at least one item). Name the regions that have them, and the way out.
  if (Array.isArray(gpu.nodeLocations) && gpu.nodeLocations.length === 0 && isString(cluster.region) && machine !== undefined && isString(gpu.machineType)) {
    report(
      'cluster.region',
      `has no known zones offering ${gpu.machineType} (${machine.accelerator}); use one of ${machineRegions(gpu.machineType).join(', ')}, ` +
        `or set cluster.gpuPool.nodeLocations to zones of ${cluster.region} that offer it, got ${cluster.region}`,
    );
  }
  if (Array.isArray(gpu.nodeLocations) && isString(cluster.region)) {
    gpu.nodeLocations.forEach((zone, index) => {
      if (isString(zone) && !zone.startsWith(`${cluster.region}-`)) {
        report(`cluster.gpuPool.nodeLocations[${index}]`, `must be a zone of cluster.region ${cluster.region} (such as ${cluster.region}-a), got ${zone}`);
      }
    });
  }
}

/**
 * Whether the base model's bf16 weights, sharded over tensorParallelSize GPUs, fit the accelerator within
 * vLLM's memory budget, and leave room for the KV cache of the model's full context. The size comes from
 * the model id (`8B`); an id that does not state it, or a quantized model (`--quantization`), is not judged.
 */
function checkModelFits(server: PoolSpec['modelServer'], accelerator: unknown, at: string, report: Report): void {
  if (!isString(server.baseModel) || !isString(accelerator) || !isNumber(server.tensorParallelSize)) return;
  const info = Object.prototype.hasOwnProperty.call(ACCELERATORS, accelerator) ? ACCELERATORS[accelerator] : undefined;
  const billions = modelBillions(server.baseModel);
  const args = Array.isArray(server.extraArgs) ? server.extraArgs.filter(isString) : [];
  const hasFlag = (flag: string): boolean => args.some((arg) => arg === flag || arg.startsWith(`${flag}=`));
  if (info === undefined || billions === undefined || hasFlag('--quantization')) return;
  const weights = bf16WeightsGB(billions);
  const perGpu = weights / server.tensorParallelSize;
  const budget = info.gpuMemoryGB * VLLM_MEMORY_UTILIZATION;
  if (perGpu > budget) {
    const needed = Math.ceil(weights / budget);
    report(
      `${at}.modelServer.tensorParallelSize`,
      `${server.baseModel} is about ${weights} GB in bf16, ${perGpu.toFixed(1)} GB per GPU, more than vLLM's ${budget.toFixed(1)} GB of one ${accelerator} (${info.gpuMemoryGB} GB x ${VLLM_MEMORY_UTILIZATION}); ` +
        `shard it over at least ${needed} GPUs (tensorParallelSize and gpus), choose a larger accelerator, or serve a quantized model, got ${server.tensorParallelSize}`,
    );
  } else if (perGpu > budget * FULL_CONTEXT_WEIGHT_SHARE && !hasFlag('--max-model-len')) {
    report(
      `${at}.modelServer.extraArgs`,
      `must set --max-model-len: ${server.baseModel} takes about ${perGpu.toFixed(1)} GB of vLLM's ${budget.toFixed(1)} GB on each ${accelerator}, too little KV cache for its full context; ` +
        `add [--max-model-len, "8192"] (or another short context), or raise tensorParallelSize and gpus`,
    );
  }
}

/** vLLM's `--pipeline-parallel-size` from the extra args (1 when absent), or undefined when it is not a number. */
function pipelineStages(extraArgs: unknown): number | undefined {
  const args = Array.isArray(extraArgs) ? extraArgs.filter(isString) : [];
  for (let i = 0; i < args.length; i++) {
    const [flag, inline] = args[i].split('=', 2);
    if (flag === '--pipeline-parallel-size' || flag === '-pp') {
      const value = Number(inline ?? args[i + 1]);
      return Number.isInteger(value) && value > 0 ? value : undefined;
    }
  }
  return 1;
}

/** `sharedPools`: how many pools share gateway.route.pathPrefix. */
function checkPool(spec: DeploymentSpec, pool: PoolSpec, at: string, report: Report, sharedPools: number): void {
  const server = pool.modelServer;
  const gpuPool = spec.cluster.gpuPool;
  if (isNumber(server.maxLoras) && isNumber(server.maxCpuLoras) && server.maxLoras > server.maxCpuLoras) {
    report(`${at}.modelServer.maxLoras`, `must be <= maxCpuLoras (${server.maxCpuLoras}), got ${server.maxLoras}`);
  }
  if (isNumber(server.terminationGracePeriodSeconds) && isNumber(server.preStopSleepSeconds)) {
    if (server.terminationGracePeriodSeconds <= server.preStopSleepSeconds) {
      report(
        `${at}.modelServer.terminationGracePeriodSeconds`,
        `must be longer than preStopSleepSeconds (${server.preStopSleepSeconds}) so requests can drain after the sleep, got ${server.terminationGracePeriodSeconds}`,
      );
    } else if (isObject(server.drain) && isNumber(server.drain.maxOutputTokens) && isNumber(server.drain.timePerOutputTokenMs) && isNumber(server.drain.prefillShare)) {
      const minimum = minimumGracePeriodSeconds(server.drain, server.preStopSleepSeconds);
      if (server.terminationGracePeriodSeconds < minimum) {
        report(
          `${at}.modelServer.terminationGracePeriodSeconds`,
          `must cover preStopSleepSeconds plus the drain time from modelServer.drain (at least ${minimum}), got ${server.terminationGracePeriodSeconds}`,
        );
      }
    }
  }
  if (isNumber(server.tensorParallelSize) && isNumber(server.gpus) && server.tensorParallelSize > server.gpus) {
    report(`${at}.modelServer.tensorParallelSize`, `must be <= gpus (${server.gpus}): vLLM shards the model over that many GPUs, got ${server.tensorParallelSize}`);
  }
  const fitsNode = !isNumber(gpuPool.acceleratorCount) || !isNumber(server.gpus) || server.gpus <= gpuPool.acceleratorCount;
  if (fitsNode && isNumber(server.tensorParallelSize) && isNumber(server.gpus) && server.tensorParallelSize <= server.gpus) {
    const stages = pipelineStages(server.extraArgs);
    if (stages !== undefined && server.gpus !== server.tensorParallelSize * stages) {
      report(
        `${at}.modelServer.gpus`,
        `must be tensorParallelSize (${server.tensorParallelSize})${stages > 1 ? ` x --pipeline-parallel-size (${stages})` : ''} = ${server.tensorParallelSize * stages}: vLLM uses that many GPUs and the others would sit idle; raise tensorParallelSize or lower gpus, got ${server.gpus}`,
      );
    }
  }
  if (isNumber(server.gpus) && isNumber(gpuPool.acceleratorCount) && server.gpus > gpuPool.acceleratorCount) {
    report(`${at}.modelServer.gpus`, `must be <= cluster.gpuPool.acceleratorCount (${gpuPool.acceleratorCount}), the GPUs of one node, got ${server.gpus}`);
  }
  if (isString(server.accelerator) && isString(gpuPool.accelerator) && server.accelerator !== gpuPool.accelerator) {
    report(`${at}.modelServer.accelerator`, `must be cluster.gpuPool.accelerator (${gpuPool.accelerator}) or the pods select no node, got ${server.accelerator}`);
  }
  checkModelFits(server, gpuPool.accelerator, at, report);
  if (isNumber(server.rollout.maxSurge) && isNumber(server.rollout.maxUnavailable) && server.rollout.maxSurge + server.rollout.maxUnavailable === 0) {
    report(`${at}.modelServer.rollout`, 'maxSurge and maxUnavailable cannot both be 0: the rollout could never make progress');
  }
  checkExtraArgs(server.extraArgs, `${at}.modelServer.extraArgs`, report, managedVllmFlags(server.weightsFrom));
  checkEnv(server.env, `${at}.modelServer.env`, report);
  checkTolerations(server.tolerations, `${at}.modelServer.tolerations`, report);
  checkNodeSelector(server.nodeSelector, `${at}.modelServer.nodeSelector`, { accelerator: server.accelerator, provisioning: gpuPool.provisioning }, report);
  checkMetadataKeys(server.labels, `${at}.modelServer.labels`, report);
  checkMetadataKeys(server.annotations, `${at}.modelServer.annotations`, report);
  checkMetadataKeys(server.podAnnotations, `${at}.modelServer.podAnnotations`, report);
  checkPinned(report, `${at}.modelServer.image`, server.image);
  checkPinned(report, `${at}.adapters.syncerImage`, pool.adapters.syncerImage);
  checkPinned(report, `${at}.endpointPicker.image`, pool.endpointPicker.image);
  checkVllmRelease(pool, at, report);
  checkAutoscaling(spec, pool, at, report);
  checkWeights(pool, at, report);
  checkEndpointPicker(spec, pool, at, report);
  checkPoolNames(spec, pool, at, report);
  checkAdapters(pool, at, report);
  checkModels(spec, pool, at, report, sharedPools);
}

function checkVllmRelease(pool: PoolSpec, at: string, report: Report): void {
  const server = pool.modelServer;
  if (!isString(server.image)) return;
  const fromImage = vllmVersionOfImage(server.image);
  if (server.vllmVersion === undefined) {
    if (fromImage === undefined) {
      report(`${at}.modelServer.vllmVersion`, `is required for image ${server.image}: its tag does not say which vLLM release it is (vllm-openai:vX.Y.Z), and the endpoint picker's metric names depend on it`);
    }
  } else if (isString(server.vllmVersion) && fromImage !== undefined && fromImage !== server.vllmVersion) {
    report(`${at}.modelServer.vllmVersion`, `must match the image's tag (${fromImage}) or be left out, got ${server.vllmVersion}`);
  }
}

function checkWeights(pool: PoolSpec, at: string, report: Report): void {
  const server = pool.modelServer;
  if (server.weightsFrom === 'gcs') {
    if (server.weightsBucket === undefined) {
      report(`${at}.modelServer.weightsBucket`, "is required when weightsFrom is gcs: the Cloud Storage bucket the fill Job writes and vLLM reads (pulumi up creates it in cluster.region)");
    }
    const version = isString(server.image) ? (server.vllmVersion ?? vllmVersionOfImage(server.image)) : undefined;
    if (isString(version) && !vllmStreamsFromGcs(version)) {
      report(
        `${at}.modelServer.weightsFrom`,
        `gcs needs vLLM ${VLLM_GCS_STREAMING_SINCE} or later, whose image streams gs:// models with the Run:ai Model Streamer; this pool runs vLLM ${version} (the GA profile's vLLM can); use huggingface, got gcs`,
      );
    }
  } else if (server.weightsFrom === 'huggingface' && isString(server.weightsBucket)) {
    report(`${at}.modelServer.weightsBucket`, `is read only with weightsFrom gcs; remove it or set weightsFrom: gcs, got ${server.weightsBucket}`);
  }
}

function checkAutoscaling(spec: DeploymentSpec, pool: PoolSpec, at: string, report: Report): void {
  const scaling = pool.autoscaling;
  if (!isObject(scaling)) return;
  const { minReplicas, maxReplicas, metric, target } = scaling;
  if (isNumber(minReplicas) && isNumber(maxReplicas) && minReplicas > maxReplicas) {
    report(`${at}.autoscaling.minReplicas`, `must be <= maxReplicas (${maxReplicas}), got ${minReplicas}`);
  }
  if (metric === 'kvCache' && isNumber(target) && target > 1) {
    report(`${at}.autoscaling.target`, `must be at most 1 for metric kvCache (vLLM reports the KV cache in use as a share from 0 to 1), got ${target}`);
  }
  const gpu = spec.cluster.gpuPool;
  const gpus = pool.modelServer.gpus;
  if (isNumber(maxReplicas) && isNumber(gpu.maxNodes) && isNumber(gpu.acceleratorCount) && isNumber(gpus) && gpus <= gpu.acceleratorCount) {
    const holds = replicasThePoolHolds(gpu.maxNodes, gpu.acceleratorCount, gpus);
    if (maxReplicas > holds) {
      report(
        `${at}.autoscaling.maxReplicas`,
        `must be at most ${holds}, the model server pods the GPU pool holds (cluster.gpuPool.maxNodes ${gpu.maxNodes} x acceleratorCount ${gpu.acceleratorCount} / modelServer.gpus ${gpus}); the HPA would ask for pods no node can take; lower maxReplicas or raise maxNodes, got ${maxReplicas}`,
      );
    }
  }
}

function checkEndpointPicker(spec: DeploymentSpec, pool: PoolSpec, at: string, report: Report): void {
  const version = spec.inferenceExtension.version;
  if (!isString(version)) return;
  const release = EXTENSION_RELEASES[version];
  const picker = pool.endpointPicker;
  if (isString(picker.image)) {
    const tag = imageTag(picker.image);
    if (tag !== undefined && tag !== release.endpointPickerTag && !MOVING_TAGS.has(tag)) {
      report(`${at}.endpointPicker.image`, `must be tagged ${release.endpointPickerTag} to match inferenceExtension.version ${version} (the CRDs it watches), got ${tag}`);
    }
  }
  if (!release.leaderElection && isNumber(picker.replicas) && picker.replicas > 1) {
    report(`${at}.endpointPicker.replicas`, `must be 0 or 1: the ${version} endpoint picker has no leader election, got ${picker.replicas}`);
  }
  const machine = spec.cluster.systemPool.machineType;
  if (isObject(picker.resources) && isString(picker.resources.cpu) && isString(picker.resources.memory) && isString(machine)) {
    const fit = fitsMachine(machine, picker.resources.cpu, picker.resources.memory);
    if (fit !== undefined && !fit.fits) {
      report(
        `${at}.endpointPicker.resources`,
        `${picker.resources.cpu} CPU and ${picker.resources.memory} do not fit one ${machine} node of the system pool (about ${fit.allocatable} allocatable after GKE's reservations and system pods); lower the requests or choose a larger cluster.systemPool.machineType`,
      );
    }
  }
}

function checkPoolNames(spec: DeploymentSpec, pool: PoolSpec, at: string, report: Report): void {
  const migration = spec.inferenceExtension.migration;
  const version = spec.inferenceExtension.version;
  if (migration !== undefined && isObject(migration)) {
    // The messages name the pool and both profiles: skip while one of them failed its own check (or the
    // migration itself is refused), rather than reason from a value already reported.
    const named = isString(pool.name) && isSupportedMigration(migration.from, version);
    if (named && pool.inferencePoolName === undefined) {
      report(
        `${at}.inferencePoolName`,
        `is required during a migration: the ${migration.from} InferencePool and picker keep the name ${pool.name}, so the ${version} ones need another (for example ${pool.name.slice(0, 49)}-ga); keep it after the migration so nothing is renamed`,
      );
    } else if (named && pool.inferencePoolName === pool.name) {
      report(`${at}.inferencePoolName`, `must differ from the pool's name during a migration (the ${migration.from} stack keeps ${pool.name}), got ${pool.inferencePoolName}`);
    }
  } else if (pool.inferencePoolName !== undefined && isString(version) && EXTENSION_RELEASES[version].api === 'v1alpha2') {
    const named = isString(pool.name) ? ` (${pool.name})` : '';
    report(`${at}.inferencePoolName`, `applies to the GA profile's InferencePool only; with ${version} the InferencePool is named after the pool${named}`);
  }
  if (isString(pool.name) && pool.name === BODY_ROUTER_NAME) {
    report(`${at}.name`, `${BODY_ROUTER_NAME} is the body-based router's Deployment; choose another pool name`);
  }
}

function checkAdapters(pool: PoolSpec, at: string, report: Report): void {
  const adapters = listOf<PoolSpec['adapters']['models'][number]>(pool.adapters.models);
  const unload = listOf<PoolSpec['adapters']['unload'][number]>(pool.adapters.unload);
  reportDuplicates(report, adapters.map((a, i) => [`${at}.adapters.models[${i}].id`, a.id]), 'adapter id in this pool');
  reportDuplicates(report, unload.map((a, i) => [`${at}.adapters.unload[${i}].id`, a.id]), 'adapter id to unload');
  adapters.forEach((adapter, i) => {
    if (isString(adapter.id) && adapter.id === pool.modelServer.baseModel) {
      report(`${at}.adapters.models[${i}].id`, `must differ from modelServer.baseModel (${adapter.id})`);
    }
  });
  const kept = new Set(adapters.map((adapter) => adapter.id).filter(isString));
  unload.forEach((adapter, i) => {
    if (isString(adapter.id) && kept.has(adapter.id)) {
      report(`${at}.adapters.unload[${i}].id`, `is also under adapters.models; the syncer would neither load nor unload it; keep it in one list, got ${adapter.id}`);
    }
  });
  const explicit = pool.modelServer.maxLoraRank;
  if (isNumber(explicit)) {
    adapters.forEach((adapter, i) => {
      if (isNumber(adapter.rank) && adapter.rank > explicit) {
        report(`${at}.adapters.models[${i}].rank`, `exceeds modelServer.maxLoraRank (${explicit}); vLLM refuses to load an adapter of rank ${adapter.rank}; raise maxLoraRank to one of ${VLLM_MAX_LORA_RANKS.filter((r) => r >= adapter.rank!).join(', ')}`);
      }
    });
  }
  const configText = safeSyncerConfig(pool);
  if (configText !== undefined && Buffer.byteLength(configText) > CONFIGMAP_MAX_BYTES) {
    report(`${at}.adapters`, `the lora-syncer config would be ${Buffer.byteLength(configText)} bytes; a ConfigMap holds at most ${CONFIGMAP_MAX_BYTES} (1 MiB): split the adapters over pools`);
  }
}

/** The syncer config text when every field it reads is valid; rules must not render half-checked input. */
function safeSyncerConfig(pool: PoolSpec): string | undefined {
  const adapters = pool.adapters;
  const all = [...listOf<{ id: unknown; source: unknown }>(adapters.models), ...listOf<{ id: unknown; source: unknown }>(adapters.unload)];
  const lists = Array.isArray(adapters.models) && Array.isArray(adapters.unload) && all.length === adapters.models.length + adapters.unload.length;
  const ok = lists && isString(adapters.configName) && isNumber(pool.modelServer.port) && isString(pool.modelServer.baseModel) && all.every((a) => isString(a.id) && isString(a.source));
  return ok ? syncerConfigText(pool) : undefined;
}

/** The names a pool serves (base model and adapters), or undefined while one of them failed its own check. */
function servedNames(pool: PoolSpec): Set<string> | undefined {
  const written = pool.adapters.models;
  const adapters = listOf<{ id: unknown }>(written);
  const names = [pool.modelServer.baseModel, ...adapters.map((adapter) => adapter.id)];
  const known = Array.isArray(written) && adapters.length === written.length && names.every(isString);
  return known ? new Set(names as string[]) : undefined;
}

function checkModels(spec: DeploymentSpec, pool: PoolSpec, at: string, report: Report, sharedPools: number): void {
  const served = servedNames(pool);
  const models = listOf<InferenceModelSpec>(pool.models);
  const unloaded = new Set(listOf<{ id: unknown }>(pool.adapters.unload).map((adapter) => adapter.id).filter(isString));
  reportDuplicates(report, models.map((m, i) => [`${at}.models[${i}].modelName`, m.modelName]), 'modelName in this pool');
  const routedTo = new Set<string>();
  // Whether routedTo knows every name the models route to (none of those fields failed its own check).
  let routesKnown = Array.isArray(pool.models) && models.length === pool.models.length;
  models.forEach((model, i) => {
    // targetModels that failed their own check say nothing about which names this model needs.
    if (model.targetModels !== undefined && !Array.isArray(model.targetModels)) {
      routesKnown = false;
      return;
    }
    const targets: readonly TargetModelSpec[] | undefined = Array.isArray(model.targetModels) ? listOf<TargetModelSpec>(model.targetModels) : undefined;
    if (targets === undefined || targets.length === 0) {
      if (!isString(model.modelName)) {
        routesKnown = false;
        return;
      }
      routedTo.add(model.modelName);
      if (served !== undefined && !served.has(model.modelName)) {
        const why = unloaded.has(model.modelName) ? 'is listed under adapters.unload' : `is neither the base model nor an adapter of this pool (${[...served].join(', ')}); add targetModels or the adapter`;
        report(`${at}.models[${i}].modelName`, `${why}, got ${model.modelName}`);
      }
      return;
    }
    if (targets.length !== (model.targetModels as unknown[]).length) routesKnown = false;
    targets.forEach((target, j) => {
      if (!isString(target.name)) {
        routesKnown = false;
        return;
      }
      routedTo.add(target.name);
      if (served !== undefined && !served.has(target.name)) {
        const why = unloaded.has(target.name) ? 'is listed under adapters.unload' : `must be the base model or an adapter of this pool (${[...served].join(', ')})`;
        report(`${at}.models[${i}].targetModels[${j}].name`, `${why}, got ${target.name}`);
      }
    });
    const weighted = targets.filter((target) => target.weight !== undefined).length;
    if (weighted !== 0 && weighted !== targets.length) {
      report(`${at}.models[${i}].targetModels`, `weights must be set on all targets or on none; ${weighted} of ${targets.length} have one`);
    }
  });
  // An adapter no model entry routes to is loaded for nothing when clients cannot reach it by its name:
  // the v0.3.0 picker refuses a model name it has no InferenceModel for, and a pool that shares the route
  // prefix with others is reached only by the model names of its entries (one HTTPRoute rule each). A GA
  // pool behind a prefix of its own passes any model name through to vLLM.
  const v1alpha2 = versionsOf(spec).some((version) => EXTENSION_RELEASES[version].api === 'v1alpha2');
  const byModelName = pool.routePathPrefix === undefined && sharedPools > 1;
  if ((!v1alpha2 && !byModelName) || !routesKnown) return;
  listOf<{ id: unknown }>(pool.adapters.models).forEach((adapter, i) => {
    if (!isString(adapter.id) || routedTo.has(adapter.id)) return;
    const why = v1alpha2
      ? 'is loaded but no InferenceModel routes to it, and the v0.3.0 endpoint picker refuses model names without one'
      : 'is loaded but no entry under models routes to it, and this pool shares gateway.route.pathPrefix, where the HTTPRoute matches only those model names';
    report(`${at}.adapters.models[${i}].id`, `${why}: add one under models (modelName ${adapter.id}) or move the adapter to adapters.unload, got ${adapter.id}`);
  });
}

function reportDuplicates(report: Report, entries: readonly (readonly [string, unknown])[], what: string): void {
  const seen = new Map<string, string>();
  for (const [path, value] of entries) {
    if (!isString(value)) continue;
    const first = seen.get(value);
    if (first !== undefined) report(path, `duplicates ${first}: each ${what} must be unique, got ${value}`);
    else seen.set(value, path);
  }
}

/** Every name that becomes an endpoint picker's prefix, with the field it comes from. */
function pickerPrefixes(spec: DeploymentSpec, pools: readonly PoolSpec[]): [string, string][] {
  return pools.flatMap((pool, i) =>
    stacksOf(spec, pool).map((stack): [string, string] => [
      stack.inferencePoolName === pool.name ? `pools[${i}].name` : `pools[${i}].inferencePoolName`,
      stack.inferencePoolName,
    ]),
  );
}

function checkAcrossPools(spec: DeploymentSpec, pools: readonly PoolSpec[], report: Report): void {
  reportDuplicates(report, pools.map((p, i) => [`pools[${i}].name`, p.name]), 'pool name');
  const prefixes = pickerPrefixes(spec, pools);
  reportDuplicates(report, prefixes.filter(([path]) => path.endsWith('inferencePoolName')), 'InferencePool name');
  // An InferencePool's HealthCheckPolicy takes its name; one named like the router's would replace it.
  for (const [path, inferencePool] of prefixes) {
    if (inferencePool === BODY_ROUTER_HEALTH_CHECK_NAME) {
      report(path, `${BODY_ROUTER_HEALTH_CHECK_NAME} is the body-based router's HealthCheckPolicy, and an InferencePool's HealthCheckPolicy takes the InferencePool's name; choose another name`);
    }
  }
  // A pool's picker is named `<InferencePool>-epp`; a pool (a Deployment) named like that would share its
  // Deployment, PodDisruptionBudget and app label with the picker.
  const pickerOwners = new Map(prefixes.map(([path, prefix]) => [endpointPickerName(prefix), path]));
  pools.forEach((p, j) => {
    const owner = isString(p.name) ? pickerOwners.get(p.name) : undefined;
    if (owner !== undefined) {
      report(`pools[${j}].name`, `collides with the endpoint picker of ${owner.replace(/\.(name|inferencePoolName)$/, '')} (named ${p.name}); choose a name that does not end in -epp of another InferencePool, got ${p.name}`);
    }
  });
  const inferencePoolNames = new Set(prefixes.filter(([path]) => path.endsWith('inferencePoolName')).map(([, name]) => name));
  pools.forEach((p, j) => {
    if (isString(p.name) && inferencePoolNames.has(p.name) && p.inferencePoolName !== p.name) {
      report(`pools[${j}].name`, `is another pool's inferencePoolName; their InferencePools and pickers would share names, got ${p.name}`);
    }
  });
  reportDuplicates(report, pools.flatMap((p, i) => listOf<InferenceModelSpec>(p.models).map((m, j) => [`pools[${i}].models[${j}].name`, m.name] as const)), 'InferenceModel name in the namespace');
  reportDuplicates(report, pools.map((p, i) => [`pools[${i}].adapters.configMapName`, p.adapters.configMapName]), 'ConfigMap name');
  const routePrefixes: (readonly [string, unknown])[] = [
    ['gateway.route.pathPrefix', spec.gateway.route.pathPrefix],
    ...pools.map((p, i) => [`pools[${i}].routePathPrefix`, p.routePathPrefix] as const),
  ];
  reportDuplicates(report, routePrefixes.map(([path, prefix]) => [path, isString(prefix) ? prefix.replace(/\/+$/, '') || '/' : prefix] as const), 'route path prefix');
  checkRouteShadows(spec, pools, report);
  checkBodyRouting(pools, report);
  checkModelCount(pools, report);
  checkCatchAllPool(spec, pools, report);
  checkSecretNames(spec, pools, report);
  checkGpuCapacity(spec, pools, report);
  checkRouteSize(spec, pools, report);
}

/**
 * The first path segments vLLM's OpenAI-compatible server answers under (the OpenAI API under /v1, and
 * its own endpoints at the root: vllm/entrypoints/openai/api_server.py and the routers it registers).
 * Clients of a pool send these below the pool's prefix.
 */
export const VLLM_PATH_ROOTS: readonly string[] = ['v1', 'v2', 'health', 'ping', 'version', 'tokenize', 'detokenize', 'metrics', 'invocations', 'pooling', 'classify', 'score', 'rerank'];
const VLLM_ROOTS = new Set(VLLM_PATH_ROOTS);

/** A path prefix as Gateway API compares it: its path elements (a trailing "/" is ignored). */
function pathElements(prefix: string): string[] {
  return prefix.split('/').filter((element) => element !== '');
}

/**
 * A PathPrefix match compares whole path elements, and the longest matching prefix wins whatever the
 * rule order (Gateway API HTTPRouteRule matches: precedence). So a prefix nested under another takes
 * every request below it away from the outer pool. That is what the spec says when the nested prefix is a
 * path of its own (`/qwen` beside `/`), but not when it is one of the paths the outer pool's vLLM answers
 * (`/v1` beside `/`, `/api/v1/chat` beside `/api`): that would capture and rewrite requests meant for the
 * outer pool. Each prefix looks up its ancestors in an index, so this is linear in the pools.
 */
function checkRouteShadows(spec: DeploymentSpec, pools: readonly PoolSpec[], report: Report): void {
  const sharedUsed = pools.some((pool) => pool.routePathPrefix === undefined);
  const prefixes: [string, unknown][] = [
    ...(sharedUsed ? [['gateway.route.pathPrefix', spec.gateway.route.pathPrefix] as [string, unknown]] : []),
    ...pools.map((pool, i): [string, unknown] => [`pools[${i}].routePathPrefix`, pool.routePathPrefix]),
  ];
  const owners = new Map<string, string>();
  for (const [path, prefix] of prefixes) {
    const key = isString(prefix) ? pathElements(prefix).join('/') : undefined;
    if (key !== undefined && !owners.has(key)) owners.set(key, path);
  }
  for (const [path, prefix] of prefixes) {
    if (!isString(prefix)) continue;
    const elements = pathElements(prefix);
    const upTo = (count: number) => `/${elements.slice(0, count).join('/')}`;
    for (let depth = elements.length - 1; depth >= 0; depth--) {
      const outer = owners.get(elements.slice(0, depth).join('/'));
      if (outer === undefined || outer === path || !VLLM_ROOTS.has(elements[depth])) continue;
      const owner = outer === 'gateway.route.pathPrefix' ? 'the pools sharing gateway.route.pathPrefix' : outer.replace(/\.routePathPrefix$/, '');
      report(
        path,
        `would take the requests under ${upTo(depth + 1)} away from ${owner} (prefix ${upTo(depth)}), whose vLLM serves ${elements[depth]} there: the Gateway sends a request to the longest matching path prefix; choose a prefix outside ${upTo(depth + 1)}, got ${prefix}`,
      );
      break;
    }
  }
}

/** Pools sharing the route prefix are told apart by model name, so a model name may belong to one only. */
function checkBodyRouting(pools: readonly PoolSpec[], report: Report): void {
  const shared = pools.map((pool, i) => [pool, i] as const).filter(([pool]) => pool.routePathPrefix === undefined);
  if (shared.length < 2) return;
  reportDuplicates(
    report,
    shared.flatMap(([pool, i]) => listOf<InferenceModelSpec>(pool.models).map((m, j) => [`pools[${i}].models[${j}].modelName`, m.modelName] as const)),
    'model name among the pools that share gateway.route.pathPrefix (the body-based router tells them apart by model name)',
  );
}

/** With the pool and spec size limits, these bound the objects and text synth renders, and so its time. */
function checkModelCount(pools: readonly PoolSpec[], report: Report): void {
  const total = pools.reduce((count, pool) => count + (Array.isArray(pool.models) ? pool.models.length : 0), 0);
  if (total > MAX_MODELS) report('pools', `hold ${total} models in all (under pools[].models); at most ${MAX_MODELS} are allowed: split the deployment over several specs`);
  const adapters = pools.reduce((count, pool) => count + (Array.isArray(pool.adapters.models) ? pool.adapters.models.length : 0) + (Array.isArray(pool.adapters.unload) ? pool.adapters.unload.length : 0), 0);
  if (adapters > MAX_ADAPTERS && total <= MAX_MODELS) {
    report('pools', `list ${adapters} adapters in all (under pools[].adapters.models and unload); at most ${MAX_ADAPTERS} are allowed: split the deployment over several specs`);
  }
}

/** The catch-all pool answers under the shared prefix, so it must be one of the pools there. */
function checkCatchAllPool(spec: DeploymentSpec, pools: readonly PoolSpec[], report: Report): void {
  const named = spec.gateway.route.catchAllPool;
  if (!isString(named)) return;
  const shared = pools.filter((pool) => pool.routePathPrefix === undefined && isString(pool.name)).map((pool) => pool.name);
  if (!shared.includes(named)) {
    report('gateway.route.catchAllPool', `must name a pool without a routePathPrefix (pools under gateway.route.pathPrefix: ${shared.join(', ') || 'none'}), got ${named}`);
  }
}

/** Secrets we write: the metrics readers' token Secrets, which the collector may read. */
function synthesizedSecrets(spec: DeploymentSpec, pools: readonly PoolSpec[]): Map<string, string> {
  const secrets = new Map<string, string>();
  if (spec.monitoring.metricsReader !== true || versionsOf(spec).length === 0) return secrets;
  for (const version of versionsOf(spec)) {
    if (EXTENSION_RELEASES[version].api === 'v1alpha2') secrets.set(GUIDE_METRICS_READER_SECRET, "the metrics reader's token Secret");
  }
  for (const pool of pools) {
    for (const stack of stacksOf(spec, pool)) {
      if (stack.release.api === 'v1') secrets.set(poolMetricsReaderSecret(stack.inferencePoolName), `the metrics reader token Secret of InferencePool ${stack.inferencePoolName}`);
    }
  }
  return secrets;
}

function checkSecretNames(spec: DeploymentSpec, pools: readonly PoolSpec[], report: Report): void {
  const ours = synthesizedSecrets(spec, pools);
  const tlsSecret = isObject(spec.gateway.tls) ? spec.gateway.tls.secretName : undefined;
  const tlsWhat = isString(tlsSecret) ? ours.get(tlsSecret) : undefined;
  if (tlsWhat !== undefined) report('gateway.tls.secretName', `names ${tlsWhat}, which the synthesized manifests create; name your TLS Secret, got ${tlsSecret}`);
  pools.forEach((pool, i) => {
    const secret = pool.modelServer.hfTokenSecret;
    const what = isString(secret) ? ours.get(secret) : undefined;
    if (what !== undefined) {
      report(`pools[${i}].modelServer.hfTokenSecret`, `names ${what}, which the synthesized manifests create (and the monitoring collector may read); choose another name, got ${secret}`);
    }
  });
}

function checkGpuCapacity(spec: DeploymentSpec, pools: readonly PoolSpec[], report: Report): void {
  const gpu = spec.cluster.gpuPool;
  if (!isNumber(gpu.maxNodes) || !isNumber(gpu.acceleratorCount)) return;
  let needed = 0;
  for (const pool of pools) {
    const { gpus, rollout } = pool.modelServer;
    // An autoscaled pool may grow to maxReplicas; a single pool above what the GPU pool holds is reported
    // on its own maxReplicas (checkAutoscaling), not again here.
    const scaling = isObject(pool.autoscaling) ? pool.autoscaling : undefined;
    const replicas = scaling === undefined ? pool.modelServer.replicas : scaling.maxReplicas;
    if (!isNumber(replicas) || !isNumber(gpus) || !isNumber(rollout.maxSurge)) return;
    if (scaling !== undefined && gpus <= gpu.acceleratorCount && replicas > replicasThePoolHolds(gpu.maxNodes, gpu.acceleratorCount, gpus)) return;
    needed += (replicas + rollout.maxSurge) * gpus;
  }
  const capacity = gpu.maxNodes * gpu.acceleratorCount;
  if (needed > capacity) {
    report(
      'cluster.gpuPool.maxNodes',
      `the pools need ${needed} GPUs (${pools.some((pool) => isObject(pool.autoscaling)) ? 'replicas, or autoscaling.maxReplicas,' : 'replicas'} plus rollout surge, times gpus) but maxNodes ${gpu.maxNodes} x acceleratorCount ${gpu.acceleratorCount} gives ${capacity}; raise maxNodes to at least ${Math.ceil(needed / gpu.acceleratorCount)} or lower the replicas`,
    );
  }
}

/**
 * Routes past the first are named `<route>-2`, `-3`...: that name must stay a DNS subdomain. Only reachable
 * with hundreds of rules and a route name near 253 characters, but then the API server would refuse it.
 */
function checkRouteSize(spec: DeploymentSpec, pools: readonly PoolSpec[], report: Report): void {
  const name = spec.gateway.route.name;
  const checkable =
    isString(name) &&
    isString(spec.gateway.route.pathPrefix) &&
    pools.every((pool) => isString(pool.name) && Array.isArray(pool.models) && listOf<InferenceModelSpec>(pool.models).length === pool.models.length && pool.models.every((m) => isString(m.modelName)));
  if (!checkable) return;
  const routes = Math.ceil(routeRuleCount({ ...spec, pools }) / MAX_RULES_PER_ROUTE);
  if (routes > 1 && `${name}-${routes}`.length > 253) {
    report('gateway.route.name', `is too long for the ${routes} HTTPRoutes the rules need (${name}-2 ... ${name}-${routes} must be at most 253 characters)`);
  }
}
