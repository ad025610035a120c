/**
 * Which input changes make a provider replace a resource instead of updating it, per resource type, so
 * the offline plan can say "replace" where `pulumi up` would. Paths use Pulumi's input names, dot
 * separated, list elements without indices (`nodeConfig.guestAccelerators.count`); a change anywhere
 * under a listed path replaces.
 *
 * Google Cloud entries: the `ForceNew: true` fields (and `customdiff.ForceNewIfChange`) of the Terraform
 * provider that pulumi-gcp bridges, terraform-provider-google-beta v7.45.0 (the `upstream` submodule of
 * pulumi-gcp v9.35.0, the newest tag in the snapshot read; see docs/plan.md for the pin and refreshing).
 * test/plan/force-new-table.test.ts holds these lists equal to plan/provider-schema/force-new.fixture.json,
 * which plan/provider-schema/derive-force-new.mjs derives from the provider's Go source. A TypeList block
 * marked ForceNew replaces only when the block appears or disappears (SDKv2 applies it to the count), so
 * such blocks are listed only where every field under them is ForceNew too. machineType, diskSizeGb,
 * labels, taints and the like are not ForceNew: they update in place (see google-cloud-rules.ts for what
 * such an update does to the nodes). Kubernetes entries:
 * pulumi-kubernetes provider/pkg/provider/diff.go (`forceNew`, `metadataForceNewProperties`) and
 * provider.go (`Diff`).
 */

export interface ForceNewRule {
  /** Input paths whose change replaces the resource. */
  readonly paths: readonly string[];
  /**
   * Paths that replace only under a condition, with the condition; for example a subnet's primary range
   * may grow in place but not shrink.
   */
  readonly conditional?: readonly { readonly path: string; readonly replaces: (before: unknown, after: unknown) => boolean; readonly why: string }[];
  /** Where the list comes from. */
  readonly source: string;
}

const TPG = 'terraform-provider-google-beta v7.45.0';

/** IPv4 CIDR as [first, last] address, or undefined. */
function cidrBounds(value: unknown): [number, number] | undefined {
  const match = typeof value === 'string' ? /^(\d+)\.(\d+)\.(\d+)\.(\d+)\/(\d+)$/.exec(value) : null;
  if (!match) return undefined;
  const address = match.slice(1, 5).reduce((acc, octet) => acc * 256 + Number(octet), 0);
  const size = 2 ** (32 - Number(match[5]));
  const start = address - (address % size);
  return [start, start + size - 1];
}

