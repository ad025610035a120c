/**
 * Apply order for objects that must not exist before another one. Three appliers read three signals:
 *
 * - Pulumi's `yaml/v2` ConfigGroup (and Config Sync, kpt) create a group's objects in parallel unless an
 *   object names its prerequisites in `config.kubernetes.io/depends-on`;
 * - Argo CD applies lower `argocd.argoproj.io/sync-wave`s first and waits for them to be healthy;
 * - `kubectl apply -f` and Flux apply in file order (Flux also by kind), which is the order objects are
 *   created in their chart, so a prerequisite is always constructed first.
 *
 * The case that needs it: the token controller deletes a `kubernetes.io/service-account-token` Secret
 * created before its ServiceAccount, and nothing creates it again.
 */
import type { ApiObject } from 'cdk8s';

import { DEPENDS_ON_ANNOTATION, SYNC_WAVE_ANNOTATION } from '../spec/kubernetes-keys';

export { DEPENDS_ON_ANNOTATION, SYNC_WAVE_ANNOTATION };

/** `<group>/namespaces/<namespace>/<kind>/<name>`, or `<group>/<kind>/<name>` when cluster-scoped. */
export function dependsOnReference(object: ApiObject): string {
  const namespace = object.metadata.namespace;
  const scope = namespace === undefined ? '' : `namespaces/${namespace}/`;
  // cdk8s calls the core group "core"; the annotation spells it as the empty string.
  const group = object.apiGroup === 'core' ? '' : object.apiGroup;
  return `${group}/${scope}${object.kind}/${object.name}`;
}

const waves = new WeakMap<ApiObject, number>();

/** Makes `object` wait for `prerequisite` under every applier above; call after constructing both. */
export function applyAfter(object: ApiObject, prerequisite: ApiObject): void {
  const existing = (object.metadata.toJson().annotations as Record<string, string> | undefined)?.[DEPENDS_ON_ANNOTATION];
  const reference = dependsOnReference(prerequisite);
  object.metadata.addAnnotation(DEPENDS_ON_ANNOTATION, existing ? `${existing},${reference}` : reference);
  const wave = Math.max(waves.get(object) ?? 0, (waves.get(prerequisite) ?? 0) + 1);
  waves.set(object, wave);
  object.metadata.addAnnotation(SYNC_WAVE_ANNOTATION, String(wave));
}
