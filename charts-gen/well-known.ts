/**
 * Names fixed by Kubernetes, GKE, NVIDIA and the lora-syncer, and the label this project selects pods by.
 * The constructs write them, the validator checks them and the Pulumi program reads them: one spelling.
 */

import { APP_LABEL } from '../spec/kubernetes-keys';

export { APP_LABEL, ENGINE_TYPE_LABEL, GKE_ACCELERATOR_LABEL } from '../spec/kubernetes-keys';

/** RBAC API group; every binding names it in `roleRef` (the v0.3.0 chart forgot, the API server refuses). */
export const RBAC_API_GROUP = 'rbac.authorization.k8s.io';

/** Extended resource name of NVIDIA GPUs. */
export const GPU_RESOURCE = 'nvidia.com/gpu';

/**
 * GPUs one pod of a pod template asks for: the sum of its containers' `nvidia.com/gpu` limits (the device
 * plugin reads limits). A toleration or node selector naming the resource asks for none.
 */
export function podTemplateGpus(template: unknown): number {
  const containers = (template as { spec?: { containers?: unknown } } | undefined)?.spec?.containers;
  if (!Array.isArray(containers)) return 0;
  return containers.reduce((sum: number, container) => sum + Number((container as { resources?: { limits?: Record<string, unknown> } })?.resources?.limits?.[GPU_RESOURCE] ?? 0), 0);
}

/** Environment variable naming the lora-syncer's config file. */
export const LORA_SYNCER_CONFIG_VARIABLE = 'DYNAMIC_LORA_ROLLOUT_CONFIG';

/** The syncer's config file name (its default is /config/configmap.yaml); also the ConfigMap key. */
export const LORA_SYNCER_CONFIG_FILE = 'configmap.yaml';

export function appLabels(name: string): Readonly<Record<string, string>> {
  return { [APP_LABEL]: name };
}

/** Header the body-based router sets from the request body's `model` and the HTTPRoute matches. */
export const MODEL_NAME_HEADER = 'X-Gateway-Model-Name';

/** The user of distroless `:nonroot` images (the endpoint pickers and the body-based router). */
export const DISTROLESS_NONROOT_UID = 65532;

/**
 * The endpoint pickers' ports, the same in both profiles (the v0.3.0 picker's and llm-d router v0.10.0's
 * defaults): gRPC ext-proc for the gateway, gRPC health for the probes, and /metrics. 9002 is also what the
 * InferencePool API tells implementations to assume when the pool names no port.
 */
export const ENDPOINT_PICKER_PORTS = { grpc: 9002, grpcHealth: 9003, metrics: 9090 } as const;

/**
 * On a Deployment whose healthy state has fewer Ready replicas than `spec.replicas`: that number. The GA
 * picker with leader election is such a Deployment (llm-d-router v0.10.0 cmd/epp/runner/health.go: the
 * `readiness` service answers SERVING only on the leader). Pulumi's await (infra/manifests.ts) and the
 * Argo CD health check in docs/gitops.md read it; Kubernetes ignores it.
 */
export const READY_REPLICAS_ANNOTATION = 'inference-gateway/ready-replicas';

/**
 * Header naming the InferenceObjective (and so the priority) of a request to the GA picker (llm-d-router
 * v0.10.0 pkg/epp/metadata/consts.go ObjectiveKey); without it a request runs at priority 0.
 */
export const OBJECTIVE_HEADER = 'x-llm-d-inference-objective';

