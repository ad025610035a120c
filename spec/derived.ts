/**
 * Values derived from a validated spec that several objects (and the spec's own rules) must agree on:
 * which InferencePool stacks a pool runs, the vLLM release and its metric names, `--max-lora-rank`, the
 * lora-syncer's config, and how the HTTPRoute reaches each pool. Computed here once; the constructs and
 * the rules call these functions instead of re-deriving them.
 */
import { yamlText } from './yaml-writer';
import type { DeploymentSpec, EndpointPickerSpec, InferenceModelSpec, PoolSpec } from './types';
import {
  compareGkeVersions,
  extensionRelease,
  MIN_GKE_VERSION,
  VLLM_DEFAULT_MAX_LORA_RANK,
  VLLM_MAX_LORA_RANKS,
  vllmMetrics,
  vllmVersionOfImage,
  VLLM_ENGINE,
  type ExtensionRelease,
  type ExtensionVersion,
  type VllmMetricNames,
} from './versions';

/** One InferencePool of a pool, with its endpoint picker, in one profile's API. */
export interface PoolStack {
  readonly release: ExtensionRelease;
  /** The InferencePool's name; its picker's objects are named after it. */
  readonly inferencePoolName: string;
  /** Percent of the pool's requests this stack receives; undefined when it is the only one. */
  readonly weight?: number;
  /**
   * Its endpoint picker: the spec's `endpointPicker` for the profile the spec names, the release's own
   * defaults for the stack a migration moves away from (the spec describes where it is going).
   */
  readonly endpointPicker: EndpointPickerSpec;
}

/**
 * The stacks a pool runs: one, or during a migration two over the same model server pods. The `from`
 * stack keeps the names it has today (the pool's name); the new one is named by `inferencePoolName`.
 */
export function poolStacks(spec: DeploymentSpec, pool: PoolSpec): PoolStack[] {
  const extension = spec.inferenceExtension;
  const current: PoolStack = {
    release: extensionRelease(extension.version),
    inferencePoolName: pool.inferencePoolName ?? pool.name,
    endpointPicker: pool.endpointPicker,
  };
  if (extension.migration === undefined) return [current];
  const percent = extension.migration.trafficPercent;
  const previous = extensionRelease(extension.migration.from);
  return [
    {
      release: previous,
      inferencePoolName: pool.name,
      weight: 100 - percent,
      endpointPicker: { replicas: previous.endpointPickerReplicas, image: previous.endpointPickerImage, resources: { ...previous.endpointPickerResources } },
    },
    { ...current, weight: percent },
  ];
}

/** The profiles a spec runs (both during a migration). */
export function activeVersions(spec: DeploymentSpec): ExtensionVersion[] {
  const migration = spec.inferenceExtension.migration;
  return migration === undefined ? [spec.inferenceExtension.version] : [migration.from, spec.inferenceExtension.version];
}

/** The oldest GKE version every active profile works on, and never below the guide's floor. */
export function minimumGkeVersion(versions: readonly ExtensionVersion[]): string {
  return versions
    .map((version) => extensionRelease(version).minGkeVersion)
    .reduce((highest, next) => (compareGkeVersions(next, highest) > 0 ? next : highest), MIN_GKE_VERSION);
}

/**
 * The engine label a pool's model server pods carry for the GA picker: the built-in `vllm` engine when
 * the GA API runs and the pool's vLLM exports exactly that engine's names; else none. Only a vLLM upgrade
 * (which restarts the pods anyway) adds it, so moving traffic during a migration restarts nothing; and
 * while such an upgrade rolls, the picker reads each pod with the names it exports (labelled: the new
 * ones; not yet: the pre-rename ones, see endpointPickerConfig).
 */
export function modelServerEngine(spec: DeploymentSpec, pool: PoolSpec): string | undefined {
  if (!usesObjectives(spec)) return undefined;
  const version = vllmVersion(pool);
  if (version === undefined) return undefined;
  const exported = vllmMetrics(version);
  const builtIn = extensionRelease(spec.inferenceExtension.version).endpointPickerMetricDefaults;
  return (Object.keys(builtIn) as (keyof VllmMetricNames)[]).every((key) => exported[key] === builtIn[key]) ? VLLM_ENGINE : undefined;
}

