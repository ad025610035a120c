/**
 * `npm run plan`: runs the Pulumi program under mocks with the current spec (IGW_CONFIG, or the
 * defaults) and prints what `pulumi up` would create, with the settings worth reviewing. It needs no
 * credentials, no Pulumi CLI and no network; values only Google Cloud can assign are placeholders.
 */
import type * as pulumi from '@pulumi/pulumi';
import { SPEC_FILE_VARIABLE } from '../spec';
import { parseCommandLine, pathFromArgumentOrVariable, UsageError } from '../spec/command-line';
import { isSecretValue, unwrapSecrets, type RecordedResource } from './mocks';

/** The project the plan pretends to deploy to. */
export const PLAN_PROJECT = 'example-project';

type Inputs = Record<string, unknown>;
const get = (value: unknown, path: string): unknown =>
  path.split('.').reduce<unknown>((at, key) => (at !== null && typeof at === 'object' ? (at as Inputs)[key] : undefined), value);
const show = (pairs: readonly (readonly [string, unknown])[]): string =>
  pairs
    .filter(([, value]) => value !== undefined && value !== null && value !== '')
    .map(([key, value]) => `${key}=${typeof value === 'string' ? value : JSON.stringify(value)}`)
    .join(' ');
const lastSegment = (value: unknown): unknown => (typeof value === 'string' ? value.split('/').pop() : value);

/** The settings of one resource that a reviewer checks before `pulumi up`. */
export function summarize(resource: RecordedResource): string {
  const raw = resource.inputs;
  const inputs = unwrapSecrets(raw) as Inputs;
  switch (resource.type) {
    case 'gcp:projects/service:Service':
      return show([['project', inputs.project], ['service', inputs.service], ['disableOnDestroy', inputs.disableOnDestroy]]);
    case 'gcp:compute/network:Network':
      return show([['project', inputs.project], ['autoCreateSubnetworks', inputs.autoCreateSubnetworks]]);
    case 'gcp:compute/subnetwork:Subnetwork': {
      const ranges = (inputs.secondaryIpRanges as Inputs[] | undefined)?.map((range) => `${range.rangeName}=${range.ipCidrRange}`).join(',');
      return show([['project', inputs.project], ['region', inputs.region], ['cidr', inputs.ipCidrRange], ['purpose', inputs.purpose], ['role', inputs.role], ['secondary', ranges], ['privateIpGoogleAccess', inputs.privateIpGoogleAccess]]);
    }
    case 'gcp:compute/subnetworkIAMMember:SubnetworkIAMMember':
    case 'gcp:projects/iAMMember:IAMMember':
      return show([['project', inputs.project], ['subnetwork', inputs.subnetwork], ['role', inputs.role], ['member', inputs.member]]);
    case 'gcp:container/cluster:Cluster':
      return show([
        ['project', inputs.project],
        ['location', inputs.location],
        // Offline there is no channel to ask: the real run uses the channel's default when it is newer.
        ['version', `>=${String(inputs.minMasterVersion)} (channel default if newer)`],
        ['releaseChannel', get(inputs, 'releaseChannel.channel')],
        ['gatewayApi', get(inputs, 'gatewayApiConfig.channel')],
        ['httpLoadBalancing', get(inputs, 'addonsConfig.httpLoadBalancing.disabled') === false ? 'enabled' : 'disabled'],
        ['managedPrometheus', get(inputs, 'monitoringConfig.managedPrometheus.enabled')],
        ['network', lastSegment(inputs.network)],
        ['subnetwork', lastSegment(inputs.subnetwork)],
        ['deletionProtection', inputs.deletionProtection],
      ]);
    case 'gcp:container/nodePool:NodePool': {
      const accelerator = (get(inputs, 'nodeConfig.guestAccelerators') as Inputs[] | undefined)?.[0];
      return show([
        ['machineType', get(inputs, 'nodeConfig.machineType')],
        ['gpus', accelerator ? `${accelerator.count}x${accelerator.type} driver=${get(accelerator, 'gpuDriverInstallationConfig.gpuDriverVersion')}` : undefined],
        ['nodes', `${get(inputs, 'autoscaling.totalMinNodeCount')}..${get(inputs, 'autoscaling.totalMaxNodeCount')}`],
        ['spot', get(inputs, 'nodeConfig.spot')],
        ['flexStart', get(inputs, 'nodeConfig.flexStart')],
        ['maxRunDuration', get(inputs, 'nodeConfig.maxRunDuration')],
        ['localSsd', get(inputs, 'nodeConfig.ephemeralStorageLocalSsdConfig.localSsdCount')],
        ['zones', (inputs.nodeLocations as string[] | undefined)?.join(',')],
      ]);
    }
    case 'pulumi:providers:kubernetes':
      return show([['serverSideApply', inputs.enableServerSideApply], ['auth', 'gke-gcloud-auth-plugin']]);
    case 'kubernetes:yaml/v2:ConfigFile':
      return show([['file', inputs.file]]);
    case 'kubernetes:yaml/v2:ConfigGroup': {
      const objects = (inputs.objs as Inputs[] | undefined) ?? [];
      return `${objects.length} objects: ${objects.map((object) => `${object.kind}/${get(object, 'metadata.name')}`).join(', ')}`;
    }
    case 'kubernetes:core/v1:Secret':
      return show([['namespace', get(inputs, 'metadata.namespace')], ['stringData', isSecretValue(raw.stringData) ? '[secret]' : 'NOT SECRET']]);
    default:
      if (resource.readId !== undefined) return `read ${resource.readId} (status.addresses[0] after apply)`;
      return show([['namespace', get(inputs, 'metadata.namespace')]]);
  }
}

