/**
 * Issue 19: `modelServer.weightsFrom: gcs`: a Job fills the bucket from Hugging Face (the only user of the
 * token) and vLLM streams the model from the bucket as its own service account.
 */
import { GUIDE_POOL_NAME, resolveSpec } from '../../spec';
import { DEPENDS_ON_ANNOTATION } from '../../charts-gen/apply-order';
import { findObject, synthDocument, type K8sObject } from './helpers';
import { specProblems } from '../spec/helpers';
import { lines, synthObjects, validate } from '../validate/helpers';

const GA = { version: 'llm-d-v0.10.0' };
const GCS = { inferenceExtension: GA, pools: [{ name: GUIDE_POOL_NAME, modelServer: { weightsFrom: 'gcs', weightsBucket: 'my-weights' } }] };
const FILL = `${GUIDE_POOL_NAME}-fill`;
const URI = 'gs://my-weights/meta-llama/Llama-3.1-8B-Instruct';

/** Every place an object reads the Hugging Face token Secret. */
function tokenReaders(objects: readonly K8sObject[]): string[] {
  return objects.flatMap((object) => {
    const pod = object.spec?.template?.spec;
    if (pod === undefined) return [];
    return [...(pod.initContainers ?? []), ...pod.containers]
      .filter((container: { env?: { valueFrom?: { secretKeyRef?: { name: string } } }[] }) => (container.env ?? []).some((env) => env.valueFrom?.secretKeyRef?.name === 'hf-token'))
      .map((container: { name: string }) => `${object.kind}/${object.metadata.name}/${container.name}`);
  });
}

describe('weights from a bucket (GA profile)', () => {
  const objects = synthDocument(GCS);
  const deployment = findObject(objects, 'Deployment', GUIDE_POOL_NAME);
  const vllm = deployment.spec.template.spec.containers[0];

  test('vLLM streams the model from the bucket and still serves it under its Hugging Face name', () => {
    const args: string[] = vllm.args;
    expect(args.slice(0, 6)).toEqual(['--model', URI, '--served-model-name', 'meta-llama/Llama-3.1-8B-Instruct', '--load-format', 'runai_streamer']);
    expect(args.filter((arg) => arg === '--model')).toHaveLength(1);
  });

  test('the model server runs as its own service account, which pulumi up lets read the bucket', () => {
    expect(deployment.spec.template.spec.serviceAccountName).toBe(GUIDE_POOL_NAME);
    expect(findObject(objects, 'ServiceAccount', GUIDE_POOL_NAME).automountServiceAccountToken).toBe(false);
  });

  test('a one-time Job downloads from Hugging Face and uploads to the same gs:// path, as its own account', () => {
    const job = findObject(objects, 'Job', FILL);
    const pod = job.spec.template.spec;
    expect(pod.serviceAccountName).toBe(FILL);
    expect(pod.restartPolicy).toBe('OnFailure');
    const upload = pod.containers[0];
    expect(upload.command.slice(0, 4)).toEqual(['gcloud', 'storage', 'rsync', '--recursive']);
    expect(upload.command[upload.command.length - 1]).toBe(URI);
    const download = pod.initContainers[0];
    // No spec value inside the program: the model id arrives as an environment variable.
    expect(download.command[2]).not.toContain('meta-llama');
    expect(download.env).toEqual(expect.arrayContaining([{ name: 'MODEL', value: 'meta-llama/Llama-3.1-8B-Instruct' }]));
    expect(upload.command[upload.command.length - 2]).toBe(download.env.find((env: { name: string }) => env.name === 'TARGET').value);
  });

  test('the Hugging Face token is read by the Job only', () => {
    expect(tokenReaders(objects)).toEqual([`Job/${FILL}/download`]);
    expect(tokenReaders(synthDocument({ inferenceExtension: GA }))).toEqual([`Deployment/${GUIDE_POOL_NAME}/vllm`]);
  });

  test('the Deployment is applied after the Job and its service account (Pulumi, Config Sync, Argo CD waves)', () => {
    const dependsOn: string = deployment.metadata.annotations?.[DEPENDS_ON_ANNOTATION] ?? '';
    expect(dependsOn.split(',')).toEqual(expect.arrayContaining([`batch/namespaces/default/Job/${FILL}`, `/namespaces/default/ServiceAccount/${GUIDE_POOL_NAME}`]));
    const wave = (object: K8sObject) => Number(object.metadata.annotations?.['argocd.argoproj.io/sync-wave'] ?? 0);
    expect(wave(deployment)).toBeGreaterThan(wave(findObject(objects, 'Job', FILL)));
  });

  test('every object validates', () => {
    const spec = resolveSpec(GCS, 'test');
    expect(lines(validate(synthObjects(spec), spec))).toEqual([]);
  });
});

