/**
 * The GPU pool's zones follow `cluster.region` (spec/regions.ts), and a region without known A3 High
 * zones is reported at the field the user wrote, with the way out.
 */
import { resolveSpec, SpecError } from '../../spec';
import { A3_HIGH_REGIONS, a3HighZones } from '../../spec/regions';

function problems(document: unknown): string[] {
  try {
    resolveSpec(document);
  } catch (error) {
    if (error instanceof SpecError) return error.issues.map((issue) => `${issue.path}: ${issue.message}`);
    throw error;
  }
  return [];
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
});

test('a region the table does not know is reported at cluster.region, naming the known regions and nodeLocations, never at a field the user did not write', () => {
  const found = problems({ cluster: { region: 'southamerica-east1' } });
  expect(found).toHaveLength(1);
  expect(found[0]).toMatch(/^cluster\.region: has no known zones offering a3-highgpu-1g \(nvidia-h100-80gb\); use one of us-central1, us-east4, .*, or set cluster\.gpuPool\.nodeLocations to zones of southamerica-east1 that offer it, got southamerica-east1$/);
});

test('such a region works once nodeLocations is written', () => {
  expect(problems({ cluster: { region: 'southamerica-east1', gpuPool: { nodeLocations: ['southamerica-east1-a'] } } })).toEqual([]);
});

test('a region that lacks the 8-GPU machine is reported for acceleratorCount 8 only', () => {
  expect(problems({ cluster: { region: 'europe-west8' } })).toEqual([]);
  expect(problems({ cluster: { region: 'europe-west8', gpuPool: { acceleratorCount: 8 } } })[0]).toMatch(/^cluster\.region: has no known zones offering a3-highgpu-8g/);
});

test('every zone of the table belongs to its region and every region has one', () => {
  for (const region of Object.keys(A3_HIGH_REGIONS)) {
    const zones = a3HighZones(region, 1);
    expect(zones.length).toBeGreaterThan(0);
    for (const zone of zones) expect(zone).toMatch(new RegExp(`^${region}-[a-z]$`));
  }
});
