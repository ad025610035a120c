/**
 * HorizontalPodAutoscalers: the HPA controller scales what `scaleTargetRef` names, so that object must be
 * among the manifests; and a Deployment under an HPA must not set `replicas`, or every apply resets the
 * HPA's choice (client-side apply, Argo CD without ignoreDifferences) and the two fight.
 */
import { asArray, asRecord, asString } from '../types';
import type { CheckContext } from './context';

const SCALABLE: Readonly<Record<string, string>> = { Deployment: 'apps', StatefulSet: 'apps' };

export function checkAutoscalers(ctx: CheckContext): void {
  for (const hpa of ctx.set.ofKind('autoscaling', 'HorizontalPodAutoscaler')) {
    const spec = asRecord(hpa.object.spec);
    const target = asRecord(spec.scaleTargetRef);
    const kind = asString(target.kind) ?? '';
    const name = asString(target.name) ?? '';
    const group = SCALABLE[kind];
    const scaled = group === undefined ? undefined : ctx.set.find(group, kind, name, hpa.namespace);
    if (scaled === undefined) {
      ctx.report(hpa, 'spec.scaleTargetRef', `${kind || 'an object'} "${name}" is not in namespace ${hpa.namespace ?? 'default'} of the manifests; the HPA would scale nothing`);
    } else if (asRecord(scaled.object.spec).replicas !== undefined) {
      ctx.report(scaled, 'spec.replicas', `is set, but HorizontalPodAutoscaler ${hpa.name} owns the replica count; every apply would reset it`);
    }
    if (asArray(spec.metrics).length === 0) {
      ctx.report(hpa, 'spec.metrics', 'is empty: the HPA would fall back to 80% CPU, which does not follow inference load');
    }
  }
}
