/**
 * Checks around pods: selectors that must find pods, the ServiceAccounts, Secrets and ConfigMaps pods
 * and monitors refer to, the ports monitors scrape, files containers are told to read from ConfigMap
 * mounts, vLLM's LoRA limits and syncer lists, and whether GPU pods fit the GPU node pool.
 */
import { matchesSelector, stringMap, type Entry, type PodTemplate } from '../object-set';
import { asArray, asRecord, asString, childPath, fieldPath, isRecord, show } from '../types';
import { GKE_ACCELERATOR_LABEL, GPU_RESOURCE } from '../../charts-gen/well-known';
import { configMapFile, reportBrokenFile } from './config-files';
import type { CheckContext } from './context';
import { containerPorts } from './services';
import { adapterConfigs, vllmContainers, type AdapterConfig } from './vllm';

const MONITORING_GROUP = 'monitoring.googleapis.com';

function describeLabels(labels: Readonly<Record<string, string>>): string {
  return Object.entries(labels).map(([k, v]) => `${k}=${v}`).join(',') || '(none)';
}

function podLabelsIn(ctx: CheckContext, namespace: string | undefined): string {
  const pods = ctx.set.podTemplates.filter((p) => namespace === undefined || p.namespace === namespace);
  return pods.length === 0 ? 'no pod templates' : pods.map((p) => `${p.owner.kind}/${p.owner.name} {${describeLabels(p.labels)}}`).join('; ');
}

/** Every Deployment/Service/PodDisruptionBudget/InferencePool/ClusterPodMonitoring selector finds pods. */
export function checkSelectors(ctx: CheckContext): void {
  for (const pod of ctx.set.podTemplates) {
    const selector = asRecord(pod.owner.object.spec).selector;
    if (pod.owner.kind !== 'Pod' && selector !== undefined && !matchesSelector(selector, pod.labels)) {
      ctx.report(pod.owner, 'spec.selector', `does not match the pod template's labels {${describeLabels(pod.labels)}} (the API server rejects this)`);
    }
  }
  for (const entry of ctx.set.entries) {
    const spec = asRecord(entry.object.spec);
    if (entry.group === '' && entry.kind === 'Service' && isRecord(spec.selector)) {
      const selector = stringMap(spec.selector);
      if (ctx.set.podsSelectedBy(selector, entry.namespace).length === 0) {
        ctx.report(entry, 'spec.selector', `{${describeLabels(selector)}} selects no pods (pod labels here: ${podLabelsIn(ctx, entry.namespace)})`);
      }
    } else if (entry.group === 'policy' && entry.kind === 'PodDisruptionBudget') {
      if (ctx.set.podsSelectedBy(spec.selector, entry.namespace, true).length === 0) {
        ctx.report(entry, 'spec.selector', `selects no pods (pod labels here: ${podLabelsIn(ctx, entry.namespace)})`);
      }
    } else if (entry.kind === 'ClusterPodMonitoring' || entry.kind === 'PodMonitoring') {
      const namespace = entry.kind === 'PodMonitoring' ? entry.namespace : undefined;
      if (ctx.set.podsSelectedBy(spec.selector, namespace, true).length === 0) {
        ctx.report(entry, 'spec.selector', `selects no pods (pod labels: ${podLabelsIn(ctx, namespace)})`);
      }
    }
  }
}

function isExternal(ctx: CheckContext, kind: 'Secret' | 'ConfigMap', name: string, namespace: string): boolean {
  return ctx.externals.some((e) => e.kind === kind && e.name === name && (e.namespace === undefined || e.namespace === namespace));
}

function requireObject(ctx: CheckContext, owner: Entry, path: string, kind: 'Secret' | 'ConfigMap', name: string, namespace: string, key?: string): void {
  const found = ctx.set.find('', kind, name, namespace);
  if (!found) {
    if (!isExternal(ctx, kind, name, namespace)) {
      ctx.report(owner, path, `${kind} "${name}" in namespace ${namespace} is neither in the manifests nor a declared external`);
    }
    return;
  }
  // Secrets of service-account tokens are filled by a controller, so only ConfigMap keys are checkable.
  if (kind === 'ConfigMap' && key !== undefined) {
    const data = { ...asRecord(found.object.data), ...asRecord(found.object.binaryData) };
    if (!(key in data)) ctx.report(owner, path, `ConfigMap "${name}" has no key "${key}" (keys: ${Object.keys(data).join(', ') || 'none'})`);
  }
}

