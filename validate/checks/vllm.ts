/**
 * What a pod template serves: the vLLM container's flags and the adapters its lora-syncer sidecar keeps
 * loaded from a mounted ConfigMap. Shared by the InferenceModel, InferenceModelRewrite, route and
 * `--max-loras` checks, so each result is computed once per run: a ConfigMap's syncer config is parsed
 * once however many pods mount it and however many models ask what their pool serves.
 */
import { LORA_SYNCER_CONFIG_FILE, LORA_SYNCER_CONFIG_VARIABLE } from '../../charts-gen/well-known';
import type { Entry, ObjectSet, PodTemplate } from '../object-set';
import { asArray, asRecord, asString } from '../types';
import { configMapFile } from './config-files';

export interface Flag {
  /** The first value after the flag (or after `=`); empty for a bare flag. */
  readonly value: string;
  /** Every value up to the next flag: `--lora-modules a=/x b=/y` has two. */
  readonly values: readonly string[];
  /** Path of the value (or of the flag when it has none) inside the owner object. */
  readonly path: string;
}

export interface VllmContainer {
  readonly index: number;
  readonly flags: ReadonlyMap<string, Flag>;
}

/** Reads `--name value...` and `--name=value` pairs from a container's command and args. */
function parseFlags(list: readonly unknown[], base: string): Map<string, Flag> {
  const flags = new Map<string, Flag>();
  list.forEach((item, index) => {
    if (typeof item !== 'string' || !item.startsWith('--')) return;
    const eq = item.indexOf('=');
    if (eq > 0) {
      const value = item.slice(eq + 1);
      flags.set(item.slice(2, eq), { value, values: [value], path: `${base}[${index}]` });
      return;
    }
    const values: string[] = [];
    for (let next = index + 1; next < list.length; next++) {
      const candidate = list[next];
      if (typeof candidate !== 'string' || candidate.startsWith('--')) break;
      values.push(candidate);
    }
    flags.set(item.slice(2), values.length > 0 ? { value: values[0], values, path: `${base}[${index + 1}]` } : { value: '', values, path: `${base}[${index}]` });
  });
  return flags;
}

const vllmByPod = new WeakMap<PodTemplate, VllmContainer[]>();

export function vllmContainers(pod: PodTemplate): VllmContainer[] {
  let containers = vllmByPod.get(pod);
  if (containers === undefined) {
    containers = asArray(pod.spec.containers).flatMap((raw, index) => {
      const container = asRecord(raw);
      const command = asArray(container.command);
      const args = asArray(container.args);
      const text = [...command, ...args, container.image].filter((s) => typeof s === 'string').join(' ');
      if (!/vllm/i.test(text)) return [];
      const base = `${pod.path}.containers[${index}]`;
      const flags = new Map([...parseFlags(command, `${base}.command`), ...parseFlags(args, `${base}.args`)]);
      return [{ index, flags }];
    });
    vllmByPod.set(pod, containers);
  }
  return containers;
}

/** Model names clients can send to this pod: `--served-model-name` or `--model`, and static `--lora-modules`. */
export function servedNames(pod: PodTemplate): Set<string> {
  const names = new Set<string>();
  for (const container of vllmContainers(pod)) {
    const served = container.flags.get('served-model-name')?.value ?? container.flags.get('model')?.value;
    if (served) names.add(served);
    for (const value of container.flags.get('lora-modules')?.values ?? []) {
      for (const module of value.split(/\s+/)) if (module) names.add(module.split('=')[0]);
    }
  }
  return names;
}

/** File names of the syncer config: `configmap.yaml`, or the base name `DYNAMIC_LORA_ROLLOUT_CONFIG` points at. */
function syncerConfigKeys(pod: PodTemplate): Set<string> {
  const keys = new Set([LORA_SYNCER_CONFIG_FILE]);
  for (const raw of [...asArray(pod.spec.containers), ...asArray(pod.spec.initContainers)]) {
    for (const env of asArray(asRecord(raw).env)) {
      const value = asString(asRecord(env).value);
      if (asRecord(env).name === LORA_SYNCER_CONFIG_VARIABLE && value) keys.add(value.split('/').pop() ?? value);
    }
  }
  return keys;
}

/** Names of volumes some container or sidecar of the pod mounts. */
function mountedVolumes(pod: PodTemplate): Set<string> {
  const names = new Set<string>();
  for (const raw of [...asArray(pod.spec.containers), ...asArray(pod.spec.initContainers)]) {
    for (const mount of asArray(asRecord(raw).volumeMounts)) {
      const name = asString(asRecord(mount).name);
      if (name) names.add(name);
    }
  }
  return names;
}

