/**
 * The ForceNew table (plan/force-new.ts) against the provider's own schema: the fixture that
 * plan/provider-schema/derive-force-new.mjs derived from terraform-provider-google-beta's Go source at the
 * version pulumi-gcp bridges. A field the provider replaces on but the table misses would make the plan
 * say "update" where pulumi up replaces; the reverse would make it cry "replace" for nothing.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { GCP_FORCE_NEW, type ForceNewRule } from '../../plan/force-new';

interface Fixture {
  readonly ref: string;
  readonly commit: string;
  readonly resources: Readonly<Record<string, { readonly forceNew: readonly string[]; readonly forceNewIfChange: readonly string[] }>>;
}

const fixture = JSON.parse(readFileSync(join(__dirname, '../../plan/provider-schema/force-new.fixture.json'), 'utf8')) as Fixture;

/** Every disagreement between the table and a fixture, one line each. */
function disagreements(table: Readonly<Record<string, ForceNewRule>>, provider: Fixture): string[] {
  const problems: string[] = [];
  for (const type of new Set([...Object.keys(table), ...Object.keys(provider.resources)])) {
    const rule = table[type];
    const schema = provider.resources[type];
    if (rule === undefined || schema === undefined) {
      problems.push(`${type}: only in the ${rule === undefined ? 'fixture' : 'table'}`);
      continue;
    }
    for (const path of rule.paths) if (!schema.forceNew.includes(path)) problems.push(`${type}: ${path} is in the table but not ForceNew in the provider`);
    for (const path of schema.forceNew) if (!rule.paths.includes(path)) problems.push(`${type}: ${path} is ForceNew in the provider but missing from the table`);
    const conditional = (rule.conditional ?? []).map((c) => c.path).sort();
    if (JSON.stringify(conditional) !== JSON.stringify([...schema.forceNewIfChange].sort())) {
      problems.push(`${type}: conditional replacements ${conditional.join(',')} differ from the provider's ForceNewIfChange ${schema.forceNewIfChange.join(',')}`);
    }
  }
  return problems;
}

test('the fixture is the provider version the table names, derived by the script', () => {
  expect(fixture.ref).toBe('v7.45.0');
  expect(fixture.commit).toMatch(/^[0-9a-f]{40}$/);
  for (const rule of Object.values(GCP_FORCE_NEW)) expect(rule.source).toContain('terraform-provider-google-beta v7.45.0');
});

test('the table lists exactly the fields the provider replaces on, for every resource type the program creates', () => {
  expect(disagreements(GCP_FORCE_NEW, fixture)).toEqual([]);
});

test('the node pool fields the plan relies on are ForceNew upstream, and machineType is not', () => {
  const pool = fixture.resources['gcp:container/nodePool:NodePool'].forceNew;
  expect(pool).toEqual(expect.arrayContaining(['nodeConfig.guestAccelerators', 'nodeConfig.spot', 'nodeConfig.flexStart', 'nodeConfig.maxRunDuration', 'nodeConfig.serviceAccount']));
  expect(pool).not.toContain('nodeConfig.machineType');
  expect(fixture.resources['gcp:compute/subnetwork:Subnetwork'].forceNew).not.toContain('secondaryIpRanges');
});

describe('the check fails when the fixture and the table disagree', () => {
  test.each(Object.keys(fixture.resources))('a field removed from the fixture for %s is reported', (type) => {
    const removed = fixture.resources[type].forceNew[0];
    const shrunk: Fixture = { ...fixture, resources: { ...fixture.resources, [type]: { ...fixture.resources[type], forceNew: fixture.resources[type].forceNew.slice(1) } } };
    expect(disagreements(GCP_FORCE_NEW, shrunk)).toEqual([`${type}: ${removed} is in the table but not ForceNew in the provider`]);
  });

  test('a ForceNew field the table misses is reported', () => {
    const grown: Fixture = { ...fixture, resources: { ...fixture.resources, 'gcp:container/nodePool:NodePool': { ...fixture.resources['gcp:container/nodePool:NodePool'], forceNew: [...fixture.resources['gcp:container/nodePool:NodePool'].forceNew, 'nodeConfig.machineType'] } } };
    expect(disagreements(GCP_FORCE_NEW, grown)).toEqual(['gcp:container/nodePool:NodePool: nodeConfig.machineType is ForceNew in the provider but missing from the table']);
  });
});
