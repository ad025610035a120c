/**
 * The objects the GA profile and body-based routing add, written by hand after the llm-d-router-gateway
 * v0.10.0 chart (provider gke, GMP monitoring) and the body-based-routing chart, until the synth emits them.
 * They sit beside the default synth output the way the v1alpha2-to-v1 migration runs both stacks: a v1
 * InferencePool selecting the same model server pods, and the route splitting traffic by weight.
 * Together with the default output they validate clean, so each test can break one thing.
 */
import type { SourcedObject } from '../../validate';
import { find, POOL, synthObjects } from './helpers';

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

export const GA_POOL = `${POOL}-ga`;
export const GA_EPP = `${GA_POOL}-epp`;
export const GA_FILE = 'ga.k8s.yaml';
export const BBR = 'body-based-router';
const NAMESPACE = 'default';
const EPP_LABELS = { 'llm-d-router-gateway': GA_EPP };
const BBR_LABELS = { app: BBR };
const METRICS_SECRET = `${GA_POOL}-metrics-reader-secret`;
const METRICS_ACCOUNT = `${GA_POOL}-metrics-reader-sa`;

const meta = (name: string) => ({ name, namespace: NAMESPACE });

const PICKER_CONFIG = `apiVersion: llm-d.ai/v1alpha1
kind: EndpointPickerConfig
plugins:
- type: queue-scorer
- type: kv-cache-utilization-scorer
- type: prefix-cache-scorer
- type: core-metrics-extractor
schedulingProfiles:
- name: default
  plugins:
  - pluginRef: queue-scorer
    weight: 2
  - pluginRef: kv-cache-utilization-scorer
    weight: 2
  - pluginRef: prefix-cache-scorer
    weight: 3
`;

function gaStack(): Json[] {
  return [
    {
      apiVersion: 'inference.networking.k8s.io/v1',
      kind: 'InferencePool',
      metadata: meta(GA_POOL),
      spec: {
        targetPorts: [{ number: 8000 }],
        selector: { matchLabels: { app: POOL } },
        endpointPickerRef: { name: GA_EPP, port: { number: 9002 }, failureMode: 'FailOpen' },
      },
    },
    { apiVersion: 'v1', kind: 'ConfigMap', metadata: meta(GA_EPP), data: { 'default-plugins.yaml': PICKER_CONFIG } },
    { apiVersion: 'v1', kind: 'ServiceAccount', metadata: meta(GA_EPP) },
    {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: meta(GA_EPP),
      spec: {
        replicas: 1,
        strategy: { type: 'Recreate' },
        selector: { matchLabels: EPP_LABELS },
        template: {
          metadata: { labels: EPP_LABELS },
          spec: {
            serviceAccountName: GA_EPP,
            containers: [
              {
                name: 'epp',
                image: 'ghcr.io/llm-d/llm-d-router-endpoint-picker:v0.10.0',
                args: ['--pool-name', GA_POOL, '--pool-namespace', NAMESPACE, '--pool-group', 'inference.networking.k8s.io', '--config-file', '/config/default-plugins.yaml', '--grpc-health-port', '9003'],
                ports: [
                  { name: 'grpc', containerPort: 9002 },
                  { name: 'grpc-health', containerPort: 9003 },
                  { name: 'metrics', containerPort: 9090 },
                ],
                volumeMounts: [{ name: 'plugins-config-volume', mountPath: '/config' }],
              },
            ],
            volumes: [{ name: 'plugins-config-volume', configMap: { name: GA_EPP } }],
          },
        },
      },
    },
    {
      apiVersion: 'v1',
      kind: 'Service',
      metadata: meta(GA_EPP),
      spec: {
        selector: EPP_LABELS,
        ports: [
          { name: 'grpc-ext-proc', protocol: 'TCP', port: 9002, appProtocol: 'kubernetes.io/h2c' },
          { name: 'http-metrics', protocol: 'TCP', port: 9090 },
        ],
      },
    },
    {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'Role',
      metadata: meta(`${GA_EPP}-sa`),
      rules: [{ apiGroups: [''], resources: ['pods'], verbs: ['get', 'watch', 'list'] }],
    },
    {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'RoleBinding',
      metadata: meta(`${GA_EPP}-sa`),
      subjects: [{ kind: 'ServiceAccount', name: GA_EPP, namespace: NAMESPACE }],
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: `${GA_EPP}-sa` },
    },
    {
      apiVersion: 'networking.gke.io/v1',
      kind: 'HealthCheckPolicy',
      metadata: meta(GA_POOL),
      spec: {
        targetRef: { group: 'inference.networking.k8s.io', kind: 'InferencePool', name: GA_POOL },
        default: { config: { type: 'HTTP', httpHealthCheck: { requestPath: '/health', portSpecification: 'USE_FIXED_PORT', port: 8000 } } },
      },
    },
    {
      apiVersion: 'networking.gke.io/v1',
      kind: 'GCPBackendPolicy',
      metadata: meta(GA_POOL),
      spec: { targetRef: { group: 'inference.networking.k8s.io', kind: 'InferencePool', name: GA_POOL }, default: { timeoutSec: 300 } },
    },
    {
      apiVersion: 'llm-d.ai/v1alpha2',
      kind: 'InferenceObjective',
      metadata: meta('food-review'),
      spec: { priority: 1, poolRef: { name: GA_POOL } },
    },
    {
      apiVersion: 'llm-d.ai/v1alpha2',
      kind: 'InferenceModelRewrite',
      metadata: meta('food-review'),
      spec: {
        poolRef: { name: GA_POOL },
        rules: [{ matches: [{ model: { value: 'food-review-latest' } }], targets: [{ modelRewrite: 'food-review', weight: 90 }, { modelRewrite: 'cad-fabricator', weight: 10 }] }],
      },
    },
    { apiVersion: 'v1', kind: 'ServiceAccount', metadata: meta(METRICS_ACCOUNT) },
    {
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: { ...meta(METRICS_SECRET), annotations: { 'kubernetes.io/service-account.name': METRICS_ACCOUNT } },
      type: 'kubernetes.io/service-account-token',
    },
    {
      apiVersion: 'monitoring.googleapis.com/v1',
      kind: 'PodMonitoring',
      metadata: meta(GA_POOL),
      spec: {
        selector: { matchLabels: EPP_LABELS },
        endpoints: [
          {
            port: 'metrics',
            scheme: 'http',
            interval: '10s',
            path: '/metrics',
            authorization: { type: 'Bearer', credentials: { secret: { name: METRICS_SECRET, key: 'token' } } },
          },
        ],
      },
    },
  ];
}

