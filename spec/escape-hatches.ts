/**
 * What a pool may add to its vLLM pods beyond the spec's own fields (`modelServer.extraArgs`, `env`,
 * `tolerations`, `nodeSelector`, `labels`, `annotations`, `podAnnotations`), and what it may not: a key
 * we set ourselves, a flag or variable we set ourselves, a secret in plain text, or
 * text another program would read as syntax.
 *
 * - vLLM's parser (FlexibleArgumentParser) reads `--max_model_len` as `--max-model-len` and `--x=1` as
 *   `--x 1`, so a flag is compared in that normal form; `--no-x` is the negation BooleanOptionalAction
 *   adds to `--x`. Being Python's argparse, it also takes an unambiguous prefix of a long flag for the
 *   flag (`--por 9000` is `--port 9000`; allow_abbrev is on), so a prefix of a flag we set or refuse is
 *   refused too.
 * - The kubelet expands `$(NAME)` in a container's args and env values with the container's variables
 *   (Kubernetes API, "Define dependent environment variables"): `$(HUGGING_FACE_HUB_TOKEN)` would put the
 *   token on vLLM's command line, visible in `ps` and in the pod's events. No shell runs the args, so shell
 *   syntax would reach vLLM as literal text, which is never what was meant.
 */

import { APP_LABEL, DEPENDS_ON_ANNOTATION, ENGINE_TYPE_LABEL, GKE_ACCELERATOR_LABEL, SYNC_WAVE_ANNOTATION } from './kubernetes-keys';

/** The flags the model server construct sets (charts-gen/model-server.ts), and the aliases vLLM gives them. */
export const MANAGED_VLLM_FLAGS: Readonly<Record<string, string>> = {
  '--model': 'set from modelServer.baseModel',
  '--tensor-parallel-size': 'set from modelServer.tensorParallelSize',
  '-tp': 'vLLM\'s alias of --tensor-parallel-size, set from modelServer.tensorParallelSize',
  '--port': 'set from modelServer.port, which the probes, the InferencePool and the health check use',
  '--enable-lora': 'always on: the adapters need it',
  '--max-loras': 'set from modelServer.maxLoras',
  '--max-cpu-loras': 'set from modelServer.maxCpuLoras',
  '--max-lora-rank': 'set from modelServer.maxLoraRank',
};

/** The flag the model server adds when a pool streams its weights from Cloud Storage (weightsFrom: gcs). */
export const GCS_WEIGHTS_VLLM_FLAGS: Readonly<Record<string, string>> = {
  '--load-format': 'set to runai_streamer with modelServer.weightsFrom gcs: only the streamer reads the gs:// model',
};

/** The flags the model server sets for a pool whose weights come from `weightsFrom`. */
export function managedVllmFlags(weightsFrom: unknown): Readonly<Record<string, string>> {
  return weightsFrom === 'gcs' ? { ...MANAGED_VLLM_FLAGS, ...GCS_WEIGHTS_VLLM_FLAGS } : MANAGED_VLLM_FLAGS;
}

/** Flags that would break what the other objects rely on, although we do not set them. */
export const FORBIDDEN_VLLM_FLAGS: Readonly<Record<string, string>> = {
  '--served-model-name': 'the InferenceModels or InferenceObjectives and the route name the base model as vLLM serves it',
  '--host': 'the kubelet probes, the endpoint picker and the load balancer reach vLLM on the pod IP',
  '--uds': 'the kubelet probes, the endpoint picker and the load balancer reach vLLM over TCP',
  '--api-key': 'a key on the command line is written into the manifests in plain text (and the health checks send none)',
};

/** The variables the model server construct sets on the vLLM container. */
export const MANAGED_ENV: Readonly<Record<string, string>> = {
  PORT: 'set from modelServer.port',
  HUGGING_FACE_HUB_TOKEN: 'read from the Secret modelServer.hfTokenSecret',
  VLLM_ALLOW_RUNTIME_LORA_UPDATING: 'the lora-syncer needs it',
  HF_HOME: 'the model cache on the data volume',
  VLLM_CACHE_ROOT: "vLLM's cache on the data volume",
};

