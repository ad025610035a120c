/**
 * The model server's escape hatches: extra vLLM flags, variables and tolerations reach the vLLM pod; what
 * would contradict a flag or variable we set, leak a secret, or be read as syntax is a spec error naming
 * the field.
 */
import { checkMetadataKeys, FORBIDDEN_VLLM_FLAGS, GKE_ACCELERATOR_NODE_LABEL, MANAGED_ENV, MANAGED_METADATA_KEYS, flagName, managedVllmFlags } from '../../spec/escape-hatches';
import { DEPENDS_ON_ANNOTATION, SYNC_WAVE_ANNOTATION } from '../../charts-gen/apply-order';
import { APP_LABEL, ENGINE_TYPE_LABEL, GKE_ACCELERATOR_LABEL } from '../../charts-gen/well-known';
import { resolveSpec } from '../../spec';
import { findContainer, findObject, synthApp } from '../charts/helpers';
import { specProblems } from './helpers';

const POOL = 'vllm-llama3-8b-instruct';

function withServer(modelServer: Record<string, unknown>): unknown {
  return { pools: [{ name: POOL, modelServer }] };
}

describe('what reaches the vLLM pod', () => {
  const spec = resolveSpec(
    withServer({
      extraArgs: ['--max-model-len', '8192'],
      env: [{ name: 'VLLM_LOGGING_LEVEL', value: 'DEBUG' }],
      tolerations: [{ key: 'dedicated', operator: 'Equal', value: 'inference', effect: 'NoSchedule' }],
    }),
  );
  const deployment = findObject(synthApp(spec), 'Deployment', POOL);
  const vllm = findContainer(deployment, 'vllm');

  test('extraArgs come after our flags, in order', () => {
    expect(vllm.args.slice(-2)).toEqual(['--max-model-len', '8192']);
    expect(vllm.args.slice(0, 2)).toEqual(['--model', 'meta-llama/Llama-3.1-8B-Instruct']);
  });

  test('an extra variable is added after ours', () => {
    expect(vllm.env.at(-1)).toEqual({ name: 'VLLM_LOGGING_LEVEL', value: 'DEBUG' });
    expect(vllm.env.map((variable: { name: string }) => variable.name)).toContain('HUGGING_FACE_HUB_TOKEN');
  });

  test('a toleration lands on the pod, beside the accelerator node selector', () => {
    expect(deployment.spec.template.spec.tolerations).toEqual([{ key: 'dedicated', operator: 'Equal', value: 'inference', effect: 'NoSchedule' }]);
    expect(deployment.spec.template.spec.nodeSelector).toEqual({ 'cloud.google.com/gke-accelerator': 'nvidia-h100-80gb' });
  });

  test('without them the pod is what it was: no tolerations field, our flags and variables only', () => {
    const plain = findObject(synthApp(resolveSpec({})), 'Deployment', POOL);
    expect(plain.spec.template.spec.tolerations).toBeUndefined();
    expect(findContainer(plain, 'vllm').args.at(-2)).toBe('--max-lora-rank');
  });
});

