/** Issue 19: manifests pull through the Artifact Registry mirror only when the spec names its project. */
import { GUIDE_POOL_NAME, mirroredImage, resolveSpec } from '../../spec';
import { synthDocument, type K8sObject } from './helpers';
import { lines, synthObjects, validate } from '../validate/helpers';

const MIRROR = 'us-central1-docker.pkg.dev/my-project';

function images(objects: readonly K8sObject[]): string[] {
  return objects.flatMap((object) => {
    const pod = object.spec?.template?.spec;
    return pod === undefined ? [] : [...(pod.initContainers ?? []), ...pod.containers].map((container: { image: string }) => container.image);
  });
}

describe.each([
  ['the guide profile', {}],
  ['the GA profile, two pools (body-based router) and an autoscaled pool (metrics adapter)', {
    inferenceExtension: { version: 'llm-d-v0.10.0' },
    cluster: { gpuPool: { maxNodes: 4 } },
    pools: [
      { name: 'a', modelServer: { baseModel: 'org/a' }, autoscaling: { minReplicas: 1, maxReplicas: 2 } },
      { name: 'b', modelServer: { baseModel: 'org/b', replicas: 1 } },
    ],
  }],
])('%s', (_name, document: Record<string, unknown>) => {
  const cluster = (document.cluster ?? {}) as Record<string, unknown>;
  const withMirror = { ...document, cluster: { ...cluster, images: { mirrorProject: 'my-project' } } };
  const upstream = images(synthDocument(document));
  const mirrored = images(synthDocument(withMirror));

  test('by default every image keeps its upstream reference', () => {
    expect(upstream.some((image) => image.includes('docker.pkg.dev'))).toBe(false);
  });

  test('with mirrorProject every image of Docker Hub, registry.k8s.io and ghcr.io reads through its repository; nothing else changes', () => {
    expect(mirrored).toHaveLength(upstream.length);
    mirrored.forEach((image, index) => {
      const original = upstream[index];
      if (original.startsWith('gcr.io/')) expect(image).toBe(original);
      else expect(image).toMatch(new RegExp(`^${MIRROR}/inference-gateway-(docker-hub|registry-k8s-io|ghcr)/`));
      expect(image.endsWith(original.replace(/^(registry\.k8s\.io|ghcr\.io)\//, '/'))).toBe(true);
    });
  });

  test('the mirrored manifests validate', () => {
    const spec = resolveSpec(withMirror, 'test');
    expect(lines(validate(synthObjects(spec), spec))).toEqual([]);
  });
});

test('reference forms: Docker Hub without a host, official images, registry hosts', () => {
  const spec = resolveSpec({ cluster: { images: { mirrorProject: 'my-project' } } }, 'test');
  expect(mirroredImage(spec, 'vllm/vllm-openai:v0.8.5')).toBe(`${MIRROR}/inference-gateway-docker-hub/vllm/vllm-openai:v0.8.5`);
  expect(mirroredImage(spec, 'busybox:1.36')).toBe(`${MIRROR}/inference-gateway-docker-hub/library/busybox:1.36`);
  expect(mirroredImage(spec, 'docker.io/vllm/vllm-openai:v0.8.5')).toBe(`${MIRROR}/inference-gateway-docker-hub/vllm/vllm-openai:v0.8.5`);
  expect(mirroredImage(spec, 'ghcr.io/llm-d/x:v1')).toBe(`${MIRROR}/inference-gateway-ghcr/llm-d/x:v1`);
  expect(mirroredImage(spec, 'gcr.io/gke-release/y:v1')).toBe('gcr.io/gke-release/y:v1');
  expect(mirroredImage(spec, 'quay.io/z/w:v1')).toBe('quay.io/z/w:v1');
});

test('a mirror without streaming (no repositories would exist) is a spec error', () => {
  expect(() => resolveSpec({ cluster: { images: { streaming: false, mirrorProject: 'my-project' } } }, 'test')).toThrow(
    /cluster\.images\.mirrorProject: needs cluster\.images\.streaming/,
  );
});

test('the model server pod template is the same with streaming on or off (only the nodes change)', () => {
  const template = (document: unknown) => JSON.stringify(synthDocument(document).find((object) => object.kind === 'Deployment' && object.metadata.name === GUIDE_POOL_NAME)?.spec.template);
  expect(template({ cluster: { images: { streaming: false } } })).toBe(template({}));
});
