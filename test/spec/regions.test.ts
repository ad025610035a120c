/**
 * The GPU pool's zones follow `cluster.region` and the machine type (spec/regions.ts, one cited table per
 * machine series), and a region without known zones for the machine type is reported at the field the user
 * wrote, naming the regions that offer it.
 */
import { resolveSpec } from '../../spec';
import { GPU_MACHINES, machineRegions, machineZones } from '../../spec/machines';
import { SERIES_ZONES } from '../../spec/regions';
import { specProblems } from './helpers';

/**
 * A GPU pool of `machineType` (with its own GPU count) in `region`, zones not written, and one model pool
 * on that accelerator (a short context, so the guide's 8B model fits one L4).
 */
function gpuPoolIn(machineType: string, region?: string, nodeLocations?: string[]): unknown {
  const { accelerator, gpus } = GPU_MACHINES[machineType];
  return {
    cluster: { ...(region ? { region } : {}), gpuPool: { machineType, acceleratorCount: gpus, ...(nodeLocations ? { nodeLocations } : {}) } },
    pools: [{ name: 'llm', modelServer: { accelerator, extraArgs: ['--max-model-len', '8192'] } }],
  };
}

test('the default GPU zones are us-central1-a, -b and -c', () => {
  expect(resolveSpec({}).cluster.gpuPool.nodeLocations).toEqual(['us-central1-a', 'us-central1-b', 'us-central1-c']);
});

test('changing only cluster.region moves the default GPU zones to that region', () => {
  expect(resolveSpec({ cluster: { region: 'europe-west4' } }).cluster.gpuPool.nodeLocations).toEqual(['europe-west4-b', 'europe-west4-c']);
  expect(resolveSpec({ cluster: { region: 'us-east5' } }).cluster.gpuPool.nodeLocations).toEqual(['us-east5-a']);
});

test('region and acceleratorCount written together: zones of the region, machine type of the count', () => {
  const gpu = resolveSpec({ cluster: { region: 'us-east4', gpuPool: { acceleratorCount: 8 } } }).cluster.gpuPool;
  expect([gpu.machineType, gpu.nodeLocations]).toEqual(['a3-highgpu-8g', ['us-east4-a', 'us-east4-b', 'us-east4-c']]);
});

test('written nodeLocations win over the table', () => {
  expect(resolveSpec({ cluster: { region: 'europe-west4', gpuPool: { nodeLocations: ['europe-west4-c'] } } }).cluster.gpuPool.nodeLocations).toEqual(['europe-west4-c']);
  expect(resolveSpec(gpuPoolIn('g2-standard-24', undefined, ['us-central1-c'])).cluster.gpuPool.nodeLocations).toEqual(['us-central1-c']);
});

describe('every machine series takes the cited zones of its region', () => {
  test.each([
    ['g2-standard-24', 'us-central1', ['us-central1-a', 'us-central1-b', 'us-central1-c']],
    ['g2-standard-4', 'us-east1', ['us-east1-b', 'us-east1-c', 'us-east1-d']],
    ['a2-highgpu-8g', 'us-central1', ['us-central1-a', 'us-central1-b', 'us-central1-c', 'us-central1-f']],
    ['a2-megagpu-16g', 'asia-southeast1', ['asia-southeast1-a', 'asia-southeast1-c']],
    ['a2-ultragpu-1g', 'us-east5', ['us-east5-a', 'us-east5-b']],
    ['a3-highgpu-1g', 'us-west1', ['us-west1-a', 'us-west1-b']],
    ['a3-megagpu-8g', 'europe-west4', ['europe-west4-b', 'europe-west4-c']],
    ['a3-ultragpu-8g', 'us-central1', ['us-central1-b']],
    ['a3-ultragpu-8g', 'us-south1', ['us-south1-b']],
    ['a4-highgpu-8g', 'us-west3', ['us-west3-b', 'us-west3-c']],
  ])('%s in %s', (machineType, region, zones) => {
    expect(specProblems(gpuPoolIn(machineType, region))).toEqual([]);
    expect(resolveSpec(gpuPoolIn(machineType, region)).cluster.gpuPool.nodeLocations).toEqual(zones);
  });

  test('without cluster.region, the zones are those of the default region', () => {
    expect(resolveSpec(gpuPoolIn('a4-highgpu-8g')).cluster.gpuPool.nodeLocations).toEqual(['us-central1-b']);
  });

  test('a machine type written alone takes its own zones, not those of the A3 High default', () => {
    // A2 Standard offers us-central1-f, A3 High does not; A3 Ultra offers only us-central1-b.
    expect(resolveSpec(gpuPoolIn('a2-highgpu-1g', 'us-central1')).cluster.gpuPool.nodeLocations).toContain('us-central1-f');
    expect(resolveSpec(gpuPoolIn('a3-ultragpu-8g', 'us-central1')).cluster.gpuPool.nodeLocations).not.toContain('us-central1-a');
  });
});

