/**
 * One line of settings per resource, the ones a reviewer checks before `pulumi up` (npm run plan).
 */
import { isSecretValue, unwrapSecrets, type RecordedResource } from './mocks';

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
    case 'gcp:serviceaccount/account:Account':
      return show([['project', inputs.project], ['accountId', inputs.accountId]]);
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
        ['protect', resource.options.protect],
        ['ignoreChanges', resource.options.ignoreChanges.join(',')],
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
        ['name', inputs.name],
        ['taints', (get(inputs, 'nodeConfig.taints') as Inputs[] | undefined)?.map((t) => `${t.key}=${t.value}:${t.effect}`).join(',')],
        ['autoRepair', get(inputs, 'management.autoRepair')],
        ['upgrade', get(inputs, 'upgradeSettings') === undefined ? undefined : `maxSurge=${get(inputs, 'upgradeSettings.maxSurge')},maxUnavailable=${get(inputs, 'upgradeSettings.maxUnavailable')}`],
        ['serviceAccount', get(inputs, 'nodeConfig.serviceAccount')],
        ['deleteBeforeReplace', resource.options.deleteBeforeReplace],
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

export function table(rows: readonly (readonly string[])[]): string {
  const widths = rows[0].map((_, column) => Math.max(...rows.map((row) => row[column].length)));
  return rows.map((row) => row.map((cell, column) => (column === row.length - 1 ? cell : cell.padEnd(widths[column]))).join('  ')).join('\n');
}