describe('without weightsFrom nothing changes', () => {
  test('no Job, no service account, and the pod template of the default (huggingface) is the one written out explicitly', () => {
    const objects = synthDocument({});
    expect(objects.filter((object) => object.kind === 'Job' || object.kind === 'ServiceAccount' && object.metadata.name === GUIDE_POOL_NAME)).toEqual([]);
    const template = (document: unknown) => JSON.stringify(findObject(synthDocument(document), 'Deployment', GUIDE_POOL_NAME).spec.template);
    expect(template({ pools: [{ name: GUIDE_POOL_NAME, modelServer: { weightsFrom: 'huggingface' } }] })).toBe(template({}));
  });
});

describe('spec errors', () => {
  test("the guide profile's vLLM 0.8.5 cannot stream from gs://: the error names the version", () => {
    expect(specProblems({ pools: [{ name: GUIDE_POOL_NAME, modelServer: { weightsFrom: 'gcs', weightsBucket: 'my-weights' } }] })).toEqual([
      expect.stringMatching(/^pools\[0\]\.modelServer\.weightsFrom: gcs needs vLLM 0\.11\.1 or later.*this pool runs vLLM 0\.8\.5/),
    ]);
  });

  test('gcs without a bucket, and a bucket without gcs', () => {
    expect(specProblems({ inferenceExtension: GA, pools: [{ name: GUIDE_POOL_NAME, modelServer: { weightsFrom: 'gcs' } }] })).toEqual([
      expect.stringMatching(/^pools\[0\]\.modelServer\.weightsBucket: is required when weightsFrom is gcs/),
    ]);
    expect(specProblems({ pools: [{ name: GUIDE_POOL_NAME, modelServer: { weightsBucket: 'my-weights' } }] })).toEqual([
      expect.stringMatching(/^pools\[0\]\.modelServer\.weightsBucket: is read only with weightsFrom gcs/),
    ]);
  });

  test('a bucket name is checked before it reaches gs:// URIs and gcloud', () => {
    expect(specProblems({ inferenceExtension: GA, pools: [{ name: GUIDE_POOL_NAME, modelServer: { weightsFrom: 'gcs', weightsBucket: 'Bad Bucket/../x' } }] })).toEqual([
      expect.stringMatching(/^pools\[0\]\.modelServer\.weightsBucket: must be a bucket name/),
    ]);
  });
});

test('in file order (kubectl apply -f, Flux) the service accounts and the Job come before the Deployment', () => {
  const order = synthDocument(GCS).map((object) => `${object.kind}/${object.metadata.name}`);
  const at = (key: string) => order.indexOf(key);
  expect(at(`ServiceAccount/${FILL}`)).toBeLessThan(at(`Job/${FILL}`));
  expect(at(`Job/${FILL}`)).toBeLessThan(at(`Deployment/${GUIDE_POOL_NAME}`));
  expect(at(`ServiceAccount/${GUIDE_POOL_NAME}`)).toBeLessThan(at(`Deployment/${GUIDE_POOL_NAME}`));
});
