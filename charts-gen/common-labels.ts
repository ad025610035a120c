/**
 * The labels every object we write carries, so a GitOps repository or `kubectl apply --prune -l` can
 * select exactly one deployment's objects. They are added in one place, after the constructs have built
 * their objects: `buildApp` (shared by synth and `pulumi up`) ends with `applyCommonLabels` over every
 * ApiObject of the app, and the GitOps bundle labels its Namespace and CRDs with `withCommonLabels`. A
 * construct added later gets them without doing anything.
 *
 * - `app.kubernetes.io/part-of` and `managed-by` name this tool;
 * - `app.kubernetes.io/instance` names the deployment: its namespace and Gateway, which together are
 *   unique in a cluster (see `instanceLabel`);
 * - `app.kubernetes.io/version` is the tool's version, unless the object names its own component's version
 *   (the endpoint pickers carry their release's, as the upstream charts do).
 *
 * Only `metadata.labels` changes: selectors and pod templates keep their labels, so adding or changing
 * these never restarts a pod nor breaks a Deployment's immutable selector.
 */
import { createHash } from 'node:crypto';
import { ApiObject, type App } from 'cdk8s';
import type { DeploymentSpec } from '../spec';
import { version as TOOL_VERSION } from '../package.json';

import { INSTANCE_LABEL, MANAGED_BY_LABEL, PART_OF_LABEL, VERSION_LABEL } from '../spec/kubernetes-keys';

export { INSTANCE_LABEL, MANAGED_BY_LABEL, PART_OF_LABEL, VERSION_LABEL };
/** The value of `part-of` and `managed-by`: this tool. */
export const TOOL_NAME = 'inference-gateway';

export type Labels = Readonly<Record<string, string>>;

/** A label value is at most 63 characters. */
const MAX_LABEL_VALUE = 63;

/**
 * `<namespace>.<gateway>`: both are DNS labels, which hold no ".", so two deployments never share it. When
 * that passes 63 characters, its first 52 and a hash of the whole keep it unique and valid.
 */
export function instanceLabel(namespace: string, gatewayName: string): string {
  const full = `${namespace}.${gatewayName}`;
  if (full.length <= MAX_LABEL_VALUE) return full;
  const hash = createHash('sha256').update(full).digest('hex').slice(0, 10);
  return `${full.slice(0, MAX_LABEL_VALUE - hash.length - 1).replace(/[^A-Za-z0-9]+$/, '')}-${hash}`;
}

/** The four common labels of a deployment. */
export function commonLabels(spec: DeploymentSpec): Labels {
  return {
    [PART_OF_LABEL]: TOOL_NAME,
    [MANAGED_BY_LABEL]: TOOL_NAME,
    [INSTANCE_LABEL]: instanceLabel(spec.namespace, spec.gateway.name),
    [VERSION_LABEL]: TOOL_VERSION,
  };
}

/**
 * The object with the common labels in `metadata.labels`: part-of, managed-by and instance always (they
 * define the set that is pruned), version unless the object sets its own.
 */
export function withCommonLabels<T extends Record<string, unknown>>(object: T, labels: Labels): T {
  const metadata = (object.metadata ?? {}) as Record<string, unknown>;
  const own = (metadata.labels ?? {}) as Record<string, string>;
  const { [VERSION_LABEL]: version, ...forced } = labels;
  const merged: Record<string, string> = { ...own, ...forced };
  if (version !== undefined) merged[VERSION_LABEL] = own[VERSION_LABEL] ?? version;
  return { ...object, metadata: { ...metadata, labels: merged } };
}

/** Puts the common labels on every ApiObject of `app`, under the rules of `withCommonLabels`. */
export function applyCommonLabels(app: App, labels: Labels): void {
  for (const construct of app.node.findAll()) {
    if (!(construct instanceof ApiObject)) continue;
    for (const [key, value] of Object.entries(labels)) {
      if (key === VERSION_LABEL && construct.metadata.getLabel(key) !== undefined) continue;
      construct.metadata.addLabel(key, value);
    }
  }
}