export const GCP_FORCE_NEW: Readonly<Record<string, ForceNewRule>> = {
  'gcp:projects/service:Service': {
    paths: ['project', 'service'],
    source: `${TPG} google-beta/services/resourcemanager/resource_google_project_service.go`,
  },
  'gcp:serviceaccount/account:Account': {
    paths: ['project', 'accountId'],
    source: `${TPG} google-beta/services/resourcemanager/resource_google_service_account.go`,
  },
  'gcp:projects/iAMMember:IAMMember': {
    paths: ['project', 'role', 'member', 'condition'],
    source: `${TPG} google-beta/tpgiamresource/resource_iam_member.go, google-beta/services/resourcemanager/iam_project.go`,
  },
  'gcp:compute/subnetworkIAMMember:SubnetworkIAMMember': {
    paths: ['project', 'region', 'subnetwork', 'role', 'member', 'condition'],
    source: `${TPG} google-beta/tpgiamresource/resource_iam_member.go, google-beta/services/compute/iam_compute_subnetwork.go`,
  },
  'gcp:artifactregistry/repository:Repository': {
    // Another upstream is another repository; the upstream's credentials and validation update in place.
    paths: [
      'project', 'location', 'repositoryId', 'format', 'mode', 'kmsKeyName', 'mavenConfig',
      'remoteRepositoryConfig.description', 'remoteRepositoryConfig.dockerRepository', 'remoteRepositoryConfig.aptRepository',
      'remoteRepositoryConfig.commonRepository', 'remoteRepositoryConfig.mavenRepository', 'remoteRepositoryConfig.noCache',
      'remoteRepositoryConfig.npmRepository', 'remoteRepositoryConfig.pythonRepository', 'remoteRepositoryConfig.yumRepository',
    ],
    source: `${TPG} google-beta/services/artifactregistry/resource_artifact_registry_repository.go`,
  },
  'gcp:storage/bucket:Bucket': {
    paths: ['project', 'name', 'location', 'enableObjectRetention', 'customPlacementConfig', 'hierarchicalNamespace'],
    conditional: [
      {
        path: 'retentionPolicy.isLocked',
        // CustomizeDiff: customdiff.ForceNewIfChange("retention_policy.0.is_locked", isPolicyLocked): a
        // locked retention policy cannot be unlocked; only a new bucket drops it.
        replaces: (before, after) => before === true && after !== true,
        why: 'a locked retention policy cannot be unlocked',
      },
    ],
    source: `${TPG} google-beta/services/storage/resource_storage_bucket.go`,
  },
  'gcp:storage/bucketIAMMember:BucketIAMMember': {
    paths: ['bucket', 'role', 'member', 'condition'],
    source: `${TPG} google-beta/tpgiamresource/resource_iam_member.go, google-beta/services/storage/iam_storage_bucket.go`,
  },
  // The secure Gateway's resources (infra/gateway-security.ts).
  'gcp:certificatemanager/dnsAuthorization:DnsAuthorization': {
    paths: ['domain', 'name', 'location', 'type', 'project'],
    source: `${TPG} google-beta/services/certificatemanager/resource_certificate_manager_dns_authorization.go`,
  },
  'gcp:certificatemanager/certificate:Certificate': {
    // Update patches only description and labels: new domains are a new certificate.
    paths: ['name', 'location', 'managed', 'scope', 'project'],
    source: `${TPG} google-beta/services/certificatemanager/resource_certificate_manager_certificate.go`,
  },
  'gcp:compute/regionSecurityPolicy:RegionSecurityPolicy': {
    // Rules change in place.
    paths: ['name', 'region', 'type', 'project'],
    source: `${TPG} google-beta/services/compute/resource_compute_region_security_policy.go`,
  },
  'gcp:modelarmor/template:Template': {
    paths: ['location', 'templateId', 'project'],
    source: `${TPG} google-beta/services/modelarmor/resource_model_armor_template.go`,
  },
  'gcp:compute/network:Network': {
    paths: ['project', 'name', 'autoCreateSubnetworks', 'description', 'internalIpv6Range', 'networkProfile', 'params'],
    source: `${TPG} google-beta/services/compute/resource_compute_network.go`,
  },
  'gcp:compute/subnetwork:Subnetwork': {
    paths: ['project', 'name', 'network', 'region', 'description', 'externalIpv6Prefix', 'internalIpv6Prefix', 'params', 'reservedInternalRange', 'resolveSubnetMask'],
    conditional: [
      {
        path: 'ipCidrRange',
        // CustomizeDiff: customdiff.ForceNewIfChange("ip_cidr_range", IsShrinkageIpCidr): a range can be
        // expanded in place; any other change recreates the subnet.
        replaces: (before, after) => {
          const [old, next] = [cidrBounds(before), cidrBounds(after)];
          return old === undefined || next === undefined || !(next[0] <= old[0] && old[1] <= next[1]);
        },
        why: 'the primary range can only grow in place',
      },
    ],
    source: `${TPG} google-beta/services/compute/resource_compute_subnetwork.go`,
  },
  'gcp:container/cluster:Cluster': {
    paths: [
      'project', 'name', 'location', 'network', 'subnetwork', 'networkingMode', 'initialNodeCount',
      'clusterIpv4Cidr', 'description', 'enableKubernetesAlpha', 'enableTpu', 'enableAutopilot',
      'confidentialNodes', 'defaultMaxPodsPerNode', 'datapathProvider', 'dataplaneOptimizationMode',
      'tpuConfig', 'clusterAutoscaling.autoProvisioningDefaults.bootDiskKmsKey',
      'ipAllocationPolicy.clusterIpv4CidrBlock', 'ipAllocationPolicy.servicesIpv4CidrBlock',
      'ipAllocationPolicy.clusterSecondaryRangeName', 'ipAllocationPolicy.servicesSecondaryRangeName',
      'privateClusterConfig.masterIpv4CidrBlock', 'privateClusterConfig.privateEndpointSubnetwork',
      'masterAuth', 'nodeConfig.guestAccelerators', 'nodeConfig.localSsdCount',
      'nodeConfig.ephemeralStorageConfig', 'nodeConfig.ephemeralStorageLocalSsdConfig',
      'nodeConfig.localNvmeSsdBlockConfig', 'nodeConfig.secondaryBootDisks', 'nodeConfig.metadata',
      'nodeConfig.minCpuPlatform', 'nodeConfig.oauthScopes', 'nodeConfig.preemptible',
      'nodeConfig.reservationAffinity', 'nodeConfig.spot', 'nodeConfig.serviceAccount',
      'nodeConfig.shieldedInstanceConfig', 'nodeConfig.bootDiskKmsKey', 'nodeConfig.nodeGroup',
      'nodeConfig.advancedMachineFeatures.threadsPerCore',
      'nodeConfig.advancedMachineFeatures.enableNestedVirtualization',
      'nodeConfig.soleTenantConfig.nodeAffinities', 'nodeConfig.hostMaintenancePolicy',
      'nodeConfig.confidentialNodes.confidentialInstanceType', 'nodeConfig.enableConfidentialStorage',
      'nodeConfig.localSsdEncryptionMode', 'nodeConfig.maxRunDuration', 'nodeConfig.flexStart',
      'nodePools.placementPolicy.policyName', 'nodePools.queuedProvisioning', 'nodePools.maxPodsPerNode',
      'nodePools.initialNodeCount', 'nodePools.name', 'nodePools.namePrefix',
      'nodePools.nodeConfig.guestAccelerators', 'nodePools.nodeConfig.localSsdCount',
      'nodePools.nodeConfig.ephemeralStorageConfig', 'nodePools.nodeConfig.ephemeralStorageLocalSsdConfig',
      'nodePools.nodeConfig.localNvmeSsdBlockConfig', 'nodePools.nodeConfig.secondaryBootDisks',
      'nodePools.nodeConfig.metadata', 'nodePools.nodeConfig.minCpuPlatform',
      'nodePools.nodeConfig.oauthScopes', 'nodePools.nodeConfig.preemptible',
      'nodePools.nodeConfig.reservationAffinity', 'nodePools.nodeConfig.spot',
      'nodePools.nodeConfig.serviceAccount', 'nodePools.nodeConfig.shieldedInstanceConfig',
      'nodePools.nodeConfig.bootDiskKmsKey', 'nodePools.nodeConfig.nodeGroup',
      'nodePools.nodeConfig.advancedMachineFeatures.threadsPerCore',
      'nodePools.nodeConfig.advancedMachineFeatures.enableNestedVirtualization',
      'nodePools.nodeConfig.soleTenantConfig.nodeAffinities', 'nodePools.nodeConfig.hostMaintenancePolicy',
      'nodePools.nodeConfig.confidentialNodes.confidentialInstanceType',
      'nodePools.nodeConfig.enableConfidentialStorage', 'nodePools.nodeConfig.localSsdEncryptionMode',
      'nodePools.nodeConfig.maxRunDuration', 'nodePools.nodeConfig.flexStart',
      'nodePools.networkConfig.acceleratorNetworkProfile', 'nodePools.networkConfig.createPodRange',
      'nodePools.networkConfig.podRange', 'nodePools.networkConfig.podIpv4CidrBlock',
      'nodePools.networkConfig.additionalNodeNetworkConfigs',
      'nodePools.networkConfig.additionalPodNetworkConfigs', 'nodePools.networkConfig.subnetwork',
      'userManagedKeysConfig.clusterCa', 'userManagedKeysConfig.etcdApiCa',
      'userManagedKeysConfig.etcdPeerCa', 'userManagedKeysConfig.aggregationCa',
    ],
    conditional: [
      // CustomizeDiff: customdiff.ForceNewIfChange(<field>, isBeenEnabled): switching either off again
      // recreates the cluster; switching it on is an update.
      ...['enableL4IlbSubsetting', 'enableFqdnNetworkPolicy'].map((path) => ({
        path,
        replaces: (before: unknown, after: unknown) => before === true && after !== true,
        why: 'it cannot be switched off in place',
      })),
    ],
    source: `${TPG} google-beta/services/container/resource_container_cluster.go`,
  },
  'gcp:container/nodePool:NodePool': {
    paths: [
      'project', 'cluster', 'location', 'name', 'namePrefix', 'initialNodeCount', 'maxPodsPerNode',
      'queuedProvisioning', 'networkConfig.acceleratorNetworkProfile', 'networkConfig.createPodRange',
      'networkConfig.podRange', 'networkConfig.podIpv4CidrBlock',
      'networkConfig.additionalNodeNetworkConfigs', 'networkConfig.additionalPodNetworkConfigs',
      'networkConfig.subnetwork', 'nodeConfig.guestAccelerators', 'nodeConfig.localSsdCount',
      'nodeConfig.ephemeralStorageLocalSsdConfig', 'nodeConfig.ephemeralStorageConfig',
      'nodeConfig.localNvmeSsdBlockConfig', 'nodeConfig.secondaryBootDisks', 'nodeConfig.metadata',
      'nodeConfig.minCpuPlatform', 'nodeConfig.oauthScopes', 'nodeConfig.preemptible',
      'nodeConfig.reservationAffinity', 'nodeConfig.spot', 'nodeConfig.serviceAccount',
      'nodeConfig.shieldedInstanceConfig', 'nodeConfig.bootDiskKmsKey', 'nodeConfig.nodeGroup',
      'nodeConfig.hostMaintenancePolicy', 'nodeConfig.confidentialNodes.confidentialInstanceType',
      'nodeConfig.enableConfidentialStorage', 'nodeConfig.localSsdEncryptionMode',
      'nodeConfig.maxRunDuration', 'nodeConfig.flexStart', 'placementPolicy.policyName',
      'nodeConfig.advancedMachineFeatures.threadsPerCore',
      'nodeConfig.advancedMachineFeatures.enableNestedVirtualization',
      'nodeConfig.soleTenantConfig.nodeAffinities',
    ],
    source: `${TPG} google-beta/services/container/resource_container_node_pool.go and node_config.go`,
  },
};