describe('what is refused', () => {
  test('extraArgs: [--port, "9000"] is a spec error naming the field and why', () => {
    expect(specProblems(withServer({ extraArgs: ['--port', '9000'] }))).toEqual([
      'pools[0].modelServer.extraArgs[0]: --port is a flag this tool sets (set from modelServer.port, which the probes, the InferencePool and the health check use)',
    ]);
  });

  test.each([
    ['--max_loras=4', '--max-loras is a flag this tool sets'],
    ['-tp', "-tp is a flag this tool sets (vLLM's alias of --tensor-parallel-size"],
    ['--no-enable-lora', '--no-enable-lora is a flag this tool sets (always on'],
    ['--served-model-name', '--served-model-name is not allowed'],
    ['--api-key=s3cret', '--api-key is not allowed: a key on the command line is written into the manifests in plain text'],
    ['$(HUGGING_FACE_HUB_TOKEN)', 'carries shell or substitution syntax'],
    ['--x;rm -rf /', 'carries shell or substitution syntax'],
  ])('extraArgs %s', (argument, message) => {
    const errors = specProblems(withServer({ extraArgs: [argument] }));
    expect(errors).toHaveLength(1);
    expect(errors[0]).toContain(`pools[0].modelServer.extraArgs[0]: ${message}`);
  });

  test('values of flags are not flags: a negative number or a path passes', () => {
    expect(specProblems(withServer({ extraArgs: ['--max-model-len', '8192', '--seed', '-1', '--download-dir', '/data/models'] }))).toEqual([]);
  });

  test('extraArgs: a prefix of a flag we set or refuse is refused (argparse takes it for the flag); other flags are not', () => {
    expect(specProblems(withServer({ extraArgs: ['--por=9000', '--served_model', 'x', '--max-lora', '8', '--max-model-len', '8192', '--p', '1'] }))).toEqual([
      "pools[0].modelServer.extraArgs[0]: --por is a prefix of --port, which vLLM's parser would take it for; that is set or refused by this tool",
      "pools[0].modelServer.extraArgs[1]: --served-model is a prefix of --served-model-name, which vLLM's parser would take it for; that is set or refused by this tool",
      "pools[0].modelServer.extraArgs[3]: --max-lora is a prefix of --max-loras and --max-lora-rank, which vLLM's parser would take it for; those are set or refused by this tool",
      "pools[0].modelServer.extraArgs[7]: --p is a prefix of --port, which vLLM's parser would take it for; that is set or refused by this tool",
    ]);
  });

  test('env: a credential is a whole word of the name, not any part of it', () => {
    const names = ['HF_TOKEN', 'TOKEN', 'OPENAI_API_KEY', 'APIKEY', 'DB_PASSWORD', 'GOOGLE_APPLICATION_CREDENTIALS', 'AWS_SECRET_ACCESS_KEY', 'SSH_PRIVATE_KEY', 'TOKENIZERS_PARALLELISM', 'MAX_TOKENS', 'PRIVATE_MODE'];
    const refused = names.filter((name) => specProblems(withServer({ env: [{ name, value: 'x' }] })).length > 0);
    expect(refused).toEqual(['HF_TOKEN', 'TOKEN', 'OPENAI_API_KEY', 'APIKEY', 'DB_PASSWORD', 'GOOGLE_APPLICATION_CREDENTIALS', 'AWS_SECRET_ACCESS_KEY', 'SSH_PRIVATE_KEY']);
  });

  test('env: our variables, credentials, $(...) and a name twice, all at once', () => {
    expect(specProblems(withServer({ env: [{ name: 'PORT', value: '1' }, { name: 'HF_TOKEN', value: 'x' }, { name: 'A', value: '$(HUGGING_FACE_HUB_TOKEN)' }, { name: 'A', value: 'b' }] }))).toEqual([
      'pools[0].modelServer.env[0].name: PORT is a variable this tool sets (set from modelServer.port)',
      'pools[0].modelServer.env[1].name: HF_TOKEN looks like a credential: a value here is written into the manifests in plain text; mount it from a Secret instead',
      "pools[0].modelServer.env[2].value: carries $(...), which the kubelet expands with the container's variables (the token included), or a line break or NUL",
      'pools[0].modelServer.env[3].name: A is already set by pools[0].modelServer.env[2]',
    ]);
  });

  test('env: a name that is not a variable name is a field error', () => {
    expect(specProblems(withServer({ env: [{ name: '1X', value: 'y' }] }))[0]).toMatch(/^pools\[0\]\.modelServer\.env\[0\]\.name: /);
  });

  test('tolerations as Kubernetes validates them: no value with Exists, a key with Equal, seconds only for NoExecute', () => {
    expect(specProblems(withServer({ tolerations: [{ operator: 'Exists', value: 'x' }, { effect: 'NoSchedule' }, { key: 'k', effect: 'NoSchedule', tolerationSeconds: 5 }] }))).toEqual([
      'pools[0].modelServer.tolerations[0].value: must be left out with operator Exists (Kubernetes refuses a value there)',
      'pools[0].modelServer.tolerations[1].key: is required with operator Equal (only Exists may leave out the key, to tolerate every taint)',
      'pools[0].modelServer.tolerations[2].tolerationSeconds: applies only to effect NoExecute',
    ]);
  });
});

