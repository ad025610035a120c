/**
 * spec/yaml-writer.ts must write exactly what the yaml library writes (the library is the oracle here, run
 * with the options each caller used before: cdk8s' `Yaml.stringify` for manifests, the library's defaults
 * for config files), and must take its own fast path for the objects synth writes, or it buys nothing.
 */
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { Yaml } from 'cdk8s';
import { stringify } from 'yaml';
import { renderCharts, buildApp } from '../../charts-gen/app';
import { endpointPickerConfig } from '../../charts-gen/router-pool';
import { extensionRelease, loadSpecFile, poolMetrics, resolveSpec, syncerConfig, type DeploymentSpec } from '../../spec';
import { H200_SPEC, L4_SPEC } from './accelerator-specs';
import { fastYaml, manifestYaml, yamlText, type YamlDialect } from '../../spec/yaml-writer';

const library: Record<YamlDialect, (value: unknown) => string> = {
  kubernetes: (value) => Yaml.stringify(value),
  config: (value) => stringify(value),
};

const examplesDir = join(__dirname, '..', '..', 'examples');
const specs: [string, DeploymentSpec][] = [
  ['the defaults', resolveSpec({}, 'defaults')],
  ['namespace llm, the L4 pool', resolveSpec({ ...L4_SPEC, namespace: 'llm' }, 'l4')],
  ['the H200 pool', resolveSpec(H200_SPEC, 'h200')],
  ...readdirSync(examplesDir)
    .filter((file) => file.endsWith('.yaml') && !file.startsWith('Pulumi.'))
    .map((file): [string, DeploymentSpec] => [`examples/${file}`, loadSpecFile(join(examplesDir, file))]),
];

describe.each(specs)('the objects synth writes for %s', (name, spec) => {
  const documents = renderCharts(buildApp(spec, 'unused-outdir')).flatMap((chart) => chart.objects);

  test('are written as cdk8s writes them, nearly all through the fast path', () => {
    expect(documents.length).toBeGreaterThan(5);
    const slow: string[] = [];
    for (const document of documents) {
      expect({ kind: document.kind, text: manifestYaml(document) }).toEqual({ kind: document.kind, text: Yaml.stringify(document) });
      if (fastYaml(document, 'kubernetes') === undefined) slow.push(String(document.kind));
    }
    // The defaults hold no string the writer leaves to the library; a JSON string in a field (Model Armor's
    // settings), a CEL expression or a "*" in a rule does, and is written by the library.
    if (name === 'the defaults') expect(slow).toEqual([]);
    expect(slow.length).toBeLessThanOrEqual(documents.length / 10);
  });

  test('config files inside ConfigMaps are written as the library writes them, through the fast path', () => {
    for (const pool of spec.pools) {
      const configs = [syncerConfig(pool), endpointPickerConfig(poolMetrics(pool), extensionRelease(spec.inferenceExtension.version).endpointPickerMetricDefaults)];
      for (const config of configs) expect(fastYaml(config, 'config')).toBe(stringify(config));
    }
  });
});

test('a chart of several documents is joined as cdk8s joins them', () => {
  const documents = [{ kind: 'A', spec: { x: 1 } }, undefined, { kind: 'B', list: ['a', '1'] }];
  expect(manifestYaml(...documents)).toBe(Yaml.stringify(...documents));
});

/**
 * Strings on each edge of the writer's rules: words and numbers that read back as other types in YAML 1.1
 * or 1.2, indicators, comments, keys, document markers, blocks and their chomping, non-ASCII, control
 * characters and line lengths around the folding width.
 */
const EDGE_STRINGS = [
  '', 'a', 'A', 'abc', 'x y', 'y', 'Y', 'n', 'N', 'yes', 'Yes', 'YES', 'yEs', 'no', 'No', 'on', 'On', 'ON', 'off', 'Off', 'OFF',
  'true', 'True', 'TRUE', 'tRue', 'false', 'False', 'null', 'Null', 'NULL', 'nULL', '~', 'none', 'Infinity', 'NaN', 'nan', '.nan', '.inf', '-.inf',
  '0', '1', '8000', '0123', '089', '0x1F', '0o17', '0b101', '1_000', '1.5', '1.', '.5', '1e3', '1E3', '1e', '+1', '-1', '1:20', '1:20.5',
  '2025-01-01', '2025-01-01T10:00:00Z', '2025.1.1', '2025-1.1.1', '10.4.0.0/14', '1.2.3', '0.1.0', '1.2.', '1..2', '1.2.3e5', '1.2.3:4', '1.2.3 a', '1.32.3-gke.1785000', 'v1.2.3', '<<', '---', '...', '--- a', 'a---',
  '24Gi', '100m', '5s', '1e', '1E', '12e34', '0xAF', '0XAF', '0o7', '0b1', '0B1', '1b', '1x', '1o', '1O', '7f3a', 'e1', 'E12', 'e1a', 'ee1', 'e+17', 'E-4', '-e9', '-E+5', '--e9', 'e+', 'e-x', 'abc1e5', '599c7534494ddc42b96feed334f32d11',
  '-', '- a', '-a', '--a', '--model', '--tracing=false', '---a', '-1a', '-.inf', '--', '-- a', '-a b', '-a:', '-y', '--no', '?', '? a', '?a', ':', ':a', 'a:', 'a: b', 'a:b', 'a :b', 'http://x:80/a', '/v1/completions', '/',
  '#', 'a #b', 'a#b', '#a', '&a', '*a', '!a', '|', '>', '%a', '@a', '`a', '"a"', "'a'", "it's", 'say "hi"', 'a\\b',
  '[a]', '{a}', 'a,b', 'a, b', 'a[0]', 'a{b}', '(a)', 'a=b', 'a+b', 'a b c', ' a', 'a ', '  ', '\t', 'a\tb',
  'é', 'naïve', '日本', '\u0000', '\u0007', '\u007f', '\u0085', '\u2028', '\ud800',
  'line\n', 'line', 'one\ntwo', 'one\ntwo\n', 'one\ntwo\n\n', 'one\n\ntwo\n', 'one \ntwo\n', 'one\n  two\n', ' one\ntwo\n', '\none\n',
  'one\ntwo ', 'one\n  ', 'a: b\nc: d\n', '- a\n- b\n', '# c\nx\n', '---\nx\n', 'x\n---\n', 'tab\there\n',
  'a'.repeat(39), `${'a'.repeat(20)} ${'b'.repeat(19)}`, `${'a'.repeat(20)} ${'b'.repeat(20)}`, `${'a '.repeat(45)}b`, 'a'.repeat(120),
  `${'word '.repeat(20)}\nshort\n`, `short\n${'x'.repeat(90)}\n`,
];

