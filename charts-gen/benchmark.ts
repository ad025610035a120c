/**
 * The A/B benchmark (`npm run benchmark`): per pool, an inference-perf Job that sends the same load to a
 * plain ClusterIP Service over the pool's model server pods (kube-proxy spreads connections, unaware of
 * queues, KV cache or adapters: the round-robin baseline) and through the Gateway (the endpoint picker
 * chooses a pod per request). It lives in its own chart and file, never in synth's output.
 */
import { App, Chart } from 'cdk8s';
import { k8s } from 'cdk8s-plus-30';
import type { Construct } from 'constructs';
import { stringify } from 'yaml';
import { modelServerEngine, poolRoute, type DeploymentSpec, type PoolSpec } from '../spec';
import { addModelServer, MANIFEST_EXTENSION } from './app';
import { ModelServer } from './model-server';
import { containerSecurity, RUNTIME_DEFAULT_SECCOMP } from './security';
import { RBAC_API_GROUP } from './well-known';

/** inference-perf's release image (kubernetes-sigs/inference-perf, publish-on-release.yml at v0.6.1). */
export const INFERENCE_PERF_IMAGE = 'quay.io/inference-perf/inference-perf:v0.6.1';
export const BENCHMARK_CHART = 'benchmark';
export const BENCHMARK_FILE = `${BENCHMARK_CHART}${MANIFEST_EXTENSION}`;
/** Every benchmark object carries this label; `kubectl delete ... -l` with it removes them all. */
export const BENCHMARK_LABEL = 'inference-gateway/benchmark';

/** Requests per second of each stage of the sweep, the same for both targets. */
export const QPS_STAGES = [1, 2, 4, 8, 16, 32] as const;
export const STAGE_SECONDS = 120;
/** A request is "good" (counts toward goodput) within these (inference-perf report.goodput.constraints, seconds). */
export const GOODPUT_SLO = { ttft: 1.0, tpot: 0.05 } as const;

/** The two workloads: ShareGPT conversations, and many users behind a few long shared system prompts. */
export const WORKLOADS = {
  sharegpt: { type: 'shareGPT' },
  'shared-prefix': {
    type: 'shared_prefix',
    shared_prefix: { num_unique_system_prompts: 16, num_users_per_system_prompt: 64, system_prompt_len: 2048, question_len: 128, output_len: 256 },
  },
} as const;
export const TARGETS = ['round-robin', 'gateway'] as const;

const CONFIG_DIRECTORY = '/etc/benchmark';
const REPORTS_DIRECTORY = '/reports';

/** The pool's Gateway URL, read from the Gateway's status at run time (its address exists only then). */
const GATEWAY_ADDRESS_SCRIPT = `import json, os, ssl, urllib.request
sa = "/var/run/secrets/kubernetes.io/serviceaccount"
url = "https://kubernetes.default.svc/apis/gateway.networking.k8s.io/v1/namespaces/%s/gateways/%s" % (os.environ["NAMESPACE"], os.environ["GATEWAY_NAME"])
request = urllib.request.Request(url, headers={"Authorization": "Bearer " + open(sa + "/token").read()})
status = json.load(urllib.request.urlopen(request, context=ssl.create_default_context(cafile=sa + "/ca.crt")))["status"]
print(status["addresses"][0]["value"])
`;

/**
 * The Job's shell script: fixed text, every value comes from the environment. Each workload runs against
 * both targets back to back, so slow drift in the cluster touches both alike; the summaries go to the log.
 */
const RUN_SCRIPT = `set -eu
address=$(python3 ${CONFIG_DIRECTORY}/gateway-address.py)
for workload in ${Object.keys(WORKLOADS).join(' ')}; do
  for target in ${TARGETS.join(' ')}; do
    if [ "$target" = gateway ]; then url="http://$address:$GATEWAY_PORT$GATEWAY_PATH"; else url="$ROUND_ROBIN_URL"; fi
    echo "== inference-perf $workload against $target ($url)"
    inference-perf --config_file "${CONFIG_DIRECTORY}/$workload.yaml" --server.base_url "$url" --storage.local_storage.path "${REPORTS_DIRECTORY}/$workload-$target"
  done
done
for report in ${REPORTS_DIRECTORY}/*/summary_lifecycle_metrics.json; do echo "== report $report"; cat "$report"; echo; done
`;

/**
 * The model name both targets serve under one name, with no traffic split behind it: the base model if the
 * pool routes it, else the first such adapter.
 */
export function benchmarkModel(pool: PoolSpec): string | undefined {
  const served = new Set([pool.modelServer.baseModel, ...pool.adapters.models.map((adapter) => adapter.id)]);
  const candidates = pool.models
    .filter((candidate) => served.has(candidate.modelName) && (candidate.targetModels ?? []).every((target) => target.name === candidate.modelName))
    .map((candidate) => candidate.modelName);
  return candidates.find((name) => name === pool.modelServer.baseModel) ?? candidates[0];
}

/** One inference-perf config; the base URL and report path are given per run on the command line. */
export function inferencePerfConfig(pool: PoolSpec, model: string, workload: keyof typeof WORKLOADS): Record<string, unknown> {
  return {
    api: { type: 'chat', streaming: true },
    data: WORKLOADS[workload],
    // `interval` pauses between stages so queues drain; 2 workers x 256 in flight stay above the load the
    // top stage keeps open (32 requests/s of several seconds each), so the client never caps it.
    load: { type: 'poisson', interval: 15, stages: QPS_STAGES.map((rate) => ({ rate, duration: STAGE_SECONDS })), num_workers: 2, worker_max_concurrency: 256 },
    server: { type: 'vllm', model_name: model, ignore_eos: true },
    tokenizer: { pretrained_model_name_or_path: pool.modelServer.baseModel },
    report: { request_lifecycle: { summary: true, per_stage: true, per_request: false }, goodput: { constraints: { ...GOODPUT_SLO } } },
  };
}

