/**
 * `pulumi up` applies each chart with a yaml/v2 ConfigGroup, which creates its objects in parallel unless
 * an object names its prerequisites (config.kubernetes.io/depends-on). The token controller deletes a
 * service-account-token Secret created before its ServiceAccount, so every such Secret must be ordered
 * after its ServiceAccount, in both profiles and during a migration (the mock models the ConfigGroup's
 * ordering: plan/config-group-order.ts).
 */
import { orderConfigGroup } from '../../plan/config-group-order';
import type { KubeObject } from '../../infra/manifests';
import { mustPrecede } from '../../plan/plan-model';
import type { MockRun } from '../../plan/program';
import { runSpec } from './harness';

const GA = 'llm-d-v0.10.0';
let guide: MockRun;
let ga: MockRun;
let migrating: MockRun;
// One program run at a time: the mocks are the Pulumi runtime's global state.
beforeAll(async () => {
  guide = await runSpec({});
  ga = await runSpec({ inferenceExtension: { version: GA } });
  migrating = await runSpec({
    inferenceExtension: { version: GA, migration: { from: 'v0.3.0', trafficPercent: 50 } },
    pools: [{ name: 'vllm-llama3-8b-instruct', inferencePoolName: 'vllm-llama3-8b-instruct-ga' }],
  });
});

/** Every service-account-token Secret of a run with the ServiceAccount it is for. */
function tokenSecrets(run: MockRun): { secret: string; serviceAccount: string; namespace: string }[] {
  return run.objects
    .map((entry) => entry.object)
    .filter((object) => object.kind === 'Secret' && (object as KubeObject & { type?: string }).type === 'kubernetes.io/service-account-token')
    .map((object) => ({
      secret: object.metadata?.name ?? '',
      serviceAccount: object.metadata?.annotations?.['kubernetes.io/service-account.name'] ?? '',
      namespace: object.metadata?.namespace ?? '',
    }));
}

describe('a token Secret is created after its ServiceAccount', () => {
  test("the guide's metrics reader token waits for inference-gateway-sa-metrics-reader", () => {
    expect(tokenSecrets(guide)).toEqual([{ secret: 'inference-gateway-sa-metrics-reader-secret', serviceAccount: 'inference-gateway-sa-metrics-reader', namespace: 'default' }]);
    expect(mustPrecede(guide, { kind: 'ServiceAccount', name: 'inference-gateway-sa-metrics-reader' }, { kind: 'Secret', name: 'inference-gateway-sa-metrics-reader-secret' })).toBe(true);
  });

  test.each([
    ['the GA profile', () => ga, 1],
    ['a migration (both profiles)', () => migrating, 2],
  ])('in %s, every token Secret waits for its ServiceAccount', (_name, run, count) => {
    const secrets = tokenSecrets(run());
    expect(secrets).toHaveLength(count);
    for (const { secret, serviceAccount, namespace } of secrets) {
      expect(mustPrecede(run(), { kind: 'ServiceAccount', name: serviceAccount, namespace }, { kind: 'Secret', name: secret, namespace })).toBe(true);
    }
  });

  test('the ordering comes from the annotation: without it the ConfigGroup would create both at once', () => {
    const group = guide.objects.map((entry) => entry.object);
    const secret = (objects: KubeObject[]) => orderConfigGroup(objects).find((o) => o.ref.kind === 'Secret');
    expect(secret(group)?.waitsFor.size).toBe(1);
    const stripped = group.map((object) =>
      object.kind === 'Secret' ? { ...object, metadata: { ...object.metadata, annotations: { 'kubernetes.io/service-account.name': 'inference-gateway-sa-metrics-reader' } } } : object,
    );
    expect(secret(stripped)?.waitsFor.size).toBe(0);
  });
});
