/** Issue 19: the probes and Pulumi's wait cover the slowest cold start docs/performance.md models. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { MODEL_SERVER_TIMEOUT_SECONDS } from '../../infra/manifests';
import { COLD_START_STAGES, coldStartSeconds, GUIDE_POOL_NAME, inContainerSlowestSeconds } from '../../spec';
import { findObject, synthDocument } from '../charts/helpers';

const probe = (document: unknown) => findObject(synthDocument(document), 'Deployment', GUIDE_POOL_NAME).spec.template.spec.containers[0].startupProbe;

test('the startup probe lasts longer than the slowest path inside the container (download, load, engine start)', () => {
  for (const document of [{}, { inferenceExtension: { version: 'llm-d-v0.10.0' }, pools: [{ name: GUIDE_POOL_NAME, modelServer: { weightsFrom: 'gcs', weightsBucket: 'b-weights' } }] }]) {
    const { initialDelaySeconds, failureThreshold, periodSeconds } = probe(document);
    expect(initialDelaySeconds + failureThreshold * periodSeconds).toBeGreaterThan(inContainerSlowestSeconds());
  }
});

test("pulumi up waits for a model server longer than the whole slowest path (node, image, weights, start)", () => {
  expect(MODEL_SERVER_TIMEOUT_SECONDS).toBeGreaterThan(coldStartSeconds('slowest'));
});

test('each stage names its source, and the fastest path is never slower than the slowest', () => {
  for (const stage of COLD_START_STAGES) {
    expect(stage.source.length).toBeGreaterThan(10);
    expect(stage.fastest).toBeLessThanOrEqual(stage.slowest);
  }
});

test("docs/performance.md states the model's totals", () => {
  const doc = readFileSync(join(__dirname, '../../docs/performance.md'), 'utf8');
  expect(doc).toContain(`about ${Math.round(coldStartSeconds('slowest') / 60)} min`);
  expect(doc).toContain(`about ${Math.round(coldStartSeconds('fastest') / 10) * 10} s`);
  expect(doc).toContain(`about ${Math.round(inContainerSlowestSeconds() / 60)} minutes`);
});