/** The benchmark objects of every pool, in one chart of their own. */
export function buildBenchmarkApp(spec: DeploymentSpec, outdir: string): App {
  const app = new App({ outdir });
  const chart = new Chart(app, BENCHMARK_CHART, { disableResourceNameHashes: true });
  for (const pool of spec.pools) addPoolBenchmark(chart, spec, pool);
  return app;
}

function addPoolBenchmark(chart: Chart, spec: DeploymentSpec, pool: PoolSpec): void {
  const namespace = spec.namespace;
  const model = benchmarkModel(pool) as string;
  const labels = { [BENCHMARK_LABEL]: pool.name };
  const name = `${pool.name}-benchmark`;
  // The model server construct computes the pods' labels and port; built in a detached scope so none of
  // its objects enters the benchmark's output.
  const server = addModelServer(new Chart(new App(), 'scratch') as Construct, namespace, pool, modelServerEngine(spec, pool));

  const service = new k8s.KubeService(chart, `${pool.name}-RoundRobin`, {
    metadata: { name: `${pool.name}-round-robin`, namespace, labels },
    spec: {
      type: 'ClusterIP',
      selector: { ...server.podLabels },
      ports: [{ name: 'http', protocol: 'TCP', port: server.port, targetPort: k8s.IntOrString.fromString(ModelServer.PORT_NAME) }],
    },
  });

  const config = new k8s.KubeConfigMap(chart, `${pool.name}-Config`, {
    metadata: { name, namespace, labels },
    data: {
      ...Object.fromEntries(Object.keys(WORKLOADS).map((workload) => [`${workload}.yaml`, stringify(inferencePerfConfig(pool, model, workload as keyof typeof WORKLOADS))])),
      'gateway-address.py': GATEWAY_ADDRESS_SCRIPT,
    },
  });

  // Reads the one Gateway's status, nothing else.
  const account = new k8s.KubeServiceAccount(chart, `${pool.name}-ServiceAccount`, { metadata: { name, namespace, labels } });
  const role = new k8s.KubeRole(chart, `${pool.name}-Role`, {
    metadata: { name, namespace, labels },
    rules: [{ apiGroups: ['gateway.networking.k8s.io'], resources: ['gateways'], resourceNames: [spec.gateway.name], verbs: ['get'] }],
  });
  new k8s.KubeRoleBinding(chart, `${pool.name}-RoleBinding`, {
    metadata: { name, namespace, labels },
    subjects: [{ kind: 'ServiceAccount', name: account.name, namespace }],
    roleRef: { apiGroup: RBAC_API_GROUP, kind: 'Role', name: role.name },
  });

  const route = poolRoute(spec, pool);
  const gatewayPath = route.pathPrefix === '/' ? '' : route.pathPrefix.replace(/\/$/, '');
  const runSeconds = Object.keys(WORKLOADS).length * TARGETS.length * QPS_STAGES.length * STAGE_SECONDS;
  new k8s.KubeJob(chart, `${pool.name}-Job`, {
    metadata: { name, namespace, labels },
    spec: {
      backoffLimit: 0,
      // Twice the load time covers dataset and tokenizer downloads and the drain of each stage.
      activeDeadlineSeconds: 2 * runSeconds,
      template: {
        metadata: { labels },
        spec: {
          restartPolicy: 'Never',
          serviceAccountName: account.name,
          securityContext: RUNTIME_DEFAULT_SECCOMP,
          containers: [
            {
              name: 'inference-perf',
              image: INFERENCE_PERF_IMAGE,
              imagePullPolicy: 'IfNotPresent',
              command: ['/bin/sh', '-c', RUN_SCRIPT],
              env: [
                { name: 'NAMESPACE', value: namespace },
                { name: 'GATEWAY_NAME', value: spec.gateway.name },
                { name: 'GATEWAY_PORT', value: String(spec.gateway.listenerPort) },
                { name: 'GATEWAY_PATH', value: gatewayPath },
                { name: 'ROUND_ROBIN_URL', value: `http://${service.name}.${namespace}.svc:${server.port}` },
                // The tokenizer (the pool's base model) may be gated, as Llama is: the pool's own token.
                { name: 'HF_TOKEN', valueFrom: { secretKeyRef: { name: pool.modelServer.hfTokenSecret, key: ModelServer.HF_TOKEN_KEY } } },
                { name: 'HF_HOME', value: '/cache' },
              ],
              // Sized to fit beside the pickers on the default system pool; no limit, so it may use idle cores.
              resources: { requests: { cpu: k8s.Quantity.fromString('1'), memory: k8s.Quantity.fromString('2Gi') } },
              securityContext: containerSecurity(),
              volumeMounts: [
                { name: 'config', mountPath: CONFIG_DIRECTORY, readOnly: true },
                { name: 'reports', mountPath: REPORTS_DIRECTORY },
                { name: 'cache', mountPath: '/cache' },
              ],
            },
          ],
          volumes: [
            { name: 'config', configMap: { name: config.name } },
            { name: 'reports', emptyDir: {} },
            { name: 'cache', emptyDir: {} },
          ],
        },
      },
    },
  });
}