/** Secrets, ConfigMaps and ServiceAccounts named by pod templates. */
function checkPodReferences(ctx: CheckContext, pod: PodTemplate): void {
  const { owner, spec, path, namespace } = pod;
  const containerLists = ['initContainers', 'containers'] as const;
  for (const list of containerLists) {
    asArray(spec[list]).forEach((raw, ci) => {
      const container = asRecord(raw);
      const base = `${path}.${list}[${ci}]`;
      asArray(container.env).forEach((rawEnv, ei) => {
        const from = asRecord(asRecord(rawEnv).valueFrom);
        for (const [refName, kind] of [['secretKeyRef', 'Secret'], ['configMapKeyRef', 'ConfigMap']] as const) {
          const ref = asRecord(from[refName]);
          const name = asString(ref.name);
          if (name && ref.optional !== true) requireObject(ctx, owner, `${base}.env[${ei}].valueFrom.${refName}.name`, kind, name, namespace, asString(ref.key));
        }
      });
      asArray(container.envFrom).forEach((rawFrom, fi) => {
        for (const [refName, kind] of [['secretRef', 'Secret'], ['configMapRef', 'ConfigMap']] as const) {
          const ref = asRecord(asRecord(rawFrom)[refName]);
          const name = asString(ref.name);
          if (name && ref.optional !== true) requireObject(ctx, owner, `${base}.envFrom[${fi}].${refName}.name`, kind, name, namespace);
        }
      });
    });
  }
  asArray(spec.volumes).forEach((raw, vi) => {
    const volume = asRecord(raw);
    const secret = asRecord(volume.secret);
    const configMap = asRecord(volume.configMap);
    const secretName = asString(secret.secretName);
    const configMapName = asString(configMap.name);
    if (secretName && secret.optional !== true) requireObject(ctx, owner, `${path}.volumes[${vi}].secret.secretName`, 'Secret', secretName, namespace);
    if (configMapName && configMap.optional !== true) requireObject(ctx, owner, `${path}.volumes[${vi}].configMap.name`, 'ConfigMap', configMapName, namespace);
  });
  const account = asString(spec.serviceAccountName) ?? asString(spec.serviceAccount);
  if (account && account !== 'default' && !ctx.set.find('', 'ServiceAccount', account, namespace)) {
    ctx.report(owner, `${path}.serviceAccountName`, `ServiceAccount "${account}" is not in namespace ${namespace} of the manifests`);
  }
}

/**
 * Secret references anywhere inside a monitoring endpoint (`{secret: {name, key, namespace}}`). A
 * PodMonitoring's Secrets live in its own namespace (its CRD refuses `namespace` there); a
 * ClusterPodMonitoring's in `namespace`, or in `default` when that is empty, as GMP's operator reads them.
 */
function checkMonitoringSecrets(ctx: CheckContext, entry: Entry): void {
  const namespaced = entry.kind === 'PodMonitoring';
  const visit = (value: unknown, path: string): void => {
    if (Array.isArray(value)) value.forEach((item, i) => visit(item, childPath(path, i)));
    if (!isRecord(value)) return;
    for (const [key, item] of Object.entries(value)) {
      const itemPath = childPath(path, key);
      const name = asString(asRecord(item).name);
      if (key === 'secret' && name) {
        const namespace = (namespaced ? entry.namespace : asString(asRecord(item).namespace)) || 'default';
        requireObject(ctx, entry, childPath(itemPath, 'name'), 'Secret', name, namespace);
      } else visit(item, itemPath);
    }
  };
  visit(asRecord(entry.object.spec).endpoints, 'spec.endpoints');
}

/** Each scrape endpoint's `port` (a number or a container port name) is a port of every pod the monitor selects. */
function checkMonitoringPorts(ctx: CheckContext, entry: Entry): void {
  const spec = asRecord(entry.object.spec);
  const pods = ctx.set.podsSelectedBy(spec.selector, entry.kind === 'PodMonitoring' ? entry.namespace : undefined, true);
  asArray(spec.endpoints).forEach((raw, index) => {
    const port = asRecord(raw).port;
    if (typeof port !== 'number' && typeof port !== 'string') return; // a schema error, reported there
    for (const pod of pods) {
      const { numbers, names } = containerPorts(pod);
      if (typeof port === 'number' ? numbers.has(port) : names.has(port)) continue;
      const known = [...names.keys()].join(', ') || 'none';
      ctx.report(entry, `spec.endpoints[${index}].port`, `${show(port)} is not a container port of ${pod.owner.kind}/${pod.owner.name}'s pods (named ports: ${known}); nothing would be scraped there`);
    }
  });
}

export function checkReferencedObjects(ctx: CheckContext): void {
  for (const pod of ctx.set.podTemplates) checkPodReferences(ctx, pod);
  for (const kind of ['ClusterPodMonitoring', 'PodMonitoring']) {
    for (const entry of ctx.set.ofKind(MONITORING_GROUP, kind)) {
      checkMonitoringSecrets(ctx, entry);
      checkMonitoringPorts(ctx, entry);
    }
  }
}