/** The vLLM release a pool runs: stated, or read from its image tag; undefined when neither says. */
export function vllmVersion(pool: PoolSpec): string | undefined {
  return pool.modelServer.vllmVersion ?? vllmVersionOfImage(pool.modelServer.image);
}

/** The metric names the pool's vLLM exports (a validated spec always knows its vLLM release). */
export function poolMetrics(pool: PoolSpec): VllmMetricNames {
  const version = vllmVersion(pool);
  if (version === undefined) throw new Error(`pools.${pool.name}: the vLLM release is unknown; the spec rules should have refused it`);
  return vllmMetrics(version);
}

/**
 * `--max-lora-rank`: the spec's value, else the smallest value vLLM accepts that covers every declared
 * adapter rank, and never below vLLM's own default (16). The floor keeps the flag stable: removing an
 * adapter or one of undeclared rank (which has been loading under the default) never changes the model
 * server's arguments, which would restart every GPU pod only to lower a limit. A spec that wants a lower
 * limit (it saves GPU memory) says so in `modelServer.maxLoraRank`.
 */
export function maxLoraRank(pool: PoolSpec): number {
  if (pool.modelServer.maxLoraRank !== undefined) return pool.modelServer.maxLoraRank;
  const needed = Math.max(VLLM_DEFAULT_MAX_LORA_RANK, ...pool.adapters.models.map((adapter) => adapter.rank ?? 0));
  return VLLM_MAX_LORA_RANKS.find((allowed) => allowed >= needed) ?? VLLM_MAX_LORA_RANKS[VLLM_MAX_LORA_RANKS.length - 1];
}

/** The lora-syncer's config (vLLMLoRAConfig), as the ConfigMap holds it. */
export function syncerConfig(pool: PoolSpec): Record<string, unknown> {
  const adapters = pool.adapters;
  return {
    vLLMLoRAConfig: {
      name: adapters.configName,
      port: pool.modelServer.port,
      defaultBaseModel: pool.modelServer.baseModel,
      ensureExist: { models: adapters.models.map((adapter) => ({ id: adapter.id, source: adapter.source })) },
      // The syncer unloads only what it is told to; an adapter merely dropped from ensureExist stays loaded.
      ...(adapters.unload.length > 0 ? { ensureNotExist: { models: adapters.unload.map((adapter) => ({ id: adapter.id, source: adapter.source })) } } : {}),
    },
  };
}

const syncerConfigTexts = new WeakMap<PoolSpec, string>();

/**
 * The syncer config as the ConfigMap's file text. Computed once per pool: the spec rules measure it (a
 * ConfigMap's size limit) and the ConfigMap holds it, and with a thousand adapters a pool it is the
 * costliest text synth renders.
 */
export function syncerConfigText(pool: PoolSpec): string {
  let text = syncerConfigTexts.get(pool);
  if (text === undefined) {
    text = yamlText(syncerConfig(pool), 'config');
    syncerConfigTexts.set(pool, text);
  }
  return text;
}

/** Names clients may send as `model` to a pool, with the InferenceModel (or objective) behind each. */
export function servedModelNames(pool: PoolSpec): string[] {
  return pool.models.map((model) => model.modelName);
}

/** The InferenceObjective the GA API gives a model entry: named after the entry, as its InferenceModel was. */
export function objectiveName(model: InferenceModelSpec): string {
  return model.name;
}

/**
 * The GA API runs (as the profile, or as a migration's target). Its picker reads a request's priority from
 * the InferenceObjective the `x-llm-d-inference-objective` header names, and nothing else: without the
 * header every request runs at priority 0 (llm-d-router v0.10.0 requestcontrol/director.go). The route sets
 * it, so the guide's criticalities keep their meaning.
 */
export function usesObjectives(spec: DeploymentSpec): boolean {
  // The rules call this on specs whose version may be unknown (refused on its own account).
  return activeVersions(spec).some((version) => (extensionRelease(version) as ExtensionRelease | undefined)?.api === 'v1');
}

/** A pool whose models differ in criticality must be told apart by model name on the route, to set each one's objective. */
function needsModelRules(spec: DeploymentSpec, pool: PoolSpec): boolean {
  return usesObjectives(spec) && new Set(pool.models.map((model) => model.criticality)).size > 1;
}

/** Objective header value per model name; undefined without the GA API. */
function objectivesByModel(spec: DeploymentSpec, pool: PoolSpec): Readonly<Record<string, string>> | undefined {
  return usesObjectives(spec) ? Object.fromEntries(pool.models.map((model) => [model.modelName, objectiveName(model)])) : undefined;
}