function bodyBasedRouting(): Json[] {
  return [
    {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: meta(BBR),
      spec: {
        replicas: 1,
        selector: { matchLabels: BBR_LABELS },
        template: {
          metadata: { labels: BBR_LABELS },
          spec: {
            containers: [
              {
                name: 'bbr',
                image: 'registry.k8s.io/gateway-api-inference-extension/bbr:v1.5.0',
                args: ['--streaming'],
                ports: [{ containerPort: 9004 }, { name: 'grpc-health', containerPort: 9005 }],
              },
            ],
          },
        },
      },
    },
    {
      apiVersion: 'v1',
      kind: 'Service',
      metadata: meta(BBR),
      spec: { selector: BBR_LABELS, ports: [{ protocol: 'TCP', port: 9004, targetPort: 9004, appProtocol: 'HTTP2' }] },
    },
    {
      apiVersion: 'networking.gke.io/v1',
      kind: 'GCPRoutingExtension',
      metadata: meta(BBR),
      spec: {
        targetRefs: [{ group: 'gateway.networking.k8s.io', kind: 'Gateway', name: 'inference-gateway' }],
        extensionChains: [
          {
            name: 'chain1',
            extensions: [
              {
                name: 'ext1',
                authority: 'myext.com',
                timeout: '1s',
                supportedEvents: ['RequestHeaders', 'RequestBody', 'RequestTrailers'],
                requestBodySendMode: 'FullDuplexStreamed',
                backendRef: { group: '', kind: 'Service', name: BBR, port: 9004 },
              },
            ],
          },
        ],
      },
    },
    {
      apiVersion: 'networking.gke.io/v1',
      kind: 'HealthCheckPolicy',
      metadata: meta('bbr-healthcheck'),
      spec: {
        targetRef: { group: '', kind: 'Service', name: BBR },
        default: { logConfig: { enabled: true }, config: { type: 'GRPC', grpcHealthCheck: { portSpecification: 'USE_FIXED_PORT', port: 9005 } } },
      },
    },
    {
      apiVersion: 'gateway.networking.k8s.io/v1',
      kind: 'HTTPRoute',
      metadata: meta('models-by-name'),
      spec: {
        parentRefs: [{ name: 'inference-gateway' }],
        rules: [
          {
            matches: [{ headers: [{ type: 'Exact', name: 'X-Gateway-Model-Name', value: 'food-review' }], path: { type: 'PathPrefix', value: '/' } }],
            backendRefs: [{ group: 'inference.networking.k8s.io', kind: 'InferencePool', name: GA_POOL }],
          },
        ],
      },
    },
  ];
}

/** The default synth output plus the GA stack and body-based routing, with `my-route` split 50/50 between the pools. */
export function gaObjects(): SourcedObject[] {
  const objects = synthObjects();
  const route = find(objects, 'HTTPRoute', 'my-route') as Json;
  route.spec.rules[0].backendRefs = [
    { group: 'inference.networking.x-k8s.io', kind: 'InferencePool', name: POOL, weight: 50 },
    { group: 'inference.networking.k8s.io', kind: 'InferencePool', name: GA_POOL, weight: 50 },
  ];
  return [...objects, ...[...gaStack(), ...bodyBasedRouting()].map((object) => ({ file: GA_FILE, object }))];
}