describe('node selector, labels and annotations', () => {
  const spec = resolveSpec(
    withServer({
      nodeSelector: { 'cloud.google.com/gke-nodepool': 'gpu-a', 'cloud.google.com/gke-accelerator': 'nvidia-h100-80gb' },
      labels: { team: 'inference', 'example.com/cost-center': 'ml-42' },
      annotations: { 'example.com/owner': 'ml platform <ml@example.com>' },
      podAnnotations: { 'cluster-autoscaler.kubernetes.io/safe-to-evict': 'false' },
    }),
  );
  const deployment = findObject(synthApp(spec), 'Deployment', POOL);
  const plain = findObject(synthApp(resolveSpec({})), 'Deployment', POOL);

  test('nodeSelector joins the accelerator selector on the pod spec', () => {
    expect(deployment.spec.template.spec.nodeSelector).toEqual({ 'cloud.google.com/gke-nodepool': 'gpu-a', 'cloud.google.com/gke-accelerator': 'nvidia-h100-80gb' });
  });

  test("labels and annotations land on the Deployment's metadata, beside the common labels", () => {
    expect(deployment.metadata.labels).toMatchObject({ team: 'inference', 'example.com/cost-center': 'ml-42', 'app.kubernetes.io/part-of': 'inference-gateway' });
    expect(deployment.metadata.annotations).toEqual({ 'example.com/owner': 'ml platform <ml@example.com>' });
  });

  test('the selector and the pod labels do not change; podAnnotations land on the pod template', () => {
    expect(deployment.spec.selector).toEqual(plain.spec.selector);
    expect(deployment.spec.template.metadata.labels).toEqual(plain.spec.template.metadata.labels);
    expect(deployment.spec.template.metadata.annotations).toEqual({ 'cluster-autoscaler.kubernetes.io/safe-to-evict': 'false' });
    expect(deployment.metadata.annotations?.['cluster-autoscaler.kubernetes.io/safe-to-evict']).toBeUndefined();
  });

  test('without them the Deployment is what it was', () => {
    expect(plain.metadata.annotations).toBeUndefined();
    expect(plain.spec.template.metadata.annotations).toBeUndefined();
    expect(plain.spec.template.spec.nodeSelector).toEqual({ 'cloud.google.com/gke-accelerator': 'nvidia-h100-80gb' });
    expect(Object.keys(plain.metadata.labels ?? {}).sort()).toEqual(['app.kubernetes.io/instance', 'app.kubernetes.io/managed-by', 'app.kubernetes.io/part-of', 'app.kubernetes.io/version']);
  });

  test('keys we set are refused, each naming its field path, all at once', () => {
    expect(
      specProblems(
        withServer({
          labels: { app: 'x', 'app.kubernetes.io/part-of': 'mine' },
          annotations: { 'argocd.argoproj.io/sync-wave': '5' },
          podAnnotations: { 'inference-gateway/config-sha256': 'x' },
        }),
      ),
    ).toEqual([
      'pools[0].modelServer.labels["app"]: app is a key this tool sets (the selector label of the pods, their Service and PodDisruptionBudget)',
      'pools[0].modelServer.labels["app.kubernetes.io/part-of"]: app.kubernetes.io/part-of is a key this tool sets (every app.kubernetes.io/ key is set by this tool)',
      'pools[0].modelServer.annotations["argocd.argoproj.io/sync-wave"]: argocd.argoproj.io/sync-wave is a key this tool sets (the apply order Argo CD reads)',
      'pools[0].modelServer.podAnnotations["inference-gateway/config-sha256"]: inference-gateway/config-sha256 is a key this tool sets (every inference-gateway/ key is set by this tool)',
    ]);
  });

  test('a node selector contradicting the GPU pool is refused', () => {
    expect(specProblems(withServer({ nodeSelector: { 'cloud.google.com/gke-accelerator': 'nvidia-l4' } }))).toEqual([
      'pools[0].modelServer.nodeSelector["cloud.google.com/gke-accelerator"]: must be left out or equal modelServer.accelerator (nvidia-h100-80gb), which already selects it; got "nvidia-l4", which no GPU node carries',
    ]);
    const onDemand = { cluster: { gpuPool: { provisioning: 'on-demand', acceleratorCount: 8 } }, pools: [{ name: POOL, modelServer: { nodeSelector: { 'cloud.google.com/gke-spot': 'true' } } }] };
    expect(specProblems(onDemand)).toContain('pools[0].modelServer.nodeSelector["cloud.google.com/gke-spot"]: selects Spot nodes, but cluster.gpuPool.provisioning is on-demand: no GPU node would match');
  });

  test('keys and label values follow the Kubernetes rules', () => {
    const errors = specProblems(
      withServer({
        labels: { 'Bad_Prefix/x': 'a', ['n'.repeat(64)]: 'a', ok: 'has space' },
        nodeSelector: { '-x': 'a' },
        annotations: { 'example.com/a': 7 },
      }),
    );
    expect(errors).toEqual([
      'pools[0].modelServer.nodeSelector["-x"]: "-x" is not a Kubernetes key: its name (after any "/") must be 1 to 63 letters, digits, "-", "_" and ".", starting and ending with a letter or digit',
      'pools[0].modelServer.labels["Bad_Prefix/x"]: "Bad_Prefix/x" is not a Kubernetes key: its prefix (before "/") must be a DNS subdomain of at most 253 lower-case letters, digits, "-" and "."',
      `pools[0].modelServer.labels["${'n'.repeat(64)}"]: "${'n'.repeat(64)}" is not a Kubernetes key: its name (after any "/") must be 1 to 63 letters, digits, "-", "_" and ".", starting and ending with a letter or digit`,
      'pools[0].modelServer.labels["ok"]: must be a label value: up to 63 letters, digits, "-", "_" and ".", starting and ending with a letter or digit, or empty, got "has space"',
      'pools[0].modelServer.annotations["example.com/a"]: must be a string, got 7',
    ]);
  });

  test('a map that is not a map is refused', () => {
    expect(specProblems(withServer({ labels: ['a'] }))).toEqual(['pools[0].modelServer.labels: must be a map of names to strings, got a list']);
  });
});

