/**
 * podTemplateGpus (charts-gen/well-known.ts): what the Pulumi program (the model servers' wait) and the
 * plan (which pool a pod lands on, GPU capacity) read as a pod's GPUs. Only limits count: the NVIDIA
 * device plugin allocates by limit, and a toleration or node selector naming the resource asks for none.
 */
import { GPU_RESOURCE, podTemplateGpus } from '../../charts-gen/well-known';
import { findObject, synthApp, guideSpec } from './helpers';

test('the guide pool asks for one GPU per pod, its endpoint picker for none', () => {
  const objects = synthApp(guideSpec());
  expect(podTemplateGpus(findObject(objects, 'Deployment', 'vllm-llama3-8b-instruct').spec.template)).toBe(1);
  expect(podTemplateGpus(findObject(objects, 'Deployment', 'vllm-llama3-8b-instruct-epp').spec.template)).toBe(0);
});

test('limits of every container add up; a toleration or selector naming the resource adds nothing', () => {
  const template = {
    spec: {
      tolerations: [{ key: GPU_RESOURCE, operator: 'Exists', effect: 'NoSchedule' }],
      nodeSelector: { [GPU_RESOURCE]: 'present' },
      containers: [{ resources: { limits: { [GPU_RESOURCE]: 2 } } }, { resources: { limits: { [GPU_RESOURCE]: '1' } } }, { resources: { requests: { cpu: '1' } } }],
    },
  };
  expect(podTemplateGpus(template)).toBe(3);
  expect(podTemplateGpus({ spec: { ...template.spec, containers: [{ name: 'picker' }] } })).toBe(0);
  expect(podTemplateGpus(undefined)).toBe(0);
});
