/**
 * Accelerators beyond H100: the one machine table (spec/machines.ts) and the spec rules that check the
 * GPU pool and each model server against it. Errors name the field path and what is allowed, all at once.
 */
import { A3_MACHINE_TYPES, resolveSpec } from '../../spec';
import { ACCELERATORS, GPU_MACHINES, gpuMachine, modelBillions } from '../../spec/machines';
import { GKE_ACCELERATOR_LABEL } from '../../charts-gen/well-known';
import { findObject, synthApp } from '../charts/helpers';
import { specProblems } from './helpers';

import { H200_SPEC, L4_SPEC, POOL } from './accelerator-specs';

describe('the machine table', () => {
  test('covers L4, A100 40 and 80 GB, H100, H100 Mega, H200 and B200 with GKE accelerator names', () => {
    expect(Object.keys(ACCELERATORS)).toEqual(['nvidia-l4', 'nvidia-tesla-a100', 'nvidia-a100-80gb', 'nvidia-h100-80gb', 'nvidia-h100-mega-80gb', 'nvidia-h200-141gb', 'nvidia-b200']);
    expect(Object.keys(GPU_MACHINES).filter((name) => name.startsWith('g2-'))).toEqual(['g2-standard-4', 'g2-standard-8', 'g2-standard-12', 'g2-standard-16', 'g2-standard-24', 'g2-standard-32', 'g2-standard-48', 'g2-standard-96']);
    expect(gpuMachine('g2-standard-24')).toMatchObject({ accelerator: 'nvidia-l4', gpus: 2 });
    expect(gpuMachine('a2-megagpu-16g')).toMatchObject({ accelerator: 'nvidia-tesla-a100', gpus: 16 });
    expect(gpuMachine('a2-ultragpu-8g')).toMatchObject({ accelerator: 'nvidia-a100-80gb', gpus: 8, localSsdCount: 8 });
    expect(gpuMachine('a3-megagpu-8g')).toMatchObject({ accelerator: 'nvidia-h100-mega-80gb', gpus: 8, localSsdCount: 16 });
    expect(gpuMachine('a3-ultragpu-8g')).toMatchObject({ accelerator: 'nvidia-h200-141gb', gpus: 8, localSsdCount: 32 });
    expect(gpuMachine('a4-highgpu-8g')).toMatchObject({ accelerator: 'nvidia-b200', gpus: 8, localSsdCount: 32 });
    expect(gpuMachine('constructor')).toBeUndefined();
  });

  test('every machine names a known accelerator; the A3 High sizes are Spot or flex-start only below 8 GPUs', () => {
    for (const machine of Object.values(GPU_MACHINES)) expect(Object.keys(ACCELERATORS)).toContain(machine.accelerator);
    expect(Object.values(A3_MACHINE_TYPES).map((name) => [name, gpuMachine(name)?.sold.includes('on-demand')])).toEqual([
      ['a3-highgpu-1g', false],
      ['a3-highgpu-2g', false],
      ['a3-highgpu-4g', false],
      ['a3-highgpu-8g', true],
    ]);
  });

  test('reads the parameter count from a model id, or nothing', () => {
    expect(modelBillions('meta-llama/Llama-3.1-8B-Instruct')).toBe(8);
    expect(modelBillions('Qwen/Qwen2.5-0.5B-Instruct')).toBe(0.5);
    expect(modelBillions('meta-llama/Llama-3.3-70B-Instruct')).toBe(70);
    expect(modelBillions('mistralai/Mixtral-8x7B-Instruct-v0.1')).toBe(56);
    expect(modelBillions('google/gemma-3-27b-it')).toBe(27);
    expect(modelBillions('some-org/no-size-here')).toBeUndefined();
  });
});

