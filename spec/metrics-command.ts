/**
 * `npm run metrics -- [spec-file]`: prints the metrics contract as JSON, for users' own dashboards and
 * GitOps-managed alert rules. Without a spec, every profile with its own vLLM; with one, each pool's
 * stacks with the vLLM that pool runs.
 */
import { parseCommandLine, UsageError, userPath } from './command-line';
import { poolStacks, vllmVersion } from './derived';
import { loadSpecFile, SpecError } from './load';
import { metricsContract, metricsContractTable, pickerExports, vllmExports } from './metrics';
import type { ExtensionVersion } from './versions';

const USAGE = [
  'usage: npm run metrics -- [spec-file]',
  '  prints the metric names the dashboard, alerts and endpoint pickers read, and what the running vLLM',
  '  and pickers export, as JSON; with a spec file, per pool of that deployment',
].join('\n');

export function main(args: readonly string[] = []): number {
  let specFile: string | undefined;
  try {
    const line = parseCommandLine(args, { positional: { max: 1, name: 'spec file' } });
    if (line.help) {
      process.stdout.write(`${USAGE}\n`);
      return 0;
    }
    specFile = line.positional[0] === undefined ? undefined : userPath(line.positional[0], process.env, 'metrics');
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    process.stderr.write(`metrics: ${error.message}\nrun npm run metrics -- --help for usage\n`);
    return 2;
  }
  if (specFile === undefined) {
    process.stdout.write(`${JSON.stringify(metricsContractTable(), null, 2)}\n`);
    return 0;
  }
  try {
    const spec = loadSpecFile(specFile);
    const pools = Object.fromEntries(
      spec.pools.map((pool) => {
        const version = vllmVersion(pool) as string;
        return [
          pool.name,
          {
            vllmVersion: version,
            stacks: poolStacks(spec, pool).map((stack) => ({ inferencePoolName: stack.inferencePoolName, ...metricsContract(stack.release.id as ExtensionVersion, version) })),
            exports: {
              modelServer: Object.fromEntries(vllmExports(version)),
              endpointPicker: Object.fromEntries(poolStacks(spec, pool).flatMap((stack) => [...pickerExports(stack.release.id as ExtensionVersion)])),
            },
          },
        ];
      }),
    );
    process.stdout.write(`${JSON.stringify({ cluster: spec.cluster.name, namespace: spec.namespace, pools }, null, 2)}\n`);
    return 0;
  } catch (error) {
    if (!(error instanceof SpecError)) throw error;
    process.stderr.write(`${error.message}\n`);
    return 1;
  }
}