/** Reports what is wrong with one syncer config file: YAML that does not parse, ids under both lists. */
function checkSyncerConfig(ctx: CheckContext, config: AdapterConfig): void {
  reportBrokenFile(ctx, config.configMap, config.key, configMapFile(config.configMap, config.key));
  for (const id of config.conflicting) {
    ctx.report(config.configMap, fieldPath('data', config.key), `adapter "${id}" is under both ensureExist and ensureNotExist: the lora-syncer neither loads nor unloads it`);
  }
}

/** `--max-loras` (adapters on the GPU at once) cannot exceed `--max-cpu-loras` (the CPU cache); syncer configs make sense. */
export function checkVllmArgs(ctx: CheckContext): void {
  const seen = new Set<AdapterConfig>();
  for (const pod of ctx.set.podTemplates) {
    for (const container of vllmContainers(pod)) {
      const maxLoras = container.flags.get('max-loras');
      const maxCpuLoras = container.flags.get('max-cpu-loras');
      if (maxLoras && maxCpuLoras && Number(maxLoras.value) > Number(maxCpuLoras.value)) {
        ctx.report(pod.owner, maxLoras.path, `--max-loras ${maxLoras.value} must not exceed --max-cpu-loras ${maxCpuLoras.value} (vLLM refuses to start)`);
      }
    }
    // A ConfigMap mounted by several pods is reported once.
    for (const config of adapterConfigs(pod, ctx.set)) {
      if (!seen.has(config)) checkSyncerConfig(ctx, config);
      seen.add(config);
    }
  }
}

/** ConfigMap volumes mounted whole (no subPath), keyed by mount directory, for one container. */
function configMapMounts(pod: PodTemplate, container: Record<string, unknown>): Map<string, { configMap: string; items?: string[] }> {
  const volumes = new Map(asArray(pod.spec.volumes).map(asRecord).map((v) => [asString(v.name) ?? '', asRecord(v.configMap)]));
  const out = new Map<string, { configMap: string; items?: string[] }>();
  for (const raw of asArray(container.volumeMounts)) {
    const mount = asRecord(raw);
    const configMap = volumes.get(asString(mount.name) ?? '');
    const name = asString(configMap?.name);
    const dir = asString(mount.mountPath)?.replace(/\/+$/, '');
    if (!name || dir === undefined || mount.subPath !== undefined) continue;
    const items = configMap?.items === undefined ? undefined : asArray(configMap.items).map((i) => asString(asRecord(i).path) ?? '');
    out.set(dir, { configMap: name, items });
  }
  return out;
}

const EPP_CONFIG_KIND = 'EndpointPickerConfig';

/** In an EndpointPickerConfig, every scheduling profile's `pluginRef` names a plugin (its `name`, or its `type` when unnamed). */
function checkPickerConfig(ctx: CheckContext, configMap: Entry, key: string): void {
  const file = configMapFile(configMap, key);
  reportBrokenFile(ctx, configMap, key, file);
  const config = asRecord(file?.value);
  if (config.kind !== EPP_CONFIG_KIND) return;
  const plugins = asArray(config.plugins).map(asRecord).map((p) => asString(p.name) ?? asString(p.type) ?? '');
  asArray(config.schedulingProfiles).forEach((profile, pi) => {
    asArray(asRecord(profile).plugins).forEach((ref, ri) => {
      const name = asString(asRecord(ref).pluginRef) ?? '';
      if (!plugins.includes(name)) {
        ctx.report(configMap, fieldPath('data', key), `schedulingProfiles[${pi}].plugins[${ri}].pluginRef "${name}" names no plugin of this ${EPP_CONFIG_KIND} (plugins: ${plugins.join(', ') || 'none'}); the endpoint picker refuses the file`);
      }
    });
  });
}

/**
 * A path a container is given (a flag value or an env value) that lies in a directory where a ConfigMap
 * is mounted must be one of the files that ConfigMap puts there: its keys, or `items` paths when listed.
 * An EndpointPickerConfig found that way must refer only to plugins it declares.
 */
