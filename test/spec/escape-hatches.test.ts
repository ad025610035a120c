/**
 * The model server's escape hatches: extra vLLM flags, variables and tolerations reach the vLLM pod; what
 * would contradict a flag or variable we set, leak a secret, or be read as syntax is a spec error naming
 * the field.
 */
import { MANAGED_ENV, MANAGED_VLLM_FLAGS, flagName } from '../../spec/escape-hatches';
import { resolveSpec, SpecError } from '../../spec';
import { findContainer, findObject, synthApp } from '../charts/helpers';

const POOL = 'vllm-llama3-8b-instruct';

function withServer(modelServer: Record<string, unknown>): unknown {
  return { pools: [{ name: POOL, modelServer }] };
}

/** The spec errors of a document, as `path: message` lines. */
function errorsOf(document: unknown): string[] {
  try {
    resolveSpec(document, 'spec.yaml');
  } catch (error) {
    if (error instanceof SpecError) return error.issues.map((issue) => `${issue.path}: ${issue.message}`);
    throw error;
  }
  return [];
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
    expect(errorsOf(withServer({ extraArgs: ['--port', '9000'] }))).toEqual([
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
    const errors = errorsOf(withServer({ extraArgs: [argument] }));
    expect(errors).toHaveLength(1);
    expect(errors[0]).toContain(`pools[0].modelServer.extraArgs[0]: ${message}`);
  });

  test('values of flags are not flags: a negative number or a path passes', () => {
    expect(errorsOf(withServer({ extraArgs: ['--max-model-len', '8192', '--seed', '-1', '--download-dir', '/data/models'] }))).toEqual([]);
  });

  test('env: our variables, credentials, $(...) and a name twice, all at once', () => {
    expect(errorsOf(withServer({ env: [{ name: 'PORT', value: '1' }, { name: 'HF_TOKEN', value: 'x' }, { name: 'A', value: '$(HUGGING_FACE_HUB_TOKEN)' }, { name: 'A', value: 'b' }] }))).toEqual([
      'pools[0].modelServer.env[0].name: PORT is a variable this tool sets (set from modelServer.port)',
      'pools[0].modelServer.env[1].name: HF_TOKEN looks like a credential: a value here is written into the manifests in plain text; mount it from a Secret instead',
      "pools[0].modelServer.env[2].value: carries $(...), which the kubelet expands with the container's variables (the token included), or a line break or NUL",
      'pools[0].modelServer.env[3].name: A is already set by pools[0].modelServer.env[2]',
    ]);
  });

  test('env: a name that is not a variable name is a field error', () => {
    expect(errorsOf(withServer({ env: [{ name: '1X', value: 'y' }] }))[0]).toMatch(/^pools\[0\]\.modelServer\.env\[0\]\.name: /);
  });

  test('tolerations as Kubernetes validates them: no value with Exists, a key with Equal, seconds only for NoExecute', () => {
    expect(errorsOf(withServer({ tolerations: [{ operator: 'Exists', value: 'x' }, { effect: 'NoSchedule' }, { key: 'k', effect: 'NoSchedule', tolerationSeconds: 5 }] }))).toEqual([
      'pools[0].modelServer.tolerations[0].value: must be left out with operator Exists (Kubernetes refuses a value there)',
      'pools[0].modelServer.tolerations[1].key: is required with operator Equal (only Exists may leave out the key, to tolerate every taint)',
      'pools[0].modelServer.tolerations[2].tolerationSeconds: applies only to effect NoExecute',
    ]);
  });
});

describe('the refusal lists agree with the construct', () => {
  const vllm = findContainer(findObject(synthApp(resolveSpec({})), 'Deployment', POOL), 'vllm');

  test('every flag the model server sets is a managed flag', () => {
    const flags = (vllm.args as string[]).map(flagName).filter((flag): flag is string => flag !== undefined);
    expect(flags.length).toBeGreaterThanOrEqual(7);
    for (const flag of flags) expect(Object.keys(MANAGED_VLLM_FLAGS)).toContain(flag);
  });

  test('every variable the model server sets is a managed variable', () => {
    for (const variable of vllm.env as { name: string }[]) expect(Object.keys(MANAGED_ENV)).toContain(variable.name);
  });
});
