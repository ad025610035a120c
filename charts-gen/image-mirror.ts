import { ApiObject, JsonPatch, type App } from 'cdk8s';
import { mirroredImage, type DeploymentSpec } from '../spec';

type Json = Record<string, unknown>;

/**
 * Points every container image of the app at the spec's Artifact Registry mirror (spec/image-mirror.ts),
 * in one place after every construct is built, so no construct needs to know about mirrors and a new
 * container cannot be missed. Images of registries that are not mirrored keep their references.
 */
export function mirrorImages(app: App, spec: DeploymentSpec): void {
  if (spec.cluster.images.mirrorProject === undefined) return;
  for (const object of app.node.findAll()) {
    if (!(object instanceof ApiObject)) continue;
    const json = object.toJson() as Json;
    const podSpec = podSpecPath(json);
    if (podSpec === undefined) continue;
    for (const list of ['initContainers', 'containers'] as const) {
      const containers = podSpec.spec[list];
      if (!Array.isArray(containers)) continue;
      containers.forEach((container: Json, index) => {
        if (typeof container.image !== 'string') return;
        const image = mirroredImage(spec, container.image);
        if (image !== container.image) object.addJsonPatch(JsonPatch.replace(`${podSpec.path}/${list}/${index}/image`, image));
      });
    }
  }
}

/** The pod spec of a workload (Deployment, Job, Pod) and its JSON pointer, if the object has one. */
function podSpecPath(json: Json): { path: string; spec: Json } | undefined {
  const spec = json.spec as Json | undefined;
  if (spec === undefined) return undefined;
  if (json.kind === 'Pod') return { path: '/spec', spec };
  const template = spec.template as Json | undefined;
  const templateSpec = template?.spec as Json | undefined;
  return templateSpec === undefined ? undefined : { path: '/spec/template/spec', spec: templateSpec };
}