test('a region the table does not know is reported at cluster.region, naming the known regions and nodeLocations, never at a field the user did not write', () => {
  const found = specProblems({ cluster: { region: 'southamerica-east1' } });
  expect(found).toHaveLength(1);
  expect(found[0]).toMatch(/^cluster\.region: has no known zones offering a3-highgpu-1g \(nvidia-h100-80gb\); use one of us-central1, us-east4, .*, or set cluster\.gpuPool\.nodeLocations to zones of southamerica-east1 that offer it, got southamerica-east1$/);
});

test('a region without the machine series names exactly the regions that offer that machine type', () => {
  // us-west4 offers L4 and H100 but not H200 (A3 Ultra).
  expect(specProblems(gpuPoolIn('a3-ultragpu-8g', 'us-west4'))).toEqual([
    'cluster.region: has no known zones offering a3-ultragpu-8g (nvidia-h200-141gb); use one of asia-south1, asia-south2, europe-west1, europe-west4, us-central1, us-east4, us-east5, us-south1, us-west1, ' +
      'or set cluster.gpuPool.nodeLocations to zones of us-west4 that offer it, got us-west4',
  ]);
  expect(specProblems(gpuPoolIn('a4-highgpu-8g', 'europe-west1'))[0]).toMatch(/^cluster\.region: has no known zones offering a4-highgpu-8g \(nvidia-b200\); use one of asia-northeast1, asia-southeast1, europe-north1, .*us-west3, or set/);
});

test('such a region works once nodeLocations is written', () => {
  expect(specProblems({ cluster: { region: 'southamerica-east1', gpuPool: { nodeLocations: ['southamerica-east1-a'] } } })).toEqual([]);
  expect(specProblems(gpuPoolIn('a3-ultragpu-8g', 'us-west4', ['us-west4-a']))).toEqual([]);
});

test('a region that lacks the 8-GPU machine is reported for acceleratorCount 8 only', () => {
  expect(specProblems({ cluster: { region: 'europe-west8' } })).toEqual([]);
  expect(specProblems({ cluster: { region: 'europe-west8', gpuPool: { acceleratorCount: 8 } } })[0]).toMatch(/^cluster\.region: has no known zones offering a3-highgpu-8g/);
  expect(machineRegions('a3-highgpu-1g')).toContain('europe-west8');
  expect(machineRegions('a3-highgpu-8g')).not.toContain('europe-west8');
});

test('every machine type names a series with zones, and every zone of the table belongs to its region', () => {
  for (const [machineType, machine] of Object.entries(GPU_MACHINES)) {
    expect(Object.keys(SERIES_ZONES)).toContain(machine.series);
    // The series key is the machine type without its size, so a mis-filed row shows here.
    expect(machineType.slice(0, machineType.lastIndexOf('-'))).toBe(machine.series);
    expect(machineRegions(machineType).length).toBeGreaterThan(0);
    for (const region of machineRegions(machineType)) {
      const zones = machineZones(machineType, region);
      expect(zones.length).toBeGreaterThan(0);
      for (const zone of zones) expect(zone).toMatch(new RegExp(`^${region}-[a-z]$`));
    }
  }
});

test('an unknown machine type or an inherited key has no zones', () => {
  expect(machineZones('n1-standard-8', 'us-central1')).toEqual([]);
  expect(machineZones('g2-standard-24', 'constructor')).toEqual([]);
  expect(machineRegions('constructor')).toEqual([]);
});
