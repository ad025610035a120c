/**
 * `npm run plan` reads a stack as `pulumi up` does and prints what `pulumi up` would do; with
 * `--compare`, what it would change. The entry point runs in process with a project directory of its own.
 */
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { main, parseArguments, USAGE } from '../../plan/cli';
import { runWithMocks, type MockRun, type MockRunOptions } from '../../plan/program';

interface PlanResult {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** A project directory holding the given files (objects are written as YAML). */
function project(files: Readonly<Record<string, unknown>>): string {
  const dir = mkdtempSync(join(tmpdir(), 'igw-plan-'));
  for (const [name, content] of Object.entries(files)) writeFileSync(join(dir, name), typeof content === 'string' ? content : stringify(content));
  return dir;
}

/**
 * The program is deterministic, so a configuration already run is not run again: the tests share runs
 * (each takes about half a second) without sharing anything else.
 */
const runs = new Map<string, Promise<MockRun>>();
function memoizedRun(options: MockRunOptions): Promise<MockRun> {
  const key = JSON.stringify(options);
  if (!runs.has(key)) runs.set(key, runWithMocks(options));
  return runs.get(key) as Promise<MockRun>;
}

async function plan(dir: string, args: string[], env: NodeJS.ProcessEnv = {}): Promise<PlanResult> {
  let stdout = '';
  let stderr = '';
  const code = await main(args, { cwd: dir, env, stdout: (text) => (stdout += text), stderr: (text) => (stderr += text), runProgram: memoizedRun });
  return { code, stdout, stderr };
}

const stack = (spec?: unknown, extra: Record<string, unknown> = {}) => ({
  config: { 'gcp:project': 'my-project', 'inference-gateway:hfToken': { secure: 'v1:AAAABBBB' }, ...(spec === undefined ? {} : { 'inference-gateway:spec': spec }), ...extra },
});
const EIGHT_GPUS = { cluster: { gpuPool: { acceleratorCount: 8 } } };
const GUIDE_ADAPTERS = [
  { id: 'food-review', source: 'Kawon/llama3.1-food-finetune_v14_r8' },
  { id: 'cad-fabricator', source: 'redcathode/fabricator' },
];
const GUIDE_MODELS = [
  { name: 'food-review', modelName: 'food-review', criticality: 'Standard', targetModels: [{ name: 'food-review', weight: 100 }] },
  { name: 'llama3-base-model', modelName: 'meta-llama/Llama-3.1-8B-Instruct', criticality: 'Critical' },
  { name: 'cad-fabricator', modelName: 'cad-fabricator', criticality: 'Standard' },
];
/** A new adapter and its InferenceModel (the v0.3.0 picker refuses a model name without one). */
const WITH_ADAPTER = {
  pools: [
    {
      name: 'vllm-llama3-8b-instruct',
      adapters: { models: [...GUIDE_ADAPTERS, { id: 'sql-lora', source: 'someone/sql-lora' }] },
      models: [...GUIDE_MODELS, { name: 'sql-lora', modelName: 'sql-lora', criticality: 'Standard' }],
    },
  ],
};
const VLLM = 'pool-vllm-llama3-8b-instruct:default/vllm-llama3-8b-instruct';

interface JsonChange {
  type: string;
  name: string;
  action: string;
  replaceOrder: string | null;
  impact: 'none' | 'rolling' | 'outage';
  impactReasons: string[];
  blocked: string | null;
  changes: { path: string; from: unknown; to: unknown }[];
}

describe('reading the stack', () => {
  const dir = project({ 'Pulumi.dev.yaml': stack(EIGHT_GPUS), 'Pulumi.prod.yaml': stack(), 'Pulumi.yaml': 'name: inference-gateway\n' });

  test('--stack dev plans the stack file asking for 8 GPUs: a3-highgpu-8g in the stack project', async () => {
    const result = await plan(dir, ['--stack', 'dev']);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('spec: Pulumi.dev.yaml (inference-gateway:spec)');
    expect(result.stdout).toContain('pulumi up would create these resources in project my-project');
    expect(result.stdout).toMatch(/gcp:container\/nodePool:NodePool\s+inference-gateway-gpu\s+machineType=a3-highgpu-8g gpus=8xnvidia-h100-80gb/);
  });

  test('the encrypted token becomes a placeholder, and the output says so', async () => {
    const result = await plan(dir, ['--stack=dev']);
    expect(result.stdout).toContain('placeholders for secrets that cannot be decrypted offline: inference-gateway:hfToken');
    expect(result.stdout).not.toContain('v1:AAAABBBB');
  });

  test('a domain-scoped project id is a project id; a token in plain text is refused as pulumi up refuses it, without showing it', async () => {
    const scoped = await plan(project({ 'Pulumi.dev.yaml': stack(undefined, { 'gcp:project': 'example.com:my-project' }) }), ['--stack', 'dev']);
    expect(scoped.code).toBe(0);
    expect(scoped.stdout).toContain('in project example.com:my-project');
    const plain = await plan(project({ 'Pulumi.dev.yaml': stack(undefined, { 'inference-gateway:hfToken': 'hf_plaintext_value' }) }), ['--stack', 'dev']);
    expect(plain).toEqual({
      code: 1,
      stdout: '',
      stderr: 'plan: Pulumi.dev.yaml: inference-gateway:hfToken is in plain text, and Pulumi.yaml declares it secret (pulumi up refuses it); set it with pulumi config set --secret inference-gateway:hfToken <token>\n',
    });
  });

  test('npm run plan --stack dev (without --) works too: npm keeps the flag and passes the name alone', async () => {
    const result = await plan(dir, ['dev'], { npm_config_stack: 'true' });
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('machineType=a3-highgpu-8g');
  });

  test('with several stacks and no --stack, the plan asks for one in one line and exits 2', async () => {
    expect(await plan(dir, [])).toEqual({ code: 2, stdout: '', stderr: 'plan: several stacks here (dev, prod): choose one with --stack <name>\n' });
  });

  test('an unknown stack names the file it looked for and the stacks there', async () => {
    const result = await plan(dir, ['--stack', 'qa']);
    expect(result.code).toBe(2);
    expect(result.stderr).toBe(`plan: --stack qa: there is no Pulumi.qa.yaml in ${dir} (stacks here: dev, prod)\n`);
  });

  test('the only stack file is the default, and its specFile is read relative to the project directory', async () => {
    const only = project({ 'Pulumi.dev.yaml': stack(undefined, { 'inference-gateway:specFile': 'spec.yaml' }), 'spec.yaml': EIGHT_GPUS });
    const result = await plan(only, []);
    expect(result.stdout).toContain('spec: spec.yaml (inference-gateway:specFile in Pulumi.dev.yaml)');
    expect(result.stdout).toContain('machineType=a3-highgpu-8g');
  });

  test('IGW_CONFIG still works, and without stack or IGW_CONFIG the defaults are planned', async () => {
    const bare = project({ 'eight.yaml': EIGHT_GPUS });
    expect((await plan(bare, [], { IGW_CONFIG: join(bare, 'eight.yaml') })).stdout).toContain(`spec: ${join(bare, 'eight.yaml')} (IGW_CONFIG)`);
    const defaults = await plan(bare, []);
    expect(defaults.stdout).toContain('spec: built-in defaults (no Pulumi.<stack>.yaml here and IGW_CONFIG unset)');
    expect(defaults.stdout).toContain('machineType=a3-highgpu-1g');
  });

  test('a bad spec in the stack prints the same error as pulumi up and exits 1, without a stack trace', async () => {
    const bad = project({ 'Pulumi.dev.yaml': stack({ cluster: { gpuPool: { maxNodes: 1 } } }) });
    const result = await plan(bad, []);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('inference-gateway:spec: 1 problem in the deployment spec\n  cluster.gpuPool.maxNodes:');
    expect(result.stderr).not.toMatch(/\n\s+at /);
  });
});

describe('exposure', () => {
  test("the guide's default says, under Outputs, that anyone on the internet can send requests and that it is plain HTTP", async () => {
    const result = await plan(project({ 'Pulumi.dev.yaml': stack(), 'Pulumi.yaml': 'name: inference-gateway\n' }), []);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('\nExposure (docs/deploy.md, "Close the open default"):\n');
    expect(result.stdout).toContain('  warning: Gateway inference-gateway (gke-l7-regional-external-managed) has no access control: anyone on the internet can send requests to its address');
    expect(result.stdout).toContain('  warning: Gateway inference-gateway serves plain HTTP on port 80');
  });

  test('examples/production.yaml prints no exposure line', async () => {
    const example = readFileSync(join(__dirname, '..', '..', 'examples', 'production.yaml'), 'utf8');
    const dir = project({ 'Pulumi.dev.yaml': stack(undefined, { 'inference-gateway:specFile': 'production.yaml' }), 'production.yaml': example, 'Pulumi.yaml': 'name: inference-gateway\n' });
    const result = await plan(dir, []);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('gcp:modelarmor/template:Template');
    expect(result.stdout).not.toContain('Exposure');
    expect(result.stdout).not.toContain('warning:');
  });
});

describe('--compare', () => {
  const dir = project({ 'Pulumi.dev.yaml': stack(EIGHT_GPUS), 'Pulumi.adapter.yaml': stack(WITH_ADAPTER), 'Pulumi.prod.yaml': stack(), 'old.yaml': {} });

  test('adding an adapter replaces nothing and restarts no GPU pod', async () => {
    const result = await plan(dir, ['--stack', 'adapter', '--compare', 'old.yaml', '--json']);
    expect(result.code).toBe(0);
    const changes = JSON.parse(result.stdout) as JsonChange[];
    expect(changes.filter((c) => c.action === 'replace')).toEqual([]);
    expect(changes.find((c) => c.name === VLLM)).toEqual({ type: 'kubernetes:apps/v1:Deployment', name: VLLM, action: 'same', replaceOrder: null, impact: 'none', impactReasons: [], blocked: null, changes: [] });
    expect(changes.find((c) => c.type === 'kubernetes:core/v1:ConfigMap')).toMatchObject({ action: 'update' });
  });

  test('changing acceleratorCount replaces the GPU pool new-first and restarts the vLLM pods', async () => {
    const changes = JSON.parse((await plan(dir, ['--stack', 'dev', '--compare', 'old.yaml', '--json'])).stdout) as JsonChange[];
    expect(changes.find((c) => c.name === 'inference-gateway-gpu')).toMatchObject({ type: 'gcp:container/nodePool:NodePool', name: 'inference-gateway-gpu', action: 'replace', replaceOrder: 'create-before-delete', impact: 'rolling', blocked: null });
    expect(changes.find((c) => c.name === 'inference-gateway-gpu')?.changes).toContainEqual({ path: 'nodeConfig.guestAccelerators[0].count', from: 1, to: 8 });
    // The old pool's deletion respects the PodDisruptionBudget (its nodeDrainConfig): one pod at a time.
    expect(changes.find((c) => c.name === VLLM)).toMatchObject({ action: 'same', impact: 'rolling' });
    expect(changes.filter((c) => c.action === 'replace').map((c) => c.name)).toEqual(['inference-gateway-gpu']);
  });

  test('the text output names the action, the order, the reason and the restarting workloads', async () => {
    const result = await plan(dir, ['--stack', 'dev', '--compare', 'old.yaml']);
    expect(result.stdout).toMatch(/replace \(create-before-delete\)\s+rolling\s+gcp:container\/nodePool:NodePool\s+inference-gateway-gpu\s+.*nodeConfig\.guestAccelerators\.count cannot change in place/);
    expect(result.stdout).toContain('    nodeConfig.guestAccelerators[0].count: 1 -> 8\n');
    expect(result.stdout).toContain(`Workloads whose pods restart:\n  ${VLLM}: its node pool inference-gateway-gpu is replaced (the old pool's deletion respects the PodDisruptionBudget: pods move one at a time)\n`);
  });

  test('--compare-stack compares with another stack', async () => {
    const result = await plan(dir, ['--stack', 'dev', '--compare-stack', 'prod', '--json']);
    expect((JSON.parse(result.stdout) as JsonChange[]).filter((c) => c.action !== 'same').map((c) => [c.name, c.action])).toEqual([['inference-gateway-gpu', 'replace']]);
  });
});

describe('NEW.yaml --compare OLD.yaml, relative to where npm ran', () => {
  // npm runs the script in the project directory and passes the user's directory as INIT_CWD.
  const root = project({ 'Pulumi.yaml': 'name: inference-gateway\n' });
  const user = join(root, 'specs');
  mkdirSync(user);
  writeFileSync(join(user, 'old.yaml'), stringify({}));
  writeFileSync(join(user, 'new.yaml'), stringify({ pools: [{ name: 'vllm-llama3-8b-instruct', modelServer: { maxLoraRank: 64 } }] }));
  const npmRun = { INIT_CWD: user, npm_lifecycle_event: 'plan' };

  test('--json prints rows with type, name, action, replaceOrder, impact, blocked and changes (old and new values)', async () => {
    const result = await plan(root, ['new.yaml', '--compare', 'old.yaml', '--json'], npmRun);
    expect(result.code).toBe(0);
    expect(result.stderr).toContain('spec: new.yaml\n');
    const rows = JSON.parse(result.stdout) as JsonChange[];
    for (const row of rows) expect(Object.keys(row)).toEqual(['type', 'name', 'action', 'replaceOrder', 'impact', 'impactReasons', 'blocked', 'changes']);
    expect(rows.find((row) => row.name === VLLM)).toMatchObject({ action: 'update', impact: 'rolling', blocked: null, changes: [{ path: 'spec.template.spec.containers[vllm].args[--max-lora-rank]', from: '16', to: '64' }] });
  });

  test('the text output leads with what pulumi up would refuse, then outages, then the table and the values', async () => {
    writeFileSync(join(user, 'region.yaml'), stringify({ cluster: { region: 'us-east4' } }));
    const result = await plan(root, ['region.yaml', '--compare', 'old.yaml'], npmRun);
    expect(result.code).toBe(0);
    const at = (text: string) => result.stdout.indexOf(text);
    expect(at('BLOCKED: pulumi up would stop at 1 change(s):\n  gcp:container/cluster:Cluster inference-gateway: the Pulumi engine (protect)')).toBeGreaterThan(0);
    expect(at('BLOCKED')).toBeLessThan(at('OUTAGE'));
    expect(at('OUTAGE')).toBeLessThan(at('ACTION'));
    expect(at('ACTION')).toBeLessThan(at('Values (old -> new):'));
    expect(result.stdout).toMatch(/\n {4}location: us-central1 -> us-east4\n/);
  });

  test('outside npm run plan (no matching npm_lifecycle_event) paths are relative to the working directory', async () => {
    const result = await plan(root, ['new.yaml', '--compare', 'old.yaml', '--json'], { INIT_CWD: user, npm_lifecycle_event: 'test' });
    expect(result.code).toBe(1);
    // Both files are looked for in the working directory, and both problems are reported at once.
    expect(result.stderr).toBe(['new.yaml', 'old.yaml'].map((file) => `${join(root, file)}: 1 problem in the deployment spec\n  (document): cannot read the spec file: no such file\n`).join(''));
  });

  test('a positional spec and IGW_CONFIG naming different files is a usage error', async () => {
    const result = await plan(root, ['new.yaml'], { ...npmRun, IGW_CONFIG: join(user, 'old.yaml') });
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/^plan: the spec file is given twice, as new.yaml and as IGW_CONFIG=/);
  });
});

