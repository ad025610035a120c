/**
 * Rules across fields, run on the resolved spec after every field has its type checked. They read
 * values defensively: a field that already failed its own check is skipped here, not reported twice.
 */
import { A3_MACHINE_TYPES } from './defaults';
import { minimumGracePeriodSeconds } from './drain';
import { endpointPickerName } from './names';
import { a3HighRegions } from './regions';
import type { SpecIssue } from './fields';
import type { DeploymentSpec, PoolSpec, TargetModelSpec } from './types';
import { compareGkeVersions, EXTENSION_RELEASES, MIN_GKE_VERSION } from './versions';

type Report = (path: string, message: string) => void;

const isNumber = (value: unknown): value is number => typeof value === 'number' && Number.isFinite(value);
const isString = (value: unknown): value is string => typeof value === 'string';

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
  if (reference.includes('@sha256:')) return undefined;
  const lastSlash = reference.lastIndexOf('/');
  const colon = reference.indexOf(':', lastSlash + 1);
  return colon < 0 ? undefined : reference.slice(colon + 1);
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
  checkCluster(spec, report);
  const pools = Array.isArray(spec.pools) ? spec.pools : [];
  pools.forEach((pool, index) => checkPool(spec, pool, `pools[${index}]`, index, report));
  checkAcrossPools(spec, pools, report);
  return issues;
}