describe('the refusal lists agree with the construct', () => {
  /** The guide's pool, and the same pool streaming its weights from a bucket (its own flags). */
  const servers = {
    huggingface: {},
    gcs: { inferenceExtension: { version: 'llm-d-v0.10.0' }, pools: [{ name: POOL, modelServer: { weightsFrom: 'gcs', weightsBucket: 'my-weights' } }] },
  };

  test.each(Object.entries(servers))('every flag the model server sets with weights from %s is managed or refused', (weightsFrom, document) => {
    const container = findContainer(findObject(synthApp(resolveSpec(document)), 'Deployment', POOL), 'vllm');
    const flags = (container.args as string[]).map(flagName).filter((flag): flag is string => flag !== undefined);
    expect(flags.length).toBeGreaterThanOrEqual(7);
    const refused = [...Object.keys(managedVllmFlags(weightsFrom)), ...Object.keys(FORBIDDEN_VLLM_FLAGS)];
    for (const flag of flags) expect(refused).toContain(flag);
  });

  test('a pool streaming from a bucket may not choose another load format; other pools may', () => {
    const loadFormat = { extraArgs: ['--load-format', 'safetensors'] };
    expect(specProblems({ ...servers.gcs, pools: [{ ...servers.gcs.pools[0], modelServer: { ...servers.gcs.pools[0].modelServer, ...loadFormat } }] })).toEqual([
      'pools[0].modelServer.extraArgs[0]: --load-format is a flag this tool sets (set to runai_streamer with modelServer.weightsFrom gcs: only the streamer reads the gs:// model)',
    ]);
    expect(specProblems(withServer(loadFormat))).toEqual([]);
  });

  test('every label key of the pods and of the selector is refused in labels', () => {
    const deployment = findObject(synthApp(resolveSpec({})), 'Deployment', POOL);
    const keys = [...Object.keys(deployment.spec.selector.matchLabels), ...Object.keys(deployment.spec.template.metadata.labels), ...Object.keys(deployment.metadata.labels ?? {})];
    expect(keys.length).toBeGreaterThanOrEqual(5);
    for (const key of keys) {
      const reported: string[] = [];
      checkMetadataKeys({ [key]: 'x' }, 'labels', (path) => reported.push(path));
      expect(reported).toEqual([`labels[${JSON.stringify(key)}]`]);
    }
    expect(MANAGED_METADATA_KEYS[APP_LABEL]).toBeDefined();
    expect(MANAGED_METADATA_KEYS[ENGINE_TYPE_LABEL]).toBeDefined();
    expect(MANAGED_METADATA_KEYS[DEPENDS_ON_ANNOTATION]).toBeDefined();
    expect(MANAGED_METADATA_KEYS[SYNC_WAVE_ANNOTATION]).toBeDefined();
    expect(GKE_ACCELERATOR_NODE_LABEL).toBe(GKE_ACCELERATOR_LABEL);
  });

  test.each(Object.entries(servers))('every variable the model server sets with weights from %s is a managed variable', (_weightsFrom, document) => {
    const container = findContainer(findObject(synthApp(resolveSpec(document)), 'Deployment', POOL), 'vllm');
    expect(container.env.length).toBeGreaterThanOrEqual(4);
    for (const variable of container.env as { name: string }[]) expect(Object.keys(MANAGED_ENV)).toContain(variable.name);
  });
});