/** Where a string can stand in a document: a map value, a map key, a list item, nested under both. */
function placements(text: string): unknown[] {
  return [{ key: text }, { [text]: 'value' }, { list: [text] }, { outer: { inner: [{ name: text, other: text }] } }, { [text]: { [text]: [text] } }];
}

describe.each(['kubernetes', 'config'] as const)('in the %s dialect', (dialect) => {
  test.each(EDGE_STRINGS.map((text) => [JSON.stringify(text), text]))('the string %s is written as the library writes it', (_shown, text) => {
    for (const document of placements(text)) expect(yamlText(document, dialect)).toBe(library[dialect](document));
  });

  test('plain words, digits and blocks take the fast path (the test above would pass with none)', () => {
    for (const text of ['abc', 'x y', '/v1/completions', 'http://x:80/a', '--port', '-v', '0.1.0', '10.4.0.0/14', '24Gi', '5s', '8000', 'true', '', 'one\ntwo\n', 'one\ntwo']) {
      expect(fastYaml({ key: text, list: [text] }, dialect)).toBe(library[dialect]({ key: text, list: [text] }));
    }
  });

  test('values of every other JSON type, and some that are not JSON, are written as the library writes them', () => {
    const values: unknown[] = [
      0, 1, -1, 42, 2 ** 53 - 1, 2 ** 53, 1e21, -0, 0.5, 1.25e-7, NaN, Infinity, -Infinity, true, false, null, undefined,
      [], {}, [[]], [{}], [[1, 2], [3]], [{ a: 1 }, { b: [] }], { a: { b: { c: {} } } }, [null, true, 'x'], new Date(0), Object.create(null),
    ];
    for (const value of values) {
      for (const document of [{ key: value }, { list: [value] }, { nested: { list: [{ key: value }] } }]) {
        expect(yamlText(document, dialect)).toBe(library[dialect](document));
      }
    }
  });

  test('an object met twice is written with the anchor and alias the library gives it', () => {
    const shared = { app: 'x' };
    const document = { a: shared, b: shared };
    expect(fastYaml(document, dialect)).toBeUndefined();
    expect(yamlText(document, dialect)).toBe(library[dialect](document));
    expect(yamlText(document, dialect)).toContain('*a1');
  });

  test('random documents of edge strings are written as the library writes them', () => {
    // A fixed seed: a failure names its case and reproduces.
    let seed = 20261205;
    const random = (n: number): number => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed % n;
    };
    // Short strings over the characters the rules turn on, to find the cases no list above thought of.
    const alphabet = 'aeEynNoOxb019.-_:/ #\'"\n~+*%';
    const randomString = (): string => Array.from({ length: random(7) }, () => alphabet[random(alphabet.length)]).join('');
    const text = (): string => (random(2) === 0 ? EDGE_STRINGS[random(EDGE_STRINGS.length)] : randomString());
    const value = (depth: number): unknown => {
      const pick = random(depth > 3 ? 3 : 6);
      if (pick === 0) return text();
      if (pick === 1) return random(3) === 0 ? null : random(1000);
      if (pick === 2) return random(2) === 0;
      if (pick === 3) return Array.from({ length: random(4) }, () => value(depth + 1));
      return Object.fromEntries(Array.from({ length: random(4) }, () => [text(), value(depth + 1)]));
    };
    let fast = 0;
    for (let i = 0; i < 1000; i++) {
      const document = { root: value(0), [`k${i}`]: value(1) };
      expect({ i, text: yamlText(document, dialect) }).toEqual({ i, text: library[dialect](document) });
      if (fastYaml(document, dialect) !== undefined) fast++;
    }
    // Any document holding one string the writer leaves to the library goes to the library whole; the
    // comparison above proves something only if many documents were written by the writer itself.
    expect(fast).toBeGreaterThan(500);
  });
});