function table(rows: readonly (readonly string[])[]): string {
  const widths = rows[0].map((_, column) => Math.max(...rows.map((row) => row[column].length)));
  return rows.map((row) => row.map((cell, column) => (column === row.length - 1 ? cell : cell.padEnd(widths[column]))).join('  ')).join('\n');
}

export const USAGE = [
  'usage: npm run plan',
  '  shows what pulumi up would create for the spec in $IGW_CONFIG (or the defaults), under mocks',
  '  -h, --help  show this help',
  'Exit codes: 0 shown, 1 bad spec, 2 usage error.',
].join('\n');

export async function main(args: readonly string[] = []): Promise<number> {
  let specFile: string | undefined;
  try {
    if (parseCommandLine(args, { positional: { max: 0, name: 'argument' } }).help) {
      process.stdout.write(`${USAGE}\n`);
      return 0;
    }
    specFile = pathFromArgumentOrVariable(undefined, SPEC_FILE_VARIABLE, process.env, 'spec file');
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    process.stderr.write(`plan: ${error.message}\nrun npm run plan -- --help for usage\n`);
    return 2;
  }
  // Pulumi and the program are loaded only now (about a second), so a usage error answers at once.
  /* eslint-disable @typescript-eslint/no-require-imports */
  const { RunError } = require('@pulumi/pulumi') as typeof pulumi;
  const { CONFIG_NAMESPACE, HF_TOKEN_KEY, SPEC_FILE_KEY } = require('./config') as typeof import('./config');
  const { runWithMocks } = require('./program') as typeof import('./program');
  /* eslint-enable @typescript-eslint/no-require-imports */
  const config: Record<string, string> = {
    'gcp:project': PLAN_PROJECT,
    [`${CONFIG_NAMESPACE}:${HF_TOKEN_KEY}`]: 'hf_placeholder_for_plan',
    ...(specFile ? { [`${CONFIG_NAMESPACE}:${SPEC_FILE_KEY}`]: specFile } : {}),
  };
  let run;
  try {
    run = await runWithMocks({ config, secretKeys: [`${CONFIG_NAMESPACE}:${HF_TOKEN_KEY}`], gatewayAddress: '<gateway address>' });
  } catch (error) {
    if (error instanceof RunError) {
      process.stderr.write(`${error.message}\n`);
      return 1;
    }
    throw error;
  }
  const shown = run.resources.filter((resource) => !resource.type.startsWith('inference-gateway:'));
  const rows = [['TYPE', 'NAME', 'SETTINGS'], ...shown.map((resource) => [resource.readId === undefined ? resource.type : `${resource.type} (read)`, resource.name, summarize(resource)])];
  process.stdout.write(`pulumi up would create these resources in project ${PLAN_PROJECT} (spec: ${specFile ?? 'defaults'}):\n\n${table(rows)}\n\n`);
  const lookups = run.calls.map((call) => `  ${call.token.split(':').pop()} ${JSON.stringify(call.inputs)}`);
  if (lookups.length > 0) process.stdout.write(`Existing resources it reads:\n${lookups.join('\n')}\n\n`);
  process.stdout.write(`Outputs:\n  clusterName: ${run.exported.clusterName}\n  gatewayAddress: assigned by Google Cloud\n  curlCommand: ${run.exported.curlCommand}\n`);
  return 0;
}