function checkCluster(spec: DeploymentSpec, report: Report): void {
  const cluster = spec.cluster;
  if (isString(cluster.version) && /^\d+\.\d+\.\d+/.test(cluster.version) && compareGkeVersions(cluster.version, MIN_GKE_VERSION) < 0) {
    report('cluster.version', `must be at least ${MIN_GKE_VERSION} (GKE Inference Gateway's minimum), got ${cluster.version}`);
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
  const gpu = cluster.gpuPool;
  const count = gpu.acceleratorCount;
  if (isNumber(count)) {
    const expected = A3_MACHINE_TYPES[count];
    if (expected === undefined) {
      report('cluster.gpuPool.acceleratorCount', `must be 1, 2, 4 or 8 (the A3 High machine types), got ${count}`);
    } else if (isString(gpu.machineType) && gpu.machineType !== expected) {
      report('cluster.gpuPool.machineType', `must be ${expected} for acceleratorCount ${count}, got ${gpu.machineType}`);
    }
    if (gpu.provisioning === 'on-demand' && count < 8) {
      report(
        'cluster.gpuPool.provisioning',
        `on-demand needs acceleratorCount 8 (a3-highgpu-8g): a3-highgpu-1g, -2g and -4g exist only as Spot or Flex-start VMs; use spot or flex-start, got acceleratorCount ${count}`,
      );
    }
  }
  // An empty zone list is only ever a default: gpuPoolDefaults found no A3 High zones for the region
  // (a written list has at least one item). Blame the region the user wrote, and name the way out.
  if (Array.isArray(gpu.nodeLocations) && gpu.nodeLocations.length === 0 && isString(cluster.region) && isNumber(count)) {
    report(
      'cluster.region',
      `has no known zones offering ${A3_MACHINE_TYPES[count] ?? 'A3 High'} (nvidia-h100-80gb); use one of ${a3HighRegions(count).join(', ')}, or set cluster.gpuPool.nodeLocations to zones of ${cluster.region} that offer it, got ${cluster.region}`,
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

function checkPool(spec: DeploymentSpec, pool: PoolSpec, at: string, index: number, report: Report): void {
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
    } else if (server.drain && isNumber(server.drain.maxOutputTokens) && isNumber(server.drain.timePerOutputTokenMs) && isNumber(server.drain.prefillShare)) {
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
  if (isNumber(server.gpus) && isNumber(gpuPool.acceleratorCount) && server.gpus > gpuPool.acceleratorCount) {
    report(`${at}.modelServer.gpus`, `must be <= cluster.gpuPool.acceleratorCount (${gpuPool.acceleratorCount}), the GPUs of one node, got ${server.gpus}`);
  }
  if (isString(server.accelerator) && isString(gpuPool.accelerator) && server.accelerator !== gpuPool.accelerator) {
    report(`${at}.modelServer.accelerator`, `must be cluster.gpuPool.accelerator (${gpuPool.accelerator}) or the pods select no node, got ${server.accelerator}`);
  }
  if (isNumber(server.rollout.maxSurge) && isNumber(server.rollout.maxUnavailable) && server.rollout.maxSurge + server.rollout.maxUnavailable === 0) {
    report(`${at}.modelServer.rollout`, 'maxSurge and maxUnavailable cannot both be 0: the rollout could never make progress');
  }
  checkPinned(report, `${at}.modelServer.image`, server.image);
  checkPinned(report, `${at}.adapters.syncerImage`, pool.adapters.syncerImage);
  checkPinned(report, `${at}.endpointPicker.image`, pool.endpointPicker.image);

  const version = spec.inferenceExtension.version;
  const release = EXTENSION_RELEASES[version];
  if (release && isString(pool.endpointPicker.image)) {
    const tag = imageTag(pool.endpointPicker.image);
    if (tag !== undefined && tag !== version && !MOVING_TAGS.has(tag)) {
      report(`${at}.endpointPicker.image`, `must be tagged ${version} to match inferenceExtension.version (the CRDs it watches), got ${tag}`);
    }
  }
  if (version === 'v0.3.0' && isNumber(pool.endpointPicker.replicas) && pool.endpointPicker.replicas > 1) {
    report(`${at}.endpointPicker.replicas`, `must be 0 or 1: the v0.3.0 endpoint picker has no leader election, got ${pool.endpointPicker.replicas}`);
  }
  if (index === 0 && pool.routePathPrefix !== undefined) {
    report(`${at}.routePathPrefix`, 'is taken from gateway.route.pathPrefix for the first pool; set that instead');
  }
  if (index > 0 && pool.routePathPrefix === undefined) {
    report(`${at}.routePathPrefix`, 'is required for every pool after the first (each pool needs its own path prefix in the HTTPRoute)');
  }
  checkModels(pool, at, report);
}

function servedNames(pool: PoolSpec): Set<string> {
  const adapters = Array.isArray(pool.adapters.models) ? pool.adapters.models : [];
  return new Set([pool.modelServer.baseModel, ...adapters.map((adapter) => adapter.id)].filter(isString));
}

function checkModels(pool: PoolSpec, at: string, report: Report): void {
  const adapters = Array.isArray(pool.adapters.models) ? pool.adapters.models : [];
  reportDuplicates(report, adapters.map((a, i) => [`${at}.adapters.models[${i}].id`, a.id]), 'adapter id in this pool');
  adapters.forEach((adapter, i) => {
    if (adapter.id === pool.modelServer.baseModel) {
      report(`${at}.adapters.models[${i}].id`, `must differ from modelServer.baseModel (${adapter.id})`);
    }
  });
  const served = servedNames(pool);
  const models = Array.isArray(pool.models) ? pool.models : [];
  reportDuplicates(report, models.map((m, i) => [`${at}.models[${i}].modelName`, m.modelName]), 'modelName in this pool');
  models.forEach((model, i) => {
    const targets: readonly TargetModelSpec[] | undefined = Array.isArray(model.targetModels) ? model.targetModels : undefined;
    if (targets === undefined || targets.length === 0) {
      if (isString(model.modelName) && !served.has(model.modelName)) {
        report(`${at}.models[${i}].modelName`, `is neither the base model nor an adapter of this pool (${[...served].join(', ')}); add targetModels or the adapter, got ${model.modelName}`);
      }
      return;
    }
    targets.forEach((target, j) => {
      if (isString(target.name) && !served.has(target.name)) {
        report(`${at}.models[${i}].targetModels[${j}].name`, `must be the base model or an adapter of this pool (${[...served].join(', ')}), got ${target.name}`);
      }
    });
    const weighted = targets.filter((target) => target.weight !== undefined).length;
    if (weighted !== 0 && weighted !== targets.length) {
      report(`${at}.models[${i}].targetModels`, `weights must be set on all targets or on none; ${weighted} of ${targets.length} have one`);
    }
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

function checkAcrossPools(spec: DeploymentSpec, pools: readonly PoolSpec[], report: Report): void {
  reportDuplicates(report, pools.map((p, i) => [`pools[${i}].name`, p.name]), 'pool name');
  // A pool's endpoint picker is named `<pool>-epp`; a pool named like that would share its Deployment,
  // PodDisruptionBudget and app label with the other pool's picker.
  const pickerOwners = new Map<string, number>(pools.map((p, i) => [endpointPickerName(p.name), i]));
  pools.forEach((p, j) => {
    const owner = isString(p.name) ? pickerOwners.get(p.name) : undefined;
    if (owner !== undefined) {
      report(`pools[${j}].name`, `collides with the endpoint picker of pools[${owner}] (named ${p.name}); choose a name that does not end in -epp of another pool, got ${p.name}`);
    }
  });
  reportDuplicates(report, pools.flatMap((p, i) => (p.models ?? []).map((m, j) => [`pools[${i}].models[${j}].name`, m.name] as const)), 'InferenceModel name in the namespace');
  reportDuplicates(report, pools.map((p, i) => [`pools[${i}].adapters.configMapName`, p.adapters.configMapName]), 'ConfigMap name');
  const prefixes = pools.map((p, i) => [i === 0 ? 'gateway.route.pathPrefix' : `pools[${i}].routePathPrefix`, i === 0 ? spec.gateway.route.pathPrefix : p.routePathPrefix] as const);
  reportDuplicates(report, prefixes, 'route path prefix');

  const gpu = spec.cluster.gpuPool;
  if (!isNumber(gpu.maxNodes) || !isNumber(gpu.acceleratorCount)) return;
  let needed = 0;
  for (const pool of pools) {
    const { replicas, gpus, rollout } = pool.modelServer;
    if (!isNumber(replicas) || !isNumber(gpus) || !isNumber(rollout.maxSurge)) return;
    needed += (replicas + rollout.maxSurge) * gpus;
  }
  const capacity = gpu.maxNodes * gpu.acceleratorCount;
  if (needed > capacity) {
    report(
      'cluster.gpuPool.maxNodes',
      `the pools need ${needed} GPUs (replicas plus rollout surge, times gpus) but maxNodes ${gpu.maxNodes} x acceleratorCount ${gpu.acceleratorCount} gives ${capacity}; raise maxNodes to at least ${Math.ceil(needed / gpu.acceleratorCount)} or lower the replicas`,
    );
  }
}