/** How requests reach one pool. */
export type PoolRoute =
  /** The pool's own path prefix (stripped before vLLM): every request under it. */
  | { readonly kind: 'path'; readonly pathPrefix: string; readonly objective?: string }
  /** The shared prefix, the only pool there: every request under it. */
  | { readonly kind: 'shared'; readonly pathPrefix: string; readonly objective?: string }
  /**
   * Under the prefix (shared, or the pool's own), by the body's `model`, copied into a header: one rule
   * per model name, each setting the model's objective (GA API). `catchAll`: this pool also answers, at
   * the lowest precedence, the prefix's requests that name no model it or another pool there serves
   * (`GET /v1/models`, unknown models).
   */
  | {
      readonly kind: 'model';
      readonly pathPrefix: string;
      readonly modelNames: readonly string[];
      readonly objectives?: Readonly<Record<string, string>>;
      readonly catchAll: boolean;
    };

/** Pools without a path prefix of their own share `gateway.route.pathPrefix`. */
export function sharesRoutePrefix(pool: PoolSpec): boolean {
  return pool.routePathPrefix === undefined;
}

/**
 * Body-based routing is on when requests under one prefix must be told apart by model name: several pools
 * share the route prefix (OpenAI clients know one base URL and name the model in the body), or, with the
 * GA API, one pool's models differ in criticality. The router copies the body's `model` into a header the
 * HTTPRoute matches.
 */
export function usesBodyBasedRouting(spec: DeploymentSpec): boolean {
  return routingOf(spec).bodyRouted;
}

/** Per spec once, not per pool: poolRoute is called for every pool, and a spec may have many. */
const routing = new WeakMap<DeploymentSpec, { readonly sharing: readonly PoolSpec[]; readonly bodyRouted: boolean }>();
function routingOf(spec: DeploymentSpec): { readonly sharing: readonly PoolSpec[]; readonly bodyRouted: boolean } {
  let known = routing.get(spec);
  if (known === undefined) {
    const sharing = spec.pools.filter(sharesRoutePrefix);
    known = { sharing, bodyRouted: sharing.length > 1 || spec.pools.some((pool) => needsModelRules(spec, pool)) };
    routing.set(spec, known);
  }
  return known;
}

export function poolRoute(spec: DeploymentSpec, pool: PoolSpec): PoolRoute {
  const objectives = objectivesByModel(spec, pool);
  // One rule for the whole pool: its models share one criticality, so the first one's objective fits all.
  const single = objectives === undefined || pool.models.length === 0 ? {} : { objective: objectiveName(pool.models[0]) };
  const modelNames = servedModelNames(pool);
  if (pool.routePathPrefix !== undefined) {
    const pathPrefix = pool.routePathPrefix;
    return needsModelRules(spec, pool) ? { kind: 'model', pathPrefix, modelNames, objectives, catchAll: true } : { kind: 'path', pathPrefix, ...single };
  }
  const pathPrefix = spec.gateway.route.pathPrefix;
  const { sharing, bodyRouted } = routingOf(spec);
  if (!bodyRouted || (sharing.length === 1 && !needsModelRules(spec, pool))) return { kind: 'shared', pathPrefix, ...single };
  return { kind: 'model', pathPrefix, modelNames, objectives, catchAll: pool.name === (spec.gateway.route.catchAllPool ?? sharing[0].name) };
}

/** An HTTPRoute holds at most 16 rules (Gateway API CRD); more rules go to further routes. */
export const MAX_RULES_PER_ROUTE = 16;

/** HTTPRoute rules a spec needs: one per path-routed or sole pool; under body routing one per model name, plus the catch-all. */
export function routeRuleCount(spec: DeploymentSpec): number {
  return spec.pools.reduce((count, pool) => {
    const route = poolRoute(spec, pool);
    return count + (route.kind === 'model' ? route.modelNames.length + (route.catchAll ? 1 : 0) : 1);
  }, 0);
}

/** Whether a model gets an InferenceModelRewrite (GA profile): its targets rename or split it. */
export function modelRewrites(model: PoolSpec['models'][number]): boolean {
  const targets = model.targetModels ?? [];
  return targets.length > 0 && !(targets.length === 1 && targets[0].name === model.modelName);
}

