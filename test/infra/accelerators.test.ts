/**
 * Accelerators beyond H100 under the Pulumi mocks: the L4 and H200 specs produce a GPU node pool of
 * that machine type and accelerator, with the bundled local SSDs and the quota ids of that accelerator. The
 * mocks refuse a node pool whose accelerator, GPU count or local SSDs differ from the machine type's
 * (plan/mocks.ts, refuseMismatchedGpus), as GKE does.
 */
import { gpuQuotaNeeds } from '../../infra/quota';
import { resolveSpec } from '../../spec';
import { refuseMismatchedGpus } from '../../plan/mocks';
import { H200_SPEC, L4_SPEC } from '../spec/accelerator-specs';
import { GPU_POOL, NODE_POOL, gpuNodeConfig, one, plain, runSpec } from './harness';

describe('a GPU pool of another accelerator', () => {
  test('the L4 spec, no zones written, makes a g2-standard-24 pool with 2 L4s, no local SSD config, in the cited L4 zones of us-central1', async () => {
    const result = await runSpec(L4_SPEC);
    const config = gpuNodeConfig(result);
    expect(config).toMatchObject({ machineType: 'g2-standard-24', guestAccelerators: [{ type: 'nvidia-l4', count: 2 }], spot: true });
    expect(config.ephemeralStorageLocalSsdConfig).toBeUndefined();
    // spec/regions.ts, G2 in us-central1.
    expect(plain(one(result, NODE_POOL, GPU_POOL)).nodeLocations).toEqual(['us-central1-a', 'us-central1-b', 'us-central1-c']);
  });

  test('written zones reach the pool as written', async () => {
    const result = await runSpec({ ...L4_SPEC, cluster: { gpuPool: { ...L4_SPEC.cluster.gpuPool, nodeLocations: ['us-central1-c'] } } });
    expect(plain(one(result, NODE_POOL, GPU_POOL)).nodeLocations).toEqual(['us-central1-c']);
  });

  test('the H200 spec makes an a3-ultragpu-8g pool with 8 H200s and its 32 local SSDs, in the cited A3 Ultra zones of the region', async () => {
    const result = await runSpec(H200_SPEC);
    expect(gpuNodeConfig(result)).toMatchObject({
      machineType: 'a3-ultragpu-8g',
      guestAccelerators: [{ type: 'nvidia-h200-141gb', count: 8 }],
      ephemeralStorageLocalSsdConfig: { localSsdCount: 32 },
      spot: true,
    });
    expect(plain(one(result, NODE_POOL, GPU_POOL)).nodeLocations).toEqual(['us-central1-b']);
    const inEurope = await runSpec({ ...H200_SPEC, cluster: { ...H200_SPEC.cluster, region: 'europe-west4' } });
    expect(plain(one(inEurope, NODE_POOL, GPU_POOL)).nodeLocations).toEqual(['europe-west4-a']);
  });

  test('the quota check reads the quotas of that accelerator: preemptible, and the per-model on-demand one (L4)', () => {
    const l4 = resolveSpec(L4_SPEC, 'spec.yaml').cluster.gpuPool;
    expect(gpuQuotaNeeds(l4, 'us-central1')[0]).toEqual({ quotaId: 'PREEMPTIBLE-NVIDIA-L4-GPUS-per-project-region', dimensions: { region: 'us-central1' }, gpus: 8 });
    expect(gpuQuotaNeeds({ ...l4, provisioning: 'on-demand' }, 'us-central1')[0]).toEqual({ quotaId: 'NVIDIA-L4-GPUS-per-project-region', dimensions: { region: 'us-central1' }, gpus: 8 });
    const h200 = resolveSpec(H200_SPEC, 'spec.yaml').cluster.gpuPool;
    expect(gpuQuotaNeeds(h200, 'us-central1')[0]).toEqual({ quotaId: 'PREEMPTIBLE-NVIDIA-H200-GPUS-per-project-region', dimensions: { region: 'us-central1' }, gpus: 24 });
  });

  test('the mock refuses a pool whose accelerator, GPU count or local SSDs are not the machine type ones, as GKE does', () => {
    const pool = (nodeConfig: Record<string, unknown>) => () => refuseMismatchedGpus(NODE_POOL, 'pool', { nodeConfig });
    expect(pool({ machineType: 'g2-standard-24', guestAccelerators: [{ type: 'nvidia-h100-80gb', count: 2 }] })).toThrow('g2-standard-24 comes with 2 x nvidia-l4, got 2 x nvidia-h100-80gb');
    expect(pool({ machineType: 'a3-ultragpu-8g', guestAccelerators: [{ type: 'nvidia-h200-141gb', count: 4 }] })).toThrow('a3-ultragpu-8g comes with 8 x nvidia-h200-141gb, got 4 x nvidia-h200-141gb');
    expect(pool({ machineType: 'a3-ultragpu-8g', guestAccelerators: [{ type: 'nvidia-h200-141gb', count: 8 }], ephemeralStorageLocalSsdConfig: { localSsdCount: 16 } })).toThrow('bundles 32 local SSDs, got 16');
    expect(pool({ machineType: 'g2-standard-24', guestAccelerators: [{ type: 'nvidia-l4', count: 2 }] })).not.toThrow();
  });
});
