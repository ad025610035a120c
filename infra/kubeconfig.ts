import * as pulumi from '@pulumi/pulumi';

export interface KubeconfigArgs {
  /** Cluster name; names the kubeconfig's cluster, user and context. */
  readonly name: pulumi.Input<string>;
  /** The control plane's address (an IP, without scheme). */
  readonly endpoint: pulumi.Input<string>;
  /** Base64 PEM of the cluster CA (the cluster's `masterAuth.clusterCaCertificate`). */
  readonly caCertificate: pulumi.Input<string>;
}

/** The credential plugin gcloud installs as a component; kubectl and the Pulumi provider both run it. */
export const GKE_AUTH_PLUGIN = 'gke-gcloud-auth-plugin';

/**
 * Makes the plugin mint its token from Application Default Credentials (golang.org/x/oauth2/google)
 * instead of running `gcloud config config-helper`, which needs its own `gcloud auth login`. ADC is what
 * the Google provider already uses, so the Kubernetes provider works wherever `pulumi up` does: a
 * workstation after `gcloud auth application-default login`, CI with Workload Identity Federation
 * (GOOGLE_APPLICATION_CREDENTIALS), Pulumi Deployments, a VM's attached service account. The spelling is
 * the one gcloud itself writes with `container/use_application_default_credentials` set
 * (googlecloudsdk/api_lib/container/kubeconfig.py, `_ExecAuthPlugin`).
 */
export const ADC_ARGUMENT = '--use_application_default_credentials';

/**
 * A kubeconfig for a GKE cluster that holds no credential: the `gke-gcloud-auth-plugin` exec plugin
 * mints a short-lived token from Application Default Credentials on every connection. A token baked
 * into the stack state (`getClientConfig`) would expire after an hour and break the next `pulumi up`.
 */
export function gkeKubeconfig(args: KubeconfigArgs): pulumi.Output<string> {
  return pulumi.all([args.name, args.endpoint, args.caCertificate]).apply(([name, endpoint, ca]) =>
    JSON.stringify({
      apiVersion: 'v1',
      kind: 'Config',
      clusters: [{ name, cluster: { server: `https://${endpoint}`, 'certificate-authority-data': ca } }],
      users: [
        {
          name,
          user: {
            exec: {
              apiVersion: 'client.authentication.k8s.io/v1beta1',
              command: GKE_AUTH_PLUGIN,
              args: [ADC_ARGUMENT],
              installHint: `Install ${GKE_AUTH_PLUGIN}: gcloud components install ${GKE_AUTH_PLUGIN} (see docs/deploy.md)`,
              provideClusterInfo: true,
            },
          },
        },
      ],
      contexts: [{ name, context: { cluster: name, user: name } }],
      'current-context': name,
    }),
  );
}
