/** Manifests written as JSON (synth's CRD files) are read with JSON.parse, and judged as the YAML parser would. */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { hasDuplicateJsonKey, readManifestDirectory } from '../../validate/manifest-files';

function read(text: string) {
  const dir = mkdtempSync(join(tmpdir(), 'igw-json-manifest-'));
  writeFileSync(join(dir, 'x.yaml'), text);
  return readManifestDirectory(dir);
}

test('a JSON object after comment lines is one document, as the YAML parser would read it', () => {
  const text = '# a comment\n{\n  "apiVersion": "v1",\n  "kind": "ConfigMap",\n  "metadata": {"name": "a", "labels": {"x": "[,{"}},\n  "data": {"k": "v \\" }"}\n}\n';
  const { objects, problems } = read(text);
  expect(problems).toEqual([]);
  expect(objects.map((o) => o.object)).toEqual([{ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'a', labels: { x: '[,{' } }, data: { k: 'v " }' } }]);
});

test('a key twice in one object is found, also spelled with an escape, and then reported by the YAML parser', () => {
  expect(hasDuplicateJsonKey('{"a": 1, "b": {"a": 2}, "c": [{"a": 1}, {"a": 2}]}')).toBe(false);
  expect(hasDuplicateJsonKey('{"a": 1, "b": 2, "a": 3}')).toBe(true);
  expect(hasDuplicateJsonKey('{"a": 1, "\\u0061": 2}')).toBe(true);
  expect(hasDuplicateJsonKey('{"x": {"k": ["a", "b"], "k": 1}}')).toBe(true);
  const { objects, problems } = read('{"apiVersion": "v1", "kind": "ConfigMap", "kind": "Secret"}\n');
  expect(objects).toEqual([]);
  expect(problems.map((p) => p.message)).toEqual([expect.stringMatching(/a key that appears twice in one mapping/)]);
});

test('text that only starts like JSON goes to the YAML parser and its messages', () => {
  const { problems } = read('{"apiVersion": "v1", "kind": \n');
  expect(problems).toHaveLength(1);
  expect(problems[0].message).toMatch(/^not valid YAML at line \d+, column \d+/);
});
