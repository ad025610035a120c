/**
 * What a pod template serves: the vLLM container's flags and the adapters its lora-syncer sidecar loads
 * from a mounted ConfigMap. Shared by the InferenceModel check and the `--max-loras` check.
 */
import { parse } from 'yaml';
import { LORA_SYNCER_CONFIG_FILE, LORA_SYNCER_CONFIG_VARIABLE } from '../../charts-gen/well-known';
import type { ObjectSet, PodTemplate } from '../object-set';
import { asArray, asRecord, asString, fieldPath } from '../types';

export interface Flag {
  readonly value: string;
  /** Path of the value (or of the flag when it has none) inside the owner object. */
  readonly path: string;
}

export interface VllmContainer {
  readonly index: number;
  readonly flags: ReadonlyMap<string, Flag>;
}

/** Reads `--name value` and `--name=value` pairs from a container's command and args. */
function parseFlags(list: readonly unknown[], base: string): Map<string, Flag> {
  const flags = new Map<string, Flag>();
  list.forEach((item, index) => {
    if (typeof item !== 'string' || !item.startsWith('--')) return;
    const eq = item.indexOf('=');
    if (eq > 0) {
      flags.set(item.slice(2, eq), { value: item.slice(eq + 1), path: `${base}[${index}]` });
      return;
    }
    const next = list[index + 1];
    const hasValue = typeof next === 'string' && !next.startsWith('--');
    flags.set(item.slice(2), hasValue ? { value: next, path: `${base}[${index + 1}]` } : { value: '', path: `${base}[${index}]` });
  });
  return flags;
}

export function vllmContainers(pod: PodTemplate): VllmContainer[] {
  return asArray(pod.spec.containers).flatMap((raw, index) => {
    const container = asRecord(raw);
    const command = asArray(container.command);
    const args = asArray(container.args);
    const text = [...command, ...args, container.image].filter((s) => typeof s === 'string').join(' ');
    if (!/vllm/i.test(text)) return [];
    const base = `${pod.path}.containers[${index}]`;
    const flags = new Map([...parseFlags(command, `${base}.command`), ...parseFlags(args, `${base}.args`)]);
    return [{ index, flags }];
  });
}

/** Model names clients can send to this pod: `--served-model-name` or `--model`, and static `--lora-modules`. */
export function servedNames(pod: PodTemplate): Set<string> {
  const names = new Set<string>();
  for (const container of vllmContainers(pod)) {
    const served = container.flags.get('served-model-name')?.value ?? container.flags.get('model')?.value;
    if (served) names.add(served);
    const lora = container.flags.get('lora-modules')?.value;
    if (lora) for (const module of lora.split(/\s+/)) names.add(module.split('=')[0]);
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

export interface AdapterConfig {
  readonly configMap: string;
  readonly key: string;
  readonly ids: readonly string[];
  /** Set when the config does not parse, with the path of the bad key in the ConfigMap. */
  readonly error?: { readonly path: string; readonly message: string };
}

/** Adapter ids from lora-syncer ConfigMaps (vLLMLoRAConfig.ensureExist.models[].id) mounted by the pod. */
export function adapterConfigs(pod: PodTemplate, set: ObjectSet): AdapterConfig[] {
  const mounted = mountedVolumes(pod);
  const keys = syncerConfigKeys(pod);
  const out: AdapterConfig[] = [];
  for (const raw of asArray(pod.spec.volumes)) {
    const volume = asRecord(raw);
    const name = asString(asRecord(volume.configMap).name);
    if (!name || !mounted.has(asString(volume.name) ?? '')) continue;
    const configMap = set.find('', 'ConfigMap', name, pod.namespace);
    if (!configMap) continue;
    const data = asRecord(configMap.object.data);
    for (const key of keys) {
      const text = asString(data[key]);
      if (text === undefined) continue;
      try {
        const config = asRecord(asRecord(parse(text)).vLLMLoRAConfig);
        const ids = asArray(asRecord(config.ensureExist).models).map((m) => asString(asRecord(m).id)).filter((id): id is string => !!id);
        out.push({ configMap: name, key, ids });
      } catch (error) {
        out.push({ configMap: name, key, ids: [], error: { path: fieldPath('data', key), message: `not valid YAML: ${(error as Error).message.split('\n')[0]}` } });
      }
    }
  }
  return out;
}
