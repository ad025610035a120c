/** Rollouts and voluntary disruptions that never wait for a GPU that is not there. */
import { GUIDE_POOL_NAME, resolveSpec } from '../../spec';
import { findObject, synthDocument } from '../charts/helpers';

describe('model server rollout', () => {
  test('by default replaces one pod at a time and never surges', () => {
    const deployment = findObject(synthDocument({}), 'Deployment', GUIDE_POOL_NAME);
    expect(deployment.spec.strategy).toEqual({ type: 'RollingUpdate', rollingUpdate: { maxSurge: 0, maxUnavailable: 1 } });
  });

  test('takes maxSurge and maxUnavailable from the spec', () => {
    const document = { pools: [{ name: GUIDE_POOL_NAME, modelServer: { replicas: 2, rollout: { maxSurge: 1, maxUnavailable: 0 } } }] };
    const deployment = findObject(synthDocument(document), 'Deployment', GUIDE_POOL_NAME);
    expect(deployment.spec.strategy.rollingUpdate).toEqual({ maxSurge: 1, maxUnavailable: 0 });
  });

  test('a surge pod counts against the GPU pool capacity', () => {
    const document = { pools: [{ name: GUIDE_POOL_NAME, modelServer: { rollout: { maxSurge: 1, maxUnavailable: 0 } } }] };
    expect(() => resolveSpec(document)).toThrow('cluster.gpuPool.maxNodes: the pools need 4 GPUs');
  });
});

describe('PodDisruptionBudgets', () => {
  const objects = synthDocument({});

  test('the model server allows one pod down at a time and selects the vLLM pods', () => {
    const budget = findObject(objects, 'PodDisruptionBudget', GUIDE_POOL_NAME);
    const deployment = findObject(objects, 'Deployment', GUIDE_POOL_NAME);
    expect(budget.spec.maxUnavailable).toBe(1);
    expect(budget.spec.selector.matchLabels).toEqual(deployment.spec.template.metadata.labels);
  });

  test('the endpoint picker has one that selects the picker pods', () => {
    const budget = findObject(objects, 'PodDisruptionBudget', `${GUIDE_POOL_NAME}-epp`);
    const picker = findObject(objects, 'Deployment', `${GUIDE_POOL_NAME}-epp`);
    expect(budget.spec.maxUnavailable).toBe(1);
    expect(budget.spec.selector.matchLabels).toEqual(picker.spec.template.metadata.labels);
  });

  test('the model server budget follows the spec', () => {
    const document = { pools: [{ name: GUIDE_POOL_NAME, modelServer: { disruptionBudget: { maxUnavailable: 0 } } }] };
    expect(findObject(synthDocument(document), 'PodDisruptionBudget', GUIDE_POOL_NAME).spec.maxUnavailable).toBe(0);
  });
});