/**
 * Variable names whose values are credentials: those belong in a Secret, not in the manifests. Whole
 * `_`-separated words, so `HF_TOKEN` and `OPENAI_API_KEY` are refused but `TOKENIZERS_PARALLELISM` (a
 * common Hugging Face setting) is not.
 */
const SECRET_VARIABLE = /(?:^|_)(?:TOKEN|SECRET|PASSWORD|PASSWD|CREDENTIALS?|API_?KEY|PRIVATE_KEY|ACCESS_KEY)(?:_|$)/i;
/** `$(` (kubelet expansion), backquotes, `;`, `|`, `&`, `<`, `>`, and control characters. */
const SYNTAX = /\$\(|[`;|&<>\r\n\t\0]/;
/** In an env value only the kubelet's `$(` expansion and line breaks or NUL mean something else. */
const ENV_SYNTAX = /\$\(|[\r\n\0]/;

type Report = (path: string, message: string) => void;

/** `--max_model_len=8192` -> `--max-model-len`; undefined for an argument that is not a flag. */
export function flagName(argument: string): string | undefined {
  if (!argument.startsWith('-') || /^-\d/.test(argument)) return undefined;
  const name = argument.split('=')[0];
  return name.startsWith('--') ? `--${name.slice(2).replace(/_/g, '-')}` : name;
}

/**
 * `managed`: the flags the model server sets for this pool (managedVllmFlags); vLLM keeps the last value
 * of a repeated flag, and extraArgs come last, so a repeated managed flag would win over ours.
 */
export function checkExtraArgs(args: unknown, at: string, report: Report, managedFlags: Readonly<Record<string, string>> = MANAGED_VLLM_FLAGS): void {
  if (!Array.isArray(args)) return;
  args.forEach((argument: unknown, index) => {
    if (typeof argument !== 'string') return;
    const path = `${at}[${index}]`;
    if (SYNTAX.test(argument)) {
      report(path, `carries shell or substitution syntax ($(...), \`, ;, |, &, <, > or a control character); the args reach vLLM without a shell, and the kubelet expands $(NAME), got ${JSON.stringify(argument)}`);
      return;
    }
    const flag = flagName(argument);
    if (flag === undefined) return;
    const positive = flag.startsWith('--no-') ? `--${flag.slice(5)}` : flag;
    const managed = managedFlags[positive];
    if (managed !== undefined) report(path, `${flag} is a flag this tool sets (${managed})`);
    const forbidden = FORBIDDEN_VLLM_FLAGS[positive];
    if (forbidden !== undefined) report(path, `${flag} is not allowed: ${forbidden}`);
    if (managed !== undefined || forbidden !== undefined || !positive.startsWith('--') || positive.length <= 2) return;
    const abbreviated = [...Object.keys(managedFlags), ...Object.keys(FORBIDDEN_VLLM_FLAGS)].filter((full) => full.startsWith(positive));
    if (abbreviated.length > 0) report(path, `${flag} is a prefix of ${abbreviated.join(' and ')}, which vLLM's parser would take it for; ${abbreviated.length > 1 ? 'those are' : 'that is'} set or refused by this tool`);
  });
}

export function checkEnv(env: unknown, at: string, report: Report): void {
  if (!Array.isArray(env)) return;
  const seen = new Map<string, number>();
  env.forEach((variable: unknown, index) => {
    if (typeof variable !== 'object' || variable === null) return;
    const { name, value } = variable as { name?: unknown; value?: unknown };
    const path = `${at}[${index}]`;
    if (typeof name === 'string') {
      if (MANAGED_ENV[name] !== undefined) report(`${path}.name`, `${name} is a variable this tool sets (${MANAGED_ENV[name]})`);
      else if (SECRET_VARIABLE.test(name)) report(`${path}.name`, `${name} looks like a credential: a value here is written into the manifests in plain text; mount it from a Secret instead`);
      const first = seen.get(name);
      if (first !== undefined) report(`${path}.name`, `${name} is already set by ${at}[${first}]`);
      else seen.set(name, index);
    }
    if (typeof value === 'string' && ENV_SYNTAX.test(value)) {
      report(`${path}.value`, "carries $(...), which the kubelet expands with the container's variables (the token included), or a line break or NUL");
    }
  });
}

