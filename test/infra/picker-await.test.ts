/**
 * The GA picker runs two replicas with leader election, and only the leader is Ready. What `pulumi up`
 * applies must let its await finish on that state, and not earlier (while the old leader of a replaced
 * ReplicaSet is still counted).
 */
import { chartObjects, withPulumiAwait, type KubeObject } from '../../infra/manifests';
import { READY_REPLICAS_ANNOTATION } from '../../charts-gen/well-known';
import { resolveSpec } from '../../spec';
import { currentRevisionReadyPods, pickerLifecycle, pulumiDeploymentReady } from './deployment-consumers';

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

function pickerDeployments(document: unknown): KubeObject[] {
  return chartObjects(resolveSpec(document, 'test spec'))
    .flatMap((chart) => chart.objects)
    .filter((object) => object.kind === 'Deployment' && object.metadata?.name?.endsWith('-epp'));
}

/** Index of the first observed object on which the await finishes, or -1. */
function awaitFinishesAt(inputs: Json, observed: readonly Json[]): number {
  return observed.findIndex((object) => pulumiDeploymentReady(inputs, object, currentRevisionReadyPods(object)));
}

describe('the GA picker under pulumi-kubernetes Deployment await', () => {
  const [synthesized] = pickerDeployments({ inferenceExtension: { version: 'llm-d-v0.10.0' } });
  const applied = withPulumiAwait(synthesized) as Json;
  const { create, update } = pickerLifecycle(applied);

  test('the default GA picker is leader-elected with two replicas and says one Ready replica is healthy', () => {
    expect(applied.spec.replicas).toBe(2);
    expect(applied.spec.template.spec.containers[0].args).toContain('--ha-enable-leader-election');
    expect(applied.spec.strategy).toEqual({ type: 'Recreate' });
    expect(synthesized.metadata?.annotations?.[READY_REPLICAS_ANNOTATION]).toBe('1');
  });

  test('without the annotation Pulumi would wait for both replicas and never finish', () => {
    const plain = { ...applied, metadata: { ...applied.metadata, annotations: {} } };
    expect(awaitFinishesAt(plain, create)).toBe(-1);
    expect(awaitFinishesAt(plain, update)).toBe(-1);
  });

  test('a create finishes once the leader is Ready, also after the progress deadline passed', () => {
    expect(awaitFinishesAt(applied, create)).toBe(2);
    expect(pulumiDeploymentReady(applied, create[3], 1)).toBe(true);
  });

  test('an update finishes only once a new pod leads, not on the old leader still counted', () => {
    expect(awaitFinishesAt(applied, update)).toBe(update.length - 1);
    // The stale status (observedGeneration caught up, old leader still Ready) would satisfy a readyReplicas
    // test alone: the updatedReplicas expression is what holds Pulumi back.
    const readyOnly = { ...applied, metadata: { ...applied.metadata, annotations: { 'pulumi.com/waitFor': 'jsonpath={.status.readyReplicas}=1' } } };
    expect(awaitFinishesAt(readyOnly, update)).toBe(1);
  });

  test('the expressions use the strict syntax pulumi-kubernetes accepts', () => {
    const expressions = JSON.parse(applied.metadata.annotations['pulumi.com/waitFor']) as string[];
    expect(expressions).toEqual(['jsonpath={.status.readyReplicas}=1', 'jsonpath={.status.updatedReplicas}=2']);
  });

  test('more replicas wait for as many updated pods; one replica keeps the built-in await', () => {
    const three = pickerDeployments({ inferenceExtension: { version: 'llm-d-v0.10.0' }, pools: [{ name: 'p', endpointPicker: { replicas: 3 } }] });
    expect(JSON.parse(withPulumiAwait(three[0]).metadata?.annotations?.['pulumi.com/waitFor'] ?? '[]')).toEqual([
      'jsonpath={.status.readyReplicas}=1',
      'jsonpath={.status.updatedReplicas}=3',
    ]);
    const one = pickerDeployments({ inferenceExtension: { version: 'llm-d-v0.10.0' }, pools: [{ name: 'p', endpointPicker: { replicas: 1 } }] });
    expect(one[0].metadata?.annotations?.[READY_REPLICAS_ANNOTATION]).toBeUndefined();
    expect(withPulumiAwait(one[0])).toBe(one[0]);
  });

  test('the guide profile picker (one replica, no leader election) is untouched', () => {
    const [guide] = pickerDeployments({});
    expect(guide.metadata?.annotations?.[READY_REPLICAS_ANNOTATION]).toBeUndefined();
    expect(withPulumiAwait(guide)).toBe(guide);
  });
});