describe('API enablement', () => {
  test('a call that would reach an API before its enablement fails the plan, naming the call', async () => {
    const dir = project({ 'Pulumi.dev.yaml': stack(EIGHT_GPUS) });
    let stderr = '';
    const withViolation = async (options: MockRunOptions): Promise<MockRun> => {
      const result = await memoizedRun(options);
      return { ...result, violations: [{ kind: 'invoke', type: 'gcp:container/getEngineVersions:getEngineVersions', api: 'container.googleapis.com', project: 'my-project' }] };
    };
    const code = await main([], { cwd: dir, env: {}, stdout: () => undefined, stderr: (text) => (stderr += text), runProgram: withViolation });
    expect(code).toBe(1);
    expect(stderr).toContain(
      'error: 1 call(s) would reach Google Cloud before their API is enabled:\n  invoke gcp:container/getEngineVersions:getEngineVersions calls container.googleapis.com in my-project before that API\'s enablement has completed (403 on a first run)\n',
    );
  });
});

describe('arguments', () => {
  test.each([
    [['--bogus'], 'plan: unknown option --bogus\n'],
    [['a.yaml', 'b.yaml'], 'plan: takes at most 1 spec file, got 2: a.yaml b.yaml\n'],
    [['--stack'], 'plan: --stack needs a value\n'],
    [['--stack', '--json'], 'plan: --stack needs a value\n'],
    [['--json', '--json'], 'plan: --json is given twice\n'],
    [['--compare', 'a.yaml', '--compare=b.yaml'], 'plan: --compare is given twice\n'],
    [['--json=yes'], 'plan: --json takes no value\n'],
    [['--compare', 'a.yaml', '--compare-stack', 'b'], 'plan: --compare and --compare-stack exclude each other; give one\n'],
  ])('%j is one line on stderr and exit 2', async (args, message) => {
    expect(await plan(project({}), args)).toEqual({ code: 2, stdout: '', stderr: message });
  });

  test('--help prints the usage', async () => {
    expect(await plan(project({}), ['--help'])).toEqual({ code: 0, stdout: USAGE, stderr: '' });
  });

  test('flags npm swallowed with their value (--stack=dev) are read from npm_config_*', () => {
    expect(parseArguments([], { npm_config_stack: 'dev', npm_config_json: 'true' })).toEqual({ stack: 'dev', json: true, help: false });
  });

  test('the spec is a positional argument', () => {
    expect(parseArguments(['new.yaml', '--compare', 'old.yaml', '--json'])).toEqual({ spec: 'new.yaml', compare: 'old.yaml', json: true, help: false });
  });
});