export function checkTolerations(tolerations: unknown, at: string, report: Report): void {
  if (!Array.isArray(tolerations)) return;
  tolerations.forEach((toleration: unknown, index) => {
    if (typeof toleration !== 'object' || toleration === null) return;
    const { key, operator, value, effect, tolerationSeconds } = toleration as Record<string, unknown>;
    const path = `${at}[${index}]`;
    if (operator === 'Exists' && value !== undefined) report(`${path}.value`, 'must be left out with operator Exists (Kubernetes refuses a value there)');
    if ((operator ?? 'Equal') === 'Equal' && key === undefined) report(`${path}.key`, 'is required with operator Equal (only Exists may leave out the key, to tolerate every taint)');
    if (tolerationSeconds !== undefined && effect !== 'NoExecute') report(`${path}.tolerationSeconds`, 'applies only to effect NoExecute');
  });
}

/**
 * Keys of the vLLM Deployment's own metadata we set: the common labels (charts-gen/common-labels.ts sets
 * every `app.kubernetes.io/` label, overwriting a user's), the selector label `app` (charts-gen/well-known.ts
 * APP_LABEL), the apply-order annotations (charts-gen/apply-order.ts) and this tool's own prefix.
 */
const MANAGED_METADATA_PREFIXES: readonly string[] = ['app.kubernetes.io/', 'inference-gateway/'];
export const MANAGED_METADATA_KEYS: Readonly<Record<string, string>> = {
  [APP_LABEL]: 'the selector label of the pods, their Service and PodDisruptionBudget',
  [ENGINE_TYPE_LABEL]: "the endpoint picker's engine label",
  [DEPENDS_ON_ANNOTATION]: 'the apply order Pulumi, Config Sync and kpt read',
  [SYNC_WAVE_ANNOTATION]: 'the apply order Argo CD reads',
};
/** The node label GKE puts on GPU nodes, which the pods select from modelServer.accelerator. */
export const GKE_ACCELERATOR_NODE_LABEL = GKE_ACCELERATOR_LABEL;
/** The node label of Spot VMs (GKE docs, "Spot VMs": `cloud.google.com/gke-spot: "true"`). */
export const GKE_SPOT_NODE_LABEL = 'cloud.google.com/gke-spot';

/** Labels, annotations or pod annotations: refused where they name a key this tool sets. */
export function checkMetadataKeys(map: unknown, at: string, report: Report): void {
  if (typeof map !== 'object' || map === null) return;
  for (const key of Object.keys(map)) {
    const prefix = MANAGED_METADATA_PREFIXES.find((start) => key.startsWith(start));
    const managed = MANAGED_METADATA_KEYS[key] ?? (prefix === undefined ? undefined : `every ${prefix} key is set by this tool`);
    if (managed !== undefined) report(`${at}[${JSON.stringify(key)}]`, `${key} is a key this tool sets (${managed})`);
  }
}

/** A node selector may add constraints; it may not contradict the GPU pool the pods must land on. */
export function checkNodeSelector(
  selector: unknown,
  at: string,
  gpu: { readonly accelerator: unknown; readonly provisioning: unknown },
  report: Report,
): void {
  if (typeof selector !== 'object' || selector === null) return;
  const entries = selector as Record<string, unknown>;
  const accelerator = entries[GKE_ACCELERATOR_NODE_LABEL];
  if (accelerator !== undefined && accelerator !== gpu.accelerator) {
    report(`${at}[${JSON.stringify(GKE_ACCELERATOR_NODE_LABEL)}]`, `must be left out or equal modelServer.accelerator (${String(gpu.accelerator)}), which already selects it; got ${JSON.stringify(accelerator)}, which no GPU node carries`);
  }
  const spot = entries[GKE_SPOT_NODE_LABEL];
  if (spot === 'true' && gpu.provisioning !== 'spot') {
    report(`${at}[${JSON.stringify(GKE_SPOT_NODE_LABEL)}]`, `selects Spot nodes, but cluster.gpuPool.provisioning is ${String(gpu.provisioning)}: no GPU node would match`);
  }
}
