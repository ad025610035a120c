/**
 * The user docs: every relative link in docs/*.md and README.md reaches a file, and an anchor reaches a
 * heading or an `<a id>` of that file (heading anchors as GitHub renders them); the quick start's spec
 * synthesizes manifests the validator reports clean, and every `npm run` it shows is a script.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { parseSpec } from '../../spec';
import { specProblems } from '../spec/helpers';
import { lines, synthObjects, validate } from '../validate/helpers';
import { parse } from 'yaml';

const root = join(__dirname, '..', '..');
const docs = join(root, 'docs');
const pages = [join(root, 'README.md'), ...readdirSync(docs).filter((name) => name.endsWith('.md')).map((name) => join(docs, name))];

/** GitHub's heading anchor: lower case, punctuation other than "-" and "_" dropped, each space a "-". */
function slug(heading: string): string {
  return heading
    .replace(/`/g, '')
    .trim()
    .toLowerCase()
    .replace(/[^\p{L}\p{N} _-]/gu, '')
    .replace(/ /g, '-');
}

/** The anchors a page offers: its headings (a repeated one gets -1, -2...) and its `<a id="...">`s. */
function anchors(text: string): Set<string> {
  const found = new Set<string>();
  const seen = new Map<string, number>();
  const prose = text.replace(/^```[\s\S]*?^```/gm, '');
  for (const [, heading] of prose.matchAll(/^#{1,6} +(.+?) *#*$/gm)) {
    const base = slug(heading);
    const count = seen.get(base) ?? 0;
    seen.set(base, count + 1);
    found.add(count === 0 ? base : `${base}-${count}`);
  }
  for (const [, id] of prose.matchAll(/<a id="([^"]+)"/g)) found.add(id);
  return found;
}

/** Every relative link of a page that does not resolve, as `page: target`. */
function brokenLinks(page: string, text: string, read: (file: string) => string | undefined): string[] {
  const broken: string[] = [];
  const prose = text.replace(/^```[\s\S]*?^```/gm, '').replace(/`[^`\n]*`/g, '');
  for (const [, target] of prose.matchAll(/\]\(([^)\s]+)\)/g)) {
    if (/^[a-z]+:/i.test(target)) continue;
    const [path, anchor] = target.split('#', 2);
    const file = path === '' ? page : resolve(dirname(page), path);
    const content = read(file);
    if (content === undefined) broken.push(`${relative(root, page)}: ${target}`);
    else if (anchor !== undefined && file.endsWith('.md') && !anchors(content).has(anchor)) broken.push(`${relative(root, page)}: ${target}`);
  }
  return broken;
}

function readIfExists(file: string): string | undefined {
  if (!existsSync(file)) return undefined;
  return statSync(file).isDirectory() ? '' : readFileSync(file, 'utf8');
}

describe('links between the docs', () => {
  test('the checker finds a missing file, a missing anchor, and accepts a heading with code and punctuation', () => {
    const page = join(docs, 'page.md');
    const other = '# Is it stale? (`synth --check`)\n<a id="quotas"></a>\n';
    const read = (file: string) => (file === join(docs, 'other.md') ? other : undefined);
    expect(brokenLinks(page, '[a](other.md#is-it-stale-synth---check) [b](other.md#quotas)', read)).toEqual([]);
    expect(brokenLinks(page, '[a](gone.md) [b](other.md#nowhere)', read)).toEqual(['docs/page.md: gone.md', 'docs/page.md: other.md#nowhere']);
  });

  test.each(pages.map((page) => [relative(root, page), page]))('%s links only to what exists', (_name, page) => {
    expect(brokenLinks(page, readFileSync(page, 'utf8'), readIfExists)).toEqual([]);
  });

  test('the README links the quick start first', () => {
    const readme = readFileSync(join(root, 'README.md'), 'utf8');
    const table = readme.slice(readme.indexOf('## Where to go next'));
    expect(table.match(/\]\(([^)]+)\)/)?.[1]).toBe('docs/quickstart.md');
  });
});

describe('the quick start', () => {
  const text = readFileSync(join(docs, 'quickstart.md'), 'utf8');
  const specText = [...text.matchAll(/```yaml\n([\s\S]*?)```/g)].map((match) => match[1])[0];

  test('its spec synthesizes manifests the validator reports clean', () => {
    const spec = parseSpec(specText, 'docs/quickstart.md');
    expect(spec.namespace).toBe('llm');
    expect(lines(validate(synthObjects(spec), spec))).toEqual([]);
  });

  test('the mistake it shows (replicas: 3) is refused with the message it quotes', () => {
    const document = parse(specText.replace('replicas: 2', 'replicas: 3'));
    expect(specProblems(document)).toEqual([expect.stringMatching(/^cluster\.gpuPool\.maxNodes: the pools need 3 GPUs .* raise maxNodes to at least 3 or lower the replicas$/)]);
    // The quote as the page has it (its `...` stands for the part it leaves out), so editing either side fails here.
    const quote = /the same spec says\s+`([^`]+)`/.exec(text)?.[1];
    expect(quote).toMatch(/^cluster\.gpuPool\.maxNodes: /);
    const quoted = new RegExp(`^${String(quote).split('...').map((part) => part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('.*')}$`);
    expect(specProblems(document)).toEqual([expect.stringMatching(quoted)]);
  });

  test('every npm run it shows is a script of package.json', () => {
    const scripts = Object.keys(JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')).scripts);
    const used = [...text.matchAll(/npm run ([a-z-]+)/g)].map((match) => match[1]);
    expect(used.length).toBeGreaterThan(3);
    expect(used.filter((name) => !scripts.includes(name))).toEqual([]);
  });
});
