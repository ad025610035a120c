/** Manifests written as JSON (synth's CRD files) are read with JSON.parse, and judged as the YAML parser would. */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MAX_YAML_DEPTH } from '../../spec/yaml-text';
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

test('JSON nested deeper than the YAML limit is refused as the YAML parser refuses it, at the collection past the limit', () => {
  const deep = (levels: number) => `{"apiVersion": "v1", "kind": "ConfigMap", "x": ${'['.repeat(levels - 1)}${']'.repeat(levels - 1)}}\n`;
  const limit = read(`# synth's comment\n${deep(MAX_YAML_DEPTH)}`);
  expect(limit.problems).toEqual([]);
  expect(limit.objects).toHaveLength(1);
  const over = read(`# synth's comment\n${deep(5_000)}`);
  expect(over.objects).toEqual([]);
  expect(over.problems.map((p) => p.message)).toEqual([`not valid YAML at line 2, column ${47 + MAX_YAML_DEPTH}: collections nested more than ${MAX_YAML_DEPTH} levels deep`]);
  // The same nesting written as YAML gets the same message from the YAML parser.
  const yaml = read(`x: ${'['.repeat(MAX_YAML_DEPTH)}${']'.repeat(MAX_YAML_DEPTH)}\n`);
  expect(yaml.problems.map((p) => p.message)).toEqual([expect.stringMatching(new RegExp(`: collections nested more than ${MAX_YAML_DEPTH} levels deep$`))]);
});