describe('the acceptance specs', () => {
  test.each([
    ['L4', L4_SPEC, 'g2-standard-24', 'nvidia-l4', 2],
    ['H200', H200_SPEC, 'a3-ultragpu-8g', 'nvidia-h200-141gb', 8],
  ])('%s resolves and its model server selects that accelerator', (_name, document, machineType, accelerator, count) => {
    expect(specProblems(document)).toEqual([]);
    const spec = resolveSpec(document, 'spec.yaml');
    expect(spec.cluster.gpuPool).toMatchObject({ machineType, accelerator, acceleratorCount: count });
    const deployment = findObject(synthApp(spec), 'Deployment', POOL);
    expect(deployment.spec.template.spec.nodeSelector).toEqual({ [GKE_ACCELERATOR_LABEL]: accelerator });
  });

  test('a machine type written alone brings its accelerator and its cited zones', () => {
    const spec = resolveSpec({ cluster: { gpuPool: { machineType: 'a3-ultragpu-8g', acceleratorCount: 8 } }, pools: [{ name: POOL, modelServer: { accelerator: 'nvidia-h200-141gb' } }] }, 'spec.yaml');
    expect(spec.cluster.gpuPool).toMatchObject({ accelerator: 'nvidia-h200-141gb', nodeLocations: ['us-central1-b'] });
  });

  test('the default spec keeps a3-highgpu-1g with one H100 in the A3 High zones', () => {
    const spec = resolveSpec({}, 'spec.yaml');
    expect(spec.cluster.gpuPool).toMatchObject({ machineType: 'a3-highgpu-1g', accelerator: 'nvidia-h100-80gb', acceleratorCount: 1, provisioning: 'spot', nodeLocations: ['us-central1-a', 'us-central1-b', 'us-central1-c'] });
  });
});

describe('wrong combinations', () => {
  test('are all reported at once, each with its field path and what is allowed', () => {
    const errors = specProblems({
      cluster: { gpuPool: { machineType: 'a4-highgpu-8g', accelerator: 'nvidia-l4', acceleratorCount: 4, provisioning: 'on-demand' } },
    });
    expect(errors).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^cluster\.gpuPool\.accelerator: must be nvidia-b200, the GPU of machineType a4-highgpu-8g \(machine types with nvidia-l4: g2-standard-4, .*g2-standard-96\), got nvidia-l4$/),
        'cluster.gpuPool.acceleratorCount: must be 8, the GPUs of one a4-highgpu-8g node, got 4',
        expect.stringMatching(/^cluster\.gpuPool\.provisioning: must be spot or flex-start for a4-highgpu-8g .*got on-demand$/),
      ]),
    );
  });

  test('a machine type outside A3 High takes the cited zones of its own series, never the A3 High ones', () => {
    // europe-west4: A3 High in -b and -c, G2 in -a, -b and -c (spec/regions.ts).
    const document = { cluster: { region: 'europe-west4', gpuPool: { machineType: 'g2-standard-24', acceleratorCount: 2 } }, pools: [{ name: POOL, modelServer: { accelerator: 'nvidia-l4', gpus: 2, tensorParallelSize: 2 } }] };
    expect(specProblems(document)).toEqual([]);
    expect(resolveSpec(document, 'spec.yaml').cluster.gpuPool.nodeLocations).toEqual(['europe-west4-a', 'europe-west4-b', 'europe-west4-c']);
  });

  test('a region without cited zones for the machine type names the regions that offer it', () => {
    const document = { ...H200_SPEC, cluster: { ...H200_SPEC.cluster, region: 'us-west4' } };
    expect(specProblems(document)).toEqual([expect.stringMatching(/^cluster\.region: has no known zones offering a3-ultragpu-8g \(nvidia-h200-141gb\); use one of asia-south1, .*us-central1, .*us-west1, or set cluster\.gpuPool\.nodeLocations to zones of us-west4/)]);
  });

  test('an unknown machine type names the allowed ones', () => {
    expect(specProblems({ cluster: { gpuPool: { machineType: 'a3-ultragpu-4g' } } })).toEqual([expect.stringMatching(/^cluster\.gpuPool\.machineType: must be one of g2-standard-4, .*a3-ultragpu-8g, a4-highgpu-8g; got "a3-ultragpu-4g"$/)]);
  });

  test('a model server whose accelerator is not the pool one selects no node', () => {
    const document = { ...L4_SPEC, pools: [{ name: POOL, modelServer: { gpus: 2, tensorParallelSize: 2 } }] };
    expect(specProblems(document)).toEqual([`pools[0].modelServer.accelerator: must be cluster.gpuPool.accelerator (nvidia-l4) or the pods select no node, got nvidia-h100-80gb`]);
  });

  test('a pod asking for more GPUs than one L4 node has', () => {
    const document = { ...L4_SPEC, pools: [{ name: POOL, modelServer: { accelerator: 'nvidia-l4', gpus: 4, tensorParallelSize: 4 } }] };
    expect(specProblems(document)).toContain('pools[0].modelServer.gpus: must be <= cluster.gpuPool.acceleratorCount (2), the GPUs of one node, got 4');
  });
});

