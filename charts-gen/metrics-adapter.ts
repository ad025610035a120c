import { ApiObject } from 'cdk8s';
import { Construct } from 'constructs';
import { k8s } from 'cdk8s-plus-30';
import { METRICS_ADAPTER, METRICS_ADAPTER_API_SERVICES, metricsAdapterNames } from '../spec';
import { applyAfter } from './apply-order';
import { NEVER_PRUNE_ANNOTATIONS } from './gitops-bundle';
import { containerSecurity, RUNTIME_DEFAULT_SECCOMP } from './security';
import { RBAC_API_GROUP } from './well-known';

/**
 * The Custom Metrics Stackdriver Adapter: it serves the custom and external metrics APIs from Cloud
 * Monitoring, where Managed Prometheus stores what it scrapes, so an HPA can scale on a vLLM gauge.
 *
 * The objects of the upstream production manifest (k8s-stackdriver,
 * custom-metrics-stackdriver-adapter/deploy/production/adapter_new_resource_model.yaml), written natively:
 * its namespace and ServiceAccount, the delegated-authentication grants every aggregated API server needs,
 * read access to pods and nodes, the Deployment and Service, the APIServices of custom.metrics.k8s.io
 * (v1beta1, v1beta2) and external.metrics.k8s.io, and the HPA controller's read access to external metrics.
 * What differs from upstream, and why:
 * - the image is pinned by tag and pulled IfNotPresent (upstream pulls Always);
 * - no toleration of the GPU taint: on a GPU node the adapter would keep that node from scaling down;
 * - the container drops every capability but NET_BIND_SERVICE (it serves on 443), cannot escalate, and
 *   runs under the default seccomp profile.
 * Its ServiceAccount reads Cloud Monitoring through Workload Identity: `pulumi up` grants it
 * `roles/monitoring.viewer`; GitOps users grant it once (docs/gitops.md).
 */
export class MetricsAdapter extends Construct {
  constructor(scope: Construct, id: string) {
    super(scope, id);
    const { namespace, serviceAccount: accountName, image } = METRICS_ADAPTER;
    const labels = { 'k8s-app': accountName };

    const ns = new k8s.KubeNamespace(this, 'Namespace', { metadata: { name: namespace } });
    const serviceAccount = new k8s.KubeServiceAccount(this, 'ServiceAccount', { metadata: { name: accountName, namespace } });
    applyAfter(serviceAccount, ns);
    const subject = { kind: 'ServiceAccount', name: accountName, namespace };
    const names = metricsAdapterNames(namespace);

    new k8s.KubeClusterRoleBinding(this, 'AuthDelegator', {
      metadata: { name: names.authDelegator },
      roleRef: { apiGroup: RBAC_API_GROUP, kind: 'ClusterRole', name: 'system:auth-delegator' },
      subjects: [subject],
    });
    new k8s.KubeRoleBinding(this, 'AuthReader', {
      metadata: { name: names.authReader, namespace: 'kube-system' },
      roleRef: { apiGroup: RBAC_API_GROUP, kind: 'Role', name: 'extension-apiserver-authentication-reader' },
      subjects: [subject],
    });
    const resourceReader = new k8s.KubeClusterRole(this, 'ResourceReader', {
      metadata: { name: names.resourceReader },
      rules: [{ apiGroups: [''], resources: ['pods', 'nodes', 'nodes/stats'], verbs: ['get', 'list', 'watch'] }],
    });
    new k8s.KubeClusterRoleBinding(this, 'ResourceReaderBinding', {
      metadata: { name: names.resourceReader },
      roleRef: { apiGroup: RBAC_API_GROUP, kind: 'ClusterRole', name: resourceReader.name },
      subjects: [subject],
    });

    const deployment = new k8s.KubeDeployment(this, 'Deployment', {
      metadata: { name: accountName, namespace, labels },
      spec: {
        replicas: 1,
        selector: { matchLabels: labels },
        template: {
          metadata: { labels },
          spec: {
            serviceAccountName: accountName,
            securityContext: RUNTIME_DEFAULT_SECCOMP,
            containers: [
              {
                name: 'adapter',
                image,
                imagePullPolicy: 'IfNotPresent',
                command: ['/adapter', '--use-new-resource-model=true', '--fallback-for-container-metrics=true'],
                resources: {
                  requests: { cpu: k8s.Quantity.fromString('250m'), memory: k8s.Quantity.fromString('200Mi') },
                  limits: { cpu: k8s.Quantity.fromString('250m'), memory: k8s.Quantity.fromString('200Mi') },
                },
                ports: [{ containerPort: METRICS_ADAPTER.port, name: 'https', protocol: 'TCP' }],
                readinessProbe: {
                  httpGet: { path: '/healthz', port: k8s.IntOrString.fromNumber(METRICS_ADAPTER.port), scheme: 'HTTPS' },
                  initialDelaySeconds: 40,
                  periodSeconds: 10,
                  timeoutSeconds: 5,
                },
                securityContext: { ...containerSecurity(), capabilities: { drop: ['ALL'], add: ['NET_BIND_SERVICE'] } },
              },
            ],
          },
        },
      },
    });
    applyAfter(deployment, serviceAccount);

    const service = new k8s.KubeService(this, 'Service', {
      metadata: { name: accountName, namespace, labels },
      spec: {
        type: 'ClusterIP',
        selector: labels,
        ports: [{ port: METRICS_ADAPTER.port, targetPort: k8s.IntOrString.fromNumber(METRICS_ADAPTER.port), protocol: 'TCP' }],
      },
    });

    for (const [group, version, versionPriority] of METRICS_ADAPTER_API_SERVICES) {
      new k8s.KubeApiService(this, `ApiService-${group}-${version}`, {
        metadata: { name: names.apiService(group, version) },
        spec: {
          group,
          version,
          // As upstream: the aggregator does not verify the adapter's self-signed serving certificate.
          insecureSkipTlsVerify: true,
          groupPriorityMinimum: 100,
          versionPriority,
          service: { name: service.name, namespace },
        },
      });
    }

    const externalReader = new k8s.KubeClusterRole(this, 'ExternalMetricsReader', {
      metadata: { name: names.externalMetricsReader },
      rules: [{ apiGroups: ['external.metrics.k8s.io'], resources: ['*'], verbs: ['list', 'get', 'watch'] }],
    });
    new k8s.KubeClusterRoleBinding(this, 'ExternalMetricsReaderBinding', {
      metadata: { name: names.externalMetricsReader },
      roleRef: { apiGroup: RBAC_API_GROUP, kind: 'ClusterRole', name: externalReader.name },
      subjects: [{ kind: 'ServiceAccount', name: 'horizontal-pod-autoscaler', namespace: 'kube-system' }],
    });

    // Every object here has a fixed name and serves the whole cluster: every HPA on external metrics reads
    // through it, whichever deployment installed it. Argo CD and Flux must not delete it when one
    // deployment goes away or stops autoscaling, as they would delete a pool's own objects.
    for (const object of this.node.findAll()) {
      if (object instanceof ApiObject) for (const [key, value] of Object.entries(NEVER_PRUNE_ANNOTATIONS)) object.metadata.addAnnotation(key, value);
    }
  }
}