export function checkMountedFiles(ctx: CheckContext): void {
  const pickerConfigs = new Set<string>();
  for (const pod of ctx.set.podTemplates) {
    for (const list of ['initContainers', 'containers'] as const) {
      asArray(pod.spec[list]).forEach((raw, ci) => {
        const container = asRecord(raw);
        const mounts = configMapMounts(pod, container);
        if (mounts.size === 0) return;
        const base = `${pod.path}.${list}[${ci}]`;
        const paths: { value: string; path: string }[] = [];
        for (const field of ['command', 'args'] as const) {
          asArray(container[field]).forEach((arg, ai) => {
            if (typeof arg !== 'string') return;
            const value = arg.startsWith('-') && arg.includes('=') ? arg.slice(arg.indexOf('=') + 1) : arg;
            if (value.startsWith('/')) paths.push({ value, path: `${base}.${field}[${ai}]` });
          });
        }
        asArray(container.env).forEach((env, ei) => {
          const value = asString(asRecord(env).value);
          if (value?.startsWith('/')) paths.push({ value, path: `${base}.env[${ei}].value` });
        });
        for (const { value, path } of paths) {
          const dir = value.slice(0, value.lastIndexOf('/'));
          const file = value.slice(value.lastIndexOf('/') + 1);
          const mount = mounts.get(dir);
          if (!mount) continue;
          const configMap = ctx.set.find('', 'ConfigMap', mount.configMap, pod.namespace);
          if (!configMap) continue; // reported as a missing ConfigMap
          const files = mount.items ?? Object.keys({ ...asRecord(configMap.object.data), ...asRecord(configMap.object.binaryData) });
          if (!files.includes(file)) {
            ctx.report(pod.owner, path, `${value} is not a file of ConfigMap "${mount.configMap}" mounted at ${dir} (files: ${files.join(', ') || 'none'})`);
          } else if (mount.items === undefined && !pickerConfigs.has(`${pod.namespace}/${mount.configMap}/${file}`)) {
            pickerConfigs.add(`${pod.namespace}/${mount.configMap}/${file}`);
            if (/\.ya?ml$/.test(file)) checkPickerConfig(ctx, configMap, file);
          }
        }
      });
    }
  }
}

function gpuCount(resources: unknown): number | undefined {
  const record = asRecord(resources);
  const raw = asRecord(record.limits)[GPU_RESOURCE] ?? asRecord(record.requests)[GPU_RESOURCE];
  if (raw === undefined) return undefined;
  const count = typeof raw === 'number' ? raw : Number(raw);
  return Number.isFinite(count) ? count : undefined;
}

/** GPU pods must fit one node of the GPU pool and select its accelerator (needs the deployment spec). */
export function checkGpuPlacement(ctx: CheckContext): void {
  const gpuPool = ctx.spec?.cluster.gpuPool;
  if (!gpuPool) return;
  for (const pod of ctx.set.podTemplates) {
    let total = 0;
    const containers = asArray(pod.spec.containers).map((c, i) => ({ c: asRecord(c), path: `${pod.path}.containers[${i}]` }));
    const sidecars = asArray(pod.spec.initContainers)
      .map((c, i) => ({ c: asRecord(c), path: `${pod.path}.initContainers[${i}]` }))
      .filter(({ c }) => c.restartPolicy === 'Always');
    for (const { c, path } of [...containers, ...sidecars]) {
      const count = gpuCount(c.resources);
      if (count === undefined) continue;
      total += count;
      if (total > gpuPool.acceleratorCount) {
        const which = asRecord(asRecord(c.resources).limits)[GPU_RESOURCE] !== undefined ? 'limits' : 'requests';
        ctx.report(pod.owner, fieldPath(...`${path}.resources.${which}`.split('.').flatMap(splitIndex), GPU_RESOURCE),
          `the pod asks for ${total} ${GPU_RESOURCE} but a ${gpuPool.machineType} node has ${gpuPool.acceleratorCount}; the pod can never be scheduled`);
      }
    }
    const selected = asRecord(pod.spec.nodeSelector)[GKE_ACCELERATOR_LABEL];
    const selectorPath = fieldPath(...`${pod.path}.nodeSelector`.split('.').flatMap(splitIndex), GKE_ACCELERATOR_LABEL);
    if (selected !== undefined && selected !== gpuPool.accelerator) {
      ctx.report(pod.owner, selectorPath, `selects accelerator "${String(selected)}" but the GPU node pool has ${gpuPool.accelerator}; the pod can never be scheduled`);
    } else if (selected === undefined && total > 0) {
      ctx.report(pod.owner, selectorPath, `is missing: a pod asking for ${GPU_RESOURCE} must select the GPU pool's accelerator ${gpuPool.accelerator}`);
    }
  }
}

/** `containers[0]` -> `containers`, 0, so fieldPath can quote keys such as `nvidia.com/gpu`. */
function splitIndex(segment: string): (string | number)[] {
  const match = /^(.*?)\[(\d+)\]$/.exec(segment);
  return match ? [match[1], Number(match[2])] : [segment];
}