describe('GPUs per pod and tensor parallelism agree', () => {
  const withServer = (modelServer: Record<string, unknown>) => ({ ...L4_SPEC, pools: [{ name: POOL, modelServer: { accelerator: 'nvidia-l4', ...modelServer } }] });

  test('a pod with GPUs vLLM would not use is refused', () => {
    expect(specProblems(withServer({ gpus: 2, tensorParallelSize: 1, extraArgs: ['--max-model-len', '8192'] }))).toEqual([
      'pools[0].modelServer.gpus: must be tensorParallelSize (1) = 1: vLLM uses that many GPUs and the others would sit idle; raise tensorParallelSize or lower gpus, got 2',
    ]);
  });

  test('pipeline stages count', () => {
    expect(specProblems(withServer({ gpus: 2, tensorParallelSize: 1, extraArgs: ['--pipeline-parallel-size', '2', '--max-model-len', '8192'] }))).toEqual([]);
  });
});

describe('model size against GPU memory', () => {
  const onOneL4 = (modelServer: Record<string, unknown>, baseModel?: string) => ({
    cluster: { gpuPool: { machineType: 'g2-standard-8', acceleratorCount: 1, nodeLocations: ['us-central1-a'] } },
    pools: [{ name: POOL, modelServer: { accelerator: 'nvidia-l4', ...(baseModel ? { baseModel } : {}), ...modelServer } }],
  });

  test('an 8B model in bf16 on one L4 needs a short context (--max-model-len)', () => {
    expect(specProblems(onOneL4({}))).toEqual([expect.stringMatching(/^pools\[0\]\.modelServer\.extraArgs: must set --max-model-len: meta-llama\/Llama-3\.1-8B-Instruct takes about 16\.0 GB of vLLM's 21\.6 GB on each nvidia-l4/)]);
    expect(specProblems(onOneL4({ extraArgs: ['--max-model-len', '8192'] }))).toEqual([]);
    expect(specProblems(onOneL4({ extraArgs: ['--max-model-len=8192'] }))).toEqual([]);
  });

  test('split over the two L4s of g2-standard-24 it needs no flag', () => {
    expect(specProblems(L4_SPEC)).toEqual([]);
  });

  test('a 70B model does not fit one H100 and names the GPUs it needs', () => {
    const document = { pools: [{ name: POOL, modelServer: { baseModel: 'meta-llama/Llama-3.3-70B-Instruct' } }] };
    expect(specProblems(document)).toContainEqual(expect.stringMatching(/^pools\[0\]\.modelServer\.tensorParallelSize: meta-llama\/Llama-3\.3-70B-Instruct is about 140 GB in bf16, 140\.0 GB per GPU, .*at least 2 GPUs/));
  });

  test('a quantized model is not judged by its bf16 size', () => {
    expect(specProblems(onOneL4({ extraArgs: ['--quantization', 'fp8'] }))).toEqual([]);
  });
});
