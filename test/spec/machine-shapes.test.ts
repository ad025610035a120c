/**
 * machineShape (spec/machines.ts): the vCPUs and memory the picker's fit check (spec/rules.ts) reads from
 * a machine type's name, per family, against the cited catalog rows; a family without a cited ratio gets
 * no shape, so no fit check, rather than a wrong one.
 */
import { fitsMachine, machineShape } from '../../spec/machines';

test.each([
  ['c3d-highcpu-8', 8, 16],
  ['c3d-highmem-16', 16, 128],
  ['c3-standard-4', 4, 16],
  ['c2d-standard-4', 4, 16],
  ['n2-highcpu-8', 8, 8],
  ['n1-standard-4', 4, 15],
  ['e2-standard-4', 4, 16],
  ['e2-medium', 2, 4],
])('%s has %d vCPUs and %d GiB', (machineType, cpus, memoryGiB) => {
  expect(machineShape(machineType)).toEqual({ cpus, memoryGiB });
});

test('families without a cited ratio, and names that are no machine type, have no shape', () => {
  for (const machineType of ['c4-standard-4', 'c4d-highcpu-8', 'c3-highcpu-4', 'n4-highmem-8', 'a3-highgpu-8g', 'x9-standard-4', 'constructor-standard-4']) expect(machineShape(machineType)).toBeUndefined();
  expect(fitsMachine('c4-standard-4', '64', '512Gi')).toBeUndefined();
});

test('a highcpu C3D node fits a 4 GiB picker, as its 8 GiB allow; an N2 highcpu node of 4 GiB does not', () => {
  expect(fitsMachine('c3d-highcpu-4', '1', '4Gi')?.fits).toBe(true);
  expect(fitsMachine('n2-highcpu-4', '1', '4Gi')?.fits).toBe(false);
});
