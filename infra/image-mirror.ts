import * as gcp from '@pulumi/gcp';
import * as pulumi from '@pulumi/pulumi';
import { MIRRORED_REGISTRIES, mirrorRepositoryId, type ClusterSpec } from '../spec';
import { childOptions } from './options';

export interface ImageMirrorArgs {
  /** The spec's cluster: its name prefixes the repository ids, its region holds them. */
  readonly cluster: ClusterSpec;
  readonly project: string;
}

/**
 * Artifact Registry remote repositories in the cluster's region, one per upstream registry the pinned
 * images come from (spec/image-mirror.ts). A remote repository fetches an image from its upstream on the
 * first pull and serves the cached copy afterwards; the nodes' service account reads it with
 * `roles/artifactregistry.reader` (node-identity.ts). Kept on `pulumi destroy` of nothing else: deleting a
 * repository deletes its cache only, never an upstream image.
 */
export class ImageMirror extends pulumi.ComponentResource {
  readonly repositories: readonly gcp.artifactregistry.Repository[];

  constructor(name: string, args: ImageMirrorArgs, opts?: pulumi.ComponentResourceOptions) {
    super('inference-gateway:infra:ImageMirror', name, {}, opts);
    const child = childOptions(this, opts);
    this.repositories = MIRRORED_REGISTRIES.map((registry) => {
      const repositoryId = mirrorRepositoryId(args.cluster.name, registry);
      const upstream: gcp.types.input.artifactregistry.RepositoryRemoteRepositoryConfig =
        'publicRepository' in registry.upstream
          ? { description: `${registry.host} mirror`, dockerRepository: { publicRepository: registry.upstream.publicRepository } }
          : { description: `${registry.host} mirror`, commonRepository: { uri: registry.upstream.uri } };
      return new gcp.artifactregistry.Repository(
        repositoryId,
        {
          project: args.project,
          location: args.cluster.region,
          repositoryId,
          format: 'DOCKER',
          mode: 'REMOTE_REPOSITORY',
          description: `Pull-through cache of ${registry.host} for GKE cluster ${args.cluster.name}`,
          remoteRepositoryConfig: upstream,
        },
        child,
      );
    });
    this.registerOutputs({ repositories: this.repositories.map((repository) => repository.name) });
  }
}
