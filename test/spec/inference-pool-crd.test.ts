/**
 * Fields follow the InferencePool CRD GKE installs at the cluster's minimum version: one lookup
 * (spec/versions.ts GKE_INFERENCE_POOL_CRDS) decides what the constructs emit and what the validator
 * checks against.
 */
import { Testing } from 'cdk8s';
import { ModelServer } from '../../charts-gen/model-server';
import { RouterPool } from '../../charts-gen/router-pool';
import {
  compareReleaseTags,
  extensionRelease,
  GKE_INFERENCE_POOL_CRDS,
  inferencePoolCrd,
  inferencePoolHas,
  INFERENCE_POOL_FIELDS_SINCE,
  poolMetrics,
  resolveSpec,
} from '../../spec';
import { PINNED_SCHEMAS } from '../../validate/pinned-schemas';
import { inferencePoolV1File, schemasForCluster } from '../../validate/validator';
import { buildModelServer, guidePool } from '../charts/helpers';

describe('the CRD lookup', () => {
  test('the GA profile minimum (1.34.0-gke.1626000) has the v1.0.0 CRD, which lacks appProtocol (added in v1.4.0)', () => {
    expect(inferencePoolCrd(extensionRelease('llm-d-v0.10.0').minGkeVersion)).toBe('v1.0.0');
    expect(INFERENCE_POOL_FIELDS_SINCE.appProtocol).toBe('v1.4.0');
    expect(inferencePoolHas('v1.0.0', 'appProtocol')).toBe(false);
    expect(inferencePoolHas('v1.3.0', 'appProtocol')).toBe(false);
    expect(inferencePoolHas('v1.4.0', 'appProtocol')).toBe(true);
    expect(inferencePoolHas('v1.10.0', 'appProtocol')).toBe(true);
  });

  test('rows are ordered by GKE version and never lose a field to a newer row', () => {
    const tags = GKE_INFERENCE_POOL_CRDS.map((row) => row.crd);
    expect([...tags].sort(compareReleaseTags)).toEqual(tags);
  });

  test('every CRD the lookup can answer is pinned for the validator', () => {
    const pinned = new Set(PINNED_SCHEMAS.map((schema) => schema.file));
    for (const row of GKE_INFERENCE_POOL_CRDS) expect(pinned).toContain(inferencePoolV1File(row.crd));
  });
});

describe('the RouterPool construct', () => {
  const pool = guidePool();
  const render = (inferencePoolCrdVersion: string | undefined) => {
    const chart = Testing.chart();
    const modelServer: ModelServer = buildModelServer(chart, pool);
    const release = extensionRelease('llm-d-v0.10.0');
    new RouterPool(chart, 'Pool', {
      namespace: 'default',
      modelServer,
      release,
      name: 'p',
      endpointPicker: { replicas: 2, image: release.endpointPickerImage, resources: { cpu: '1', memory: '2Gi' } },
      vllmMetrics: poolMetrics(pool),
      backendTimeoutSeconds: 300,
      inferencePoolCrd: inferencePoolCrdVersion,
    });
    return (Testing.synth(chart) as { kind: string; spec: Record<string, unknown> }[]).find((object) => object.kind === 'InferencePool');
  };

  test('emits appProtocol only for a CRD that has it', () => {
    expect(render('v1.0.0')?.spec).not.toHaveProperty('appProtocol');
    expect(render(undefined)?.spec).not.toHaveProperty('appProtocol');
    expect(render('v1.6.0')?.spec.appProtocol).toBe('http');
  });
});

describe('the validator schema set', () => {
  const texts = new Map(PINNED_SCHEMAS.map((schema) => [schema.file, `# ${schema.file}`]));

  test('keeps only the InferencePool v1 CRD of the cluster minimum version, and every other file', () => {
    const selected = schemasForCluster(texts, resolveSpec({ inferenceExtension: { version: 'llm-d-v0.10.0' } }, 'GA'));
    expect(selected.has(inferencePoolV1File('v1.0.0'))).toBe(true);
    expect(selected.has(inferencePoolV1File('v1.6.0'))).toBe(false);
    expect(selected.size).toBe(texts.size - 1);
    expect(schemasForCluster(texts, undefined)).toBe(schemasForCluster(texts, resolveSpec({}, 'guide')));
  });
});