/** One syncer config file (a key of a ConfigMap), read the way the lora-syncer reads it. */
export interface AdapterConfig {
  readonly configMap: Entry;
  readonly key: string;
  /** Adapter ids the syncer keeps loaded: `ensureExist` minus `ensureNotExist`. */
  readonly ids: readonly string[];
  /** Ids under `ensureNotExist` alone: the syncer unloads them. */
  readonly unloaded: readonly string[];
  /** Ids under both lists: the syncer only warns, and neither loads nor unloads them. */
  readonly conflicting: readonly string[];
  /** Set when the file does not parse (it then loads nothing). */
  readonly error?: string;
}

function modelIds(list: unknown): string[] {
  return asArray(asRecord(list).models).map((m) => asString(asRecord(m).id)).filter((id): id is string => !!id);
}

const configs = new WeakMap<Entry, Map<string, AdapterConfig | undefined>>();

/** The syncer config under `key` of a ConfigMap (one object per ConfigMap key and run); undefined when the key is absent. */
export function syncerConfig(configMap: Entry, key: string): AdapterConfig | undefined {
  let byKey = configs.get(configMap);
  if (byKey === undefined) configs.set(configMap, (byKey = new Map()));
  if (byKey.has(key)) return byKey.get(key);
  const file = configMapFile(configMap, key);
  let config: AdapterConfig | undefined;
  if (file?.error !== undefined) config = { configMap, key, ids: [], unloaded: [], conflicting: [], error: file.error };
  else if (file) {
    const root = asRecord(asRecord(file.value).vLLMLoRAConfig);
    const exist = modelIds(root.ensureExist);
    const notExist = new Set(modelIds(root.ensureNotExist));
    config = {
      configMap,
      key,
      ids: exist.filter((id) => !notExist.has(id)),
      unloaded: [...notExist].filter((id) => !exist.includes(id)),
      conflicting: exist.filter((id) => notExist.has(id)),
    };
  }
  byKey.set(key, config);
  return config;
}

const configsByPod = new WeakMap<PodTemplate, AdapterConfig[]>();

/** Syncer configs of the lora-syncer ConfigMaps the pod mounts. */
export function adapterConfigs(pod: PodTemplate, set: ObjectSet): AdapterConfig[] {
  const cached = configsByPod.get(pod);
  if (cached) return cached;
  const mounted = mountedVolumes(pod);
  const keys = syncerConfigKeys(pod);
  const out: AdapterConfig[] = [];
  for (const raw of asArray(pod.spec.volumes)) {
    const volume = asRecord(raw);
    const name = asString(asRecord(volume.configMap).name);
    if (!name || !mounted.has(asString(volume.name) ?? '')) continue;
    const configMap = set.find('', 'ConfigMap', name, pod.namespace);
    if (!configMap) continue;
    for (const key of keys) {
      const config = syncerConfig(configMap, key);
      if (config) out.push(config);
    }
  }
  configsByPod.set(pod, out);
  return out;
}

/** What a set of pods answers to: vLLM's own names and loaded adapters, and the adapters the syncer unloads. */
export interface ServedModels {
  readonly served: ReadonlySet<string>;
  /** Adapter id -> the ConfigMap whose syncer config unloads it (and that no config keeps loaded). */
  readonly unloaded: ReadonlyMap<string, string>;
}

export function servedBy(pods: readonly PodTemplate[], set: ObjectSet): ServedModels {
  const served = new Set<string>();
  const unloaded = new Map<string, string>();
  for (const pod of pods) {
    for (const name of servedNames(pod)) served.add(name);
    for (const config of adapterConfigs(pod, set)) {
      for (const id of config.ids) served.add(id);
      for (const id of config.unloaded) unloaded.set(id, config.configMap.name);
    }
  }
  for (const id of served) unloaded.delete(id);
  return { served, unloaded };
}

/** Why `model` is not served, in words for a message, or undefined when it is. */
export function notServedReason(model: string, pool: string, models: ServedModels): string | undefined {
  if (models.served.has(model)) return undefined;
  const unloadedBy = models.unloaded.get(model);
  if (unloadedBy !== undefined) {
    return `"${model}" is under ensureNotExist in ConfigMap "${unloadedBy}": the lora-syncer unloads it from InferencePool "${pool}"'s pods`;
  }
  return `"${model}" is neither the base model nor an adapter served by InferencePool "${pool}" (served: ${[...models.served].join(', ') || 'nothing'})`;
}
