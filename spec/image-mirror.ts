/**
 * The Artifact Registry remote repositories that mirror the upstream registries the manifests pull from,
 * and how an upstream image reference reads through them. `pulumi up` makes the repositories
 * (infra/image-mirror.ts); the manifests use them when `cluster.images.mirrorProject` is set.
 *
 * Why: GKE image streaming serves only images stored in Artifact Registry (GKE "Use Image streaming to
 * pull container images"), and a multi-gigabyte vLLM image pulled from Docker Hub by every new GPU node is
 * the largest fixed part of a new replica's start (docs/performance.md). A remote repository caches each
 * image in the cluster's region on its first pull.
 */
import type { DeploymentSpec } from './types';

export interface MirroredRegistry {
  /** Registry host as written in image references (Docker Hub also without a host). */
  readonly host: string;
  /** Suffix of the repository id: `<cluster name>-<suffix>`. */
  readonly suffix: string;
  /** The provider's remote-repository upstream: a Docker Hub preset, or a registry URI. */
  readonly upstream: { readonly publicRepository: 'DOCKER_HUB' } | { readonly uri: string };
}

/** Every registry the pinned images come from except gcr.io (Google's, already Artifact Registry-backed). */
export const MIRRORED_REGISTRIES: readonly MirroredRegistry[] = [
  { host: 'docker.io', suffix: 'docker-hub', upstream: { publicRepository: 'DOCKER_HUB' } },
  { host: 'registry.k8s.io', suffix: 'registry-k8s-io', upstream: { uri: 'https://registry.k8s.io' } },
  { host: 'ghcr.io', suffix: 'ghcr', upstream: { uri: 'https://ghcr.io' } },
];

/** The repository id of a mirrored registry for a cluster (at most 40 + 16 characters: within AR's 63). */
export function mirrorRepositoryId(clusterName: string, registry: MirroredRegistry): string {
  return `${clusterName}-${registry.suffix}`;
}

/** Registry host and path of an image reference, Docker Hub's implicit host and `library/` made explicit. */
function splitReference(reference: string): { host: string; path: string } {
  const first = reference.split('/')[0];
  const hasHost = reference.includes('/') && (first.includes('.') || first.includes(':') || first === 'localhost');
  if (!hasHost) return { host: 'docker.io', path: reference.includes('/') ? reference : `library/${reference}` };
  const host = first === 'index.docker.io' || first === 'registry-1.docker.io' ? 'docker.io' : first;
  return { host, path: reference.slice(first.length + 1) };
}

/**
 * The reference through the spec's mirror (`<region>-docker.pkg.dev/<project>/<repository>/<path>`), or the
 * reference unchanged when the spec asks for no mirror or the registry is not mirrored.
 */
export function mirroredImage(spec: DeploymentSpec, reference: string): string {
  const project = spec.cluster.images.mirrorProject;
  if (project === undefined) return reference;
  const { host, path } = splitReference(reference);
  const registry = MIRRORED_REGISTRIES.find((candidate) => candidate.host === host);
  if (registry === undefined) return reference;
  return `${spec.cluster.region}-docker.pkg.dev/${project}/${mirrorRepositoryId(spec.cluster.name, registry)}/${path}`;
}
