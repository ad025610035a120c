import { Construct } from 'constructs';
import { k8s } from 'cdk8s-plus-30';
import { CLOUD_SDK_IMAGE } from '../spec';
import { applyAfter } from './apply-order';
import { ModelServer } from './model-server';
import { containerSecurity, RUNTIME_DEFAULT_SECCOMP } from './security';

export interface WeightsFillProps {
  readonly namespace: string;
  /** The Job's name, and its Kubernetes service account's (which may write the bucket). */
  readonly name: string;
  /** Hugging Face repository of the base model. */
  readonly model: string;
  /** `gs://<bucket>/<path>` the model's files are copied to. */
  readonly uri: string;
  /** The vLLM image: it has `huggingface_hub`, and GPU nodes may already have it. */
  readonly downloaderImage: string;
  /** Secret (key `token`) with the Hugging Face token: read here and nowhere else. */
  readonly hfTokenSecret: string;
}

/**
 * A one-time Job that copies a model from Hugging Face into Cloud Storage: an init container downloads
 * the repository with `huggingface_hub.snapshot_download` (the only holder of the Hugging Face token),
 * then `gcloud storage rsync` uploads it as the Job's service account (Workload Identity).
 *
 * The repository id and target reach the downloader as environment variables, never inside the Python
 * source, so no spec value is ever parsed as code; every command is an argument list, with no shell.
 * `original/` is skipped: Meta's repositories keep a second, consolidated copy of the weights there that
 * vLLM does not read. Who waits on it: the model server Deployment applies after it (depends-on, Argo CD
 * sync wave), and `pulumi up` waits for a Job to complete, so vLLM never starts on an empty bucket.
 * Kept after it completes (no ttlSecondsAfterFinished): a GitOps tool would re-create a deleted Job and copy
 * the model again.
 */
export class WeightsFill extends Construct {
  static readonly MODEL_DIRECTORY = '/model';
  /** The downloader's program; it reads every value from its environment. */
  static readonly DOWNLOAD_SCRIPT = [
    'import os',
    'from huggingface_hub import snapshot_download',
    "snapshot_download(repo_id=os.environ['MODEL'], local_dir=os.environ['TARGET'], ignore_patterns=['original/*'])",
  ].join('\n');
  /**
   * Node disk the copy reserves: the guide's 8B model is 16 GB; the scheduler places the Job on a node with
   * this much free ephemeral storage (the system pool's 100 GB boot disks have it).
   */
  static readonly SCRATCH = '40Gi';

  readonly job: k8s.KubeJob;
  readonly serviceAccount: k8s.KubeServiceAccount;

  constructor(scope: Construct, id: string, props: WeightsFillProps) {
    super(scope, id);
    const { namespace, name } = props;
    this.serviceAccount = new k8s.KubeServiceAccount(this, 'ServiceAccount', {
      metadata: { name, namespace },
      automountServiceAccountToken: false,
    });
    const volumeMounts = [{ name: 'model', mountPath: WeightsFill.MODEL_DIRECTORY }];
    // Network-bound copies; small enough to fit a system node beside the endpoint picker.
    const requests = { cpu: k8s.Quantity.fromString('1'), memory: k8s.Quantity.fromString('2Gi') };

    this.job = new k8s.KubeJob(this, 'Job', {
      metadata: { name, namespace },
      spec: {
        // A failed download or upload is retried a few times (Hugging Face and Cloud Storage both have
        // transient errors), then the Job fails and says so instead of retrying forever.
        backoffLimit: 4,
        template: {
          spec: {
            serviceAccountName: name,
            automountServiceAccountToken: false,
            restartPolicy: 'OnFailure',
            securityContext: RUNTIME_DEFAULT_SECCOMP,
            initContainers: [
              {
                name: 'download',
                image: props.downloaderImage,
                imagePullPolicy: 'IfNotPresent',
                command: ['python3', '-c', WeightsFill.DOWNLOAD_SCRIPT],
                env: [
                  { name: 'MODEL', value: props.model },
                  { name: 'TARGET', value: WeightsFill.MODEL_DIRECTORY },
                  { name: 'HF_TOKEN', valueFrom: { secretKeyRef: { name: props.hfTokenSecret, key: ModelServer.HF_TOKEN_KEY } } },
                  { name: 'HF_HOME', value: `${WeightsFill.MODEL_DIRECTORY}/.cache/huggingface` },
                ],
                resources: { requests: { ...requests, 'ephemeral-storage': k8s.Quantity.fromString(WeightsFill.SCRATCH) } },
                securityContext: containerSecurity(),
                volumeMounts,
              },
            ],
            containers: [
              {
                name: 'upload',
                image: CLOUD_SDK_IMAGE,
                imagePullPolicy: 'IfNotPresent',
                // The download's own cache directory stays behind.
                command: ['gcloud', 'storage', 'rsync', '--recursive', '--exclude=^\\.cache/', WeightsFill.MODEL_DIRECTORY, props.uri],
                resources: { requests },
                securityContext: containerSecurity(),
                volumeMounts,
              },
            ],
            volumes: [{ name: 'model', emptyDir: {} }],
          },
        },
      },
    });
    // Its pods are refused until their service account exists.
    applyAfter(this.job, this.serviceAccount);
  }
}
