/**
 * The Argo CD health check documented in docs/gitops.md, run as written in a Lua VM (fengari, Lua 5.3;
 * Argo CD runs gopher-lua, Lua 5.1: the script uses only what both have). Argo CD calls the script with
 * the live object as the global `obj` and reads `status` and `message` from the table it returns
 * (argo-cd util/lua). Without our annotation it must give Argo CD's built-in Deployment verdict
 * (pkg/health/health_deployment.go, getAppsv1DeploymentHealth), reproduced below as `argoBuiltIn`.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { lauxlib, lua, lualib, to_luastring } from 'fengari';
import { chartObjects, withPulumiAwait } from '../../infra/manifests';
import { resolveSpec } from '../../spec';
import { deploymentObject, pickerLifecycle } from './deployment-consumers';

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const DOC = readFileSync(join(__dirname, '..', '..', 'docs', 'gitops.md'), 'utf8');
const LUA_BLOCKS = [...DOC.matchAll(/```lua\n([\s\S]*?)```/g)].map((match) => match[1]);

function luaLiteral(value: unknown): string {
  if (value === null || value === undefined) return 'nil';
  if (typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (Array.isArray(value)) return `{${value.map(luaLiteral).join(', ')}}`;
  return `{${Object.entries(value as Json)
    .filter(([, field]) => field !== undefined)
    .map(([key, field]) => `[${JSON.stringify(key)}] = ${luaLiteral(field)}`)
    .join(', ')}}`;
}

function runHealthCheck(script: string, object: Json): { status: string; message: string } {
  const L = lauxlib.luaL_newstate();
  lualib.luaL_openlibs(L);
  const program = `obj = ${luaLiteral(object)}\nlocal function check()\n${script}\nend\nreturn check()`;
  if (lauxlib.luaL_loadstring(L, to_luastring(program)) !== lua.LUA_OK || lua.lua_pcall(L, 0, 1, 0) !== lua.LUA_OK) {
    throw new Error(`Lua error: ${lua.lua_tojsstring(L, -1)}`);
  }
  lua.lua_getfield(L, -1, to_luastring('status'));
  const status = lua.lua_tojsstring(L, -1);
  lua.lua_pop(L, 1);
  lua.lua_getfield(L, -1, to_luastring('message'));
  const message = lua.lua_tojsstring(L, -1);
  return { status, message };
}

/** Argo CD's built-in Deployment health, branch for branch. */
function argoBuiltIn(object: Json): string {
  const spec = object.spec ?? {};
  const status = object.status ?? {};
  if (spec.paused) return 'Suspended';
  if ((object.metadata.generation ?? 0) > (status.observedGeneration ?? 0)) return 'Progressing';
  const progressing = (status.conditions ?? []).find((condition: Json) => condition.type === 'Progressing');
  if (progressing?.reason === 'ProgressDeadlineExceeded') return 'Degraded';
  if (spec.replicas !== undefined && (status.updatedReplicas ?? 0) < spec.replicas) return 'Progressing';
  if ((status.replicas ?? 0) > (status.updatedReplicas ?? 0)) return 'Progressing';
  if ((status.availableReplicas ?? 0) < (status.updatedReplicas ?? 0)) return 'Progressing';
  return 'Healthy';
}

const picker = chartObjects(resolveSpec({ inferenceExtension: { version: 'llm-d-v0.10.0' } }, 'test spec'))
  .flatMap((chart) => chart.objects)
  .find((object) => object.kind === 'Deployment' && object.metadata?.name?.endsWith('-epp')) as Json;

describe('the documented Argo CD health check', () => {
  test('docs/gitops.md holds exactly one Lua block', () => {
    expect(LUA_BLOCKS).toHaveLength(1);
  });
  const script = LUA_BLOCKS[0];

  test('the GA picker turns Healthy once the leader is Ready, and stays so past the progress deadline', () => {
    const { create } = pickerLifecycle(picker);
    expect(create.map((object) => runHealthCheck(script, object).status)).toEqual(['Progressing', 'Progressing', 'Healthy', 'Healthy']);
    // Argo CD's own check would never say Healthy here.
    expect(create.map(argoBuiltIn)).toEqual(['Progressing', 'Progressing', 'Progressing', 'Degraded']);
  });

  test('an update of the picker is Healthy only when a new pod leads', () => {
    const { update } = pickerLifecycle(picker);
    expect(update.map((object) => runHealthCheck(script, object).status)).toEqual(['Progressing', 'Progressing', 'Progressing', 'Progressing', 'Healthy']);
  });

  test('a picker without a leader past its deadline is Degraded', () => {
    const stuck = deploymentObject(picker, { generation: 1, observedGeneration: 1, revision: 1, pods: [{ revision: 1, ready: false }, { revision: 1, ready: false }], deadlineExceeded: true });
    expect(runHealthCheck(script, stuck)).toEqual({ status: 'Degraded', message: expect.stringContaining('fewer than 1 Ready replicas') });
  });

  test('every other Deployment gets Argo CD built-in verdict', () => {
    const plain: Json = { ...picker, metadata: { ...picker.metadata, annotations: {} } };
    const states = [
      ...pickerLifecycle(plain).create,
      ...pickerLifecycle(plain).update,
      deploymentObject(plain, { generation: 1, observedGeneration: 1, revision: 1, pods: [{ revision: 1, ready: true }, { revision: 1, ready: true }] }),
      deploymentObject({ ...plain, spec: { ...plain.spec, paused: true } }, { generation: 1, observedGeneration: 1, revision: 1, pods: [] }),
    ];
    const verdicts = states.map((object) => runHealthCheck(script, object).status);
    expect(verdicts).toEqual(states.map(argoBuiltIn));
    expect(new Set(verdicts)).toEqual(new Set(['Progressing', 'Degraded', 'Healthy', 'Suspended']));
  });

  test('the picker Pulumi applies carries the same annotation the check reads', () => {
    expect(withPulumiAwait(picker as never).metadata?.annotations?.['inference-gateway/ready-replicas']).toBe('1');
    expect(script).toContain('annotations["inference-gateway/ready-replicas"]');
  });
});