/**
 * Types for which pulumi-gcp itself asks for delete-before-replace on every replacement
 * (`DeleteBeforeReplace: true` in pulumi-gcp provider/resources.go; research-gcp.md §1c).
 */
export const GCP_DELETE_BEFORE_REPLACE: ReadonlySet<string> = new Set(['gcp:projects/iAMMember:IAMMember']);

const K8S = 'pulumi-kubernetes provider/pkg/provider/diff.go';
const LABEL_SELECTOR = ['spec.selector'];
const CONTAINER_FIELDS = ['args', 'command', 'env', 'image', 'imagePullPolicy', 'lifecycle', 'livenessProbe', 'ports', 'readinessProbe', 'resources', 'securityContext', 'stdin', 'stdinOnce', 'terminationMessagePath', 'terminationMessagePolicy', 'tty', 'volumeDevices', 'volumeMounts', 'workingDir'];

/**
 * Kubernetes kinds (by `group/version/Kind`, core group '') whose further fields replace the object;
 * `metadata.name` and `metadata.namespace` replace every object.
 */
export const KUBERNETES_FORCE_NEW: Readonly<Record<string, readonly string[]>> = {
  'apps/v1/Deployment': LABEL_SELECTOR,
  'apps/v1/DaemonSet': LABEL_SELECTOR,
  'apps/v1/StatefulSet': [...LABEL_SELECTOR, 'spec.podManagementPolicy', 'spec.revisionHistoryLimit', 'spec.serviceName', 'spec.volumeClaimTemplates'],
  'batch/v1/Job': [...LABEL_SELECTOR, 'spec.completions', 'spec.parallelism', 'spec.template'],
  'policy/v1beta1/PodDisruptionBudget': ['spec'],
  'rbac.authorization.k8s.io/v1/RoleBinding': ['roleRef'],
  'rbac.authorization.k8s.io/v1/ClusterRoleBinding': ['roleRef'],
  '/v1/Service': ['spec.clusterIP'],
  '/v1/PersistentVolumeClaim': ['spec.accessModes', 'spec.selector', 'spec.storageClassName', 'spec.volumeName'],
  '/v1/Pod': [
    ...['affinity', 'automountServiceAccountToken', 'dnsConfig', 'dnsPolicy', 'enableServiceLinks', 'hostAliases', 'hostIPC', 'hostNetwork', 'hostPID', 'hostname', 'imagePullSecrets'].map((field) => `spec.${field}`),
    ...['nodeName', 'nodeSelector', 'overhead', 'preemptionPolicy', 'priority', 'priorityClassName', 'readinessGates', 'restartPolicy', 'runtimeClassName', 'schedulerName'].map((field) => `spec.${field}`),
    ...['securityContext', 'serviceAccount', 'serviceAccountName', 'shareProcessNamespace', 'subdomain', 'terminationGracePeriodSeconds', 'volumes'].map((field) => `spec.${field}`),
    ...CONTAINER_FIELDS.flatMap((field) => [`spec.containers.${field}`, `spec.initContainers.${field}`]),
  ],
  '/v1/ResourceQuota': ['spec.scopes'],
  'storage.k8s.io/v1/StorageClass': ['parameters', 'provisioner'],
};
export const KUBERNETES_FORCE_NEW_SOURCE = `${K8S} (forceNew) and provider.go (Diff: name and namespace; Secret and ConfigMap data unless the provider makes them mutable)`;

