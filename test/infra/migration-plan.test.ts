/**
 * The zero-downtime move from the guide's profile to the GA profile, as `pulumi up` (and `npm run plan --
 * --compare`) sees each step: moving traffic restarts no pod and replaces nothing; only the last step,
 * which drops the guide's stack, restarts the model servers (new vLLM) and the GA picker (new metric names).
 */
import { compareRuns, type PlannedChange } from '../../plan/plan-model';
import type { MockRun } from '../../plan/program';
import { runSpec } from './harness';

const GA = 'llm-d-v0.10.0';
const POOL = 'vllm-llama3-8b-instruct';
const pools = [{ name: POOL, inferencePoolName: `${POOL}-ga` }];
const step = (trafficPercent: number) => ({ inferenceExtension: { version: GA, migration: { from: 'v0.3.0', trafficPercent } }, pools });

let guide: MockRun;
let start: MockRun;
let half: MockRun;
let all: MockRun;
let done: MockRun;
// One program run at a time: the mocks are the Pulumi runtime's global state.
beforeAll(async () => {
  guide = await runSpec({});
  start = await runSpec(step(0));
  half = await runSpec(step(50));
  all = await runSpec(step(100));
  done = await runSpec({ inferenceExtension: { version: GA }, pools });
});

/** Changes of resources, leaving out the ConfigGroups themselves (whose input is the list of their objects). */
const objects = (changes: readonly PlannedChange[]) => changes.filter((change) => change.type !== 'kubernetes:yaml/v2:ConfigGroup');
const restarting = (changes: readonly PlannedChange[]) => changes.filter((change) => change.restarts === true).map((change) => change.name);
const acting = (changes: readonly PlannedChange[], action: string) => objects(changes).filter((change) => change.action === action).map((change) => change.name);
const VLLM = `pool-${POOL}:default/${POOL}`;
const GA_PICKER = `pool-${POOL}:default/${POOL}-ga-epp`;

test('adding the GA stack beside the guide\'s creates objects and changes the route, and restarts or replaces nothing', () => {
  const changes = compareRuns(guide, start);
  expect(restarting(changes)).toEqual([]);
  expect(acting(changes, 'replace')).toEqual([]);
  expect(acting(changes, 'delete')).toEqual([]);
  // Besides the route, monitoring follows the profile the spec names: the dashboard adds the GA picker's
  // series, the readiness alert reads the GA picker, and vLLM is scraped at that picker's interval.
  expect(acting(changes, 'update').sort()).toEqual(
    ['inference-gateway-dashboard', 'inference-gateway-no-ready-model-server', 'gateway:default/my-route', `pool-${POOL}:default/${POOL}-vllm`].sort(),
  );
  expect(acting(changes, 'create')).toEqual(expect.arrayContaining([`pool-${POOL}:default/${POOL}-ga`, GA_PICKER, 'inference-extension-llm-d-v0.10.0-crds-1']));
});

test.each([
  ['0 to 50', () => start, () => half],
  ['50 to 100', () => half, () => all],
])('moving traffic from %s percent changes only the HTTPRoute', (_name, from, to) => {
  const changes = objects(compareRuns(from(), to())).filter((change) => change.action !== 'same');
  expect(changes.map((change) => [change.action, change.name])).toEqual([['update', 'gateway:default/my-route']]);
});

test('the last step deletes the guide\'s stack and restarts the model servers (new vLLM) and the GA picker (new metric names), nothing else', () => {
  const changes = compareRuns(all, done);
  expect(restarting(changes).sort()).toEqual([GA_PICKER, VLLM].sort());
  expect(acting(changes, 'replace')).toEqual([]);
  expect(acting(changes, 'delete')).toEqual(expect.arrayContaining([`pool-${POOL}:default/${POOL}`, `pool-${POOL}:default/${POOL}-epp`, 'inference-extension-v0.3.0-crds']));
});