/** The provider settings that change what replaces a Kubernetes object. */
export interface KubernetesProviderSettings {
  /** `enableConfigMapMutable`: ConfigMap data is updated in place instead of replacing the ConfigMap. */
  readonly configMapMutable: boolean;
  /** `enableSecretMutable`: Secret data is updated in place instead of replacing the Secret. */
  readonly secretMutable: boolean;
}

/** The ForceNew paths of a Kubernetes object, following pulumi-kubernetes' `forceNewProperties`. */
export function kubernetesForceNew(apiVersion: string, kind: string, immutable: boolean, provider: KubernetesProviderSettings): string[] {
  const [group, version] = apiVersion.includes('/') ? apiVersion.split('/') : ['', apiVersion];
  const paths = ['metadata.name', 'metadata.namespace'];
  if (group === '' && kind === 'Secret') {
    paths.push('type');
    if (!provider.secretMutable || immutable) paths.push('stringData', 'data');
  } else if (group === '' && kind === 'ConfigMap') {
    if (!provider.configMapMutable || immutable) paths.push('data', 'binaryData');
  } else {
    paths.push(...(KUBERNETES_FORCE_NEW[`${group}/${version}/${kind}`] ?? []));
  }
  return paths;
}

/** True when `changed` is `path` or lies under it. */
export function isUnder(changed: string, path: string): boolean {
  return changed === path || changed.startsWith(`${path}.`);
}
