/** Reading files and YAML a user points the tools at: what is refused, and that messages quote no content. */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseSpec, SpecError } from '../../spec';
import { printable, readTextFile, TextFileError } from '../../spec/text-file';
import { MAX_YAML_DEPTH, parseYamlText } from '../../spec/yaml-text';

const work = mkdtempSync(join(tmpdir(), 'igw-input-'));
const file = (name: string, content: string | Buffer) => {
  const path = join(work, name);
  writeFileSync(path, content);
  return path;
};

function reason(path: string, maxBytes = 1024): string {
  try {
    readTextFile(path, maxBytes);
  } catch (error) {
    if (error instanceof TextFileError) return error.reason;
    throw error;
  }
  throw new Error(`${path} was read`);
}

describe('readTextFile', () => {
  test('reads a regular UTF-8 file, through a symlink, without its byte order mark', () => {
    const path = file('spec.yaml', '\uFEFFnamespace: llm\n');
    symlinkSync(path, join(work, 'link.yaml'));
    expect(readTextFile(join(work, 'link.yaml'), 1024)).toBe('namespace: llm\n');
  });

  test('refuses a FIFO at once instead of waiting for a writer', () => {
    execFileSync('mkfifo', [join(work, 'fifo')]);
    expect(reason(join(work, 'fifo'))).toBe('is a FIFO (named pipe), not a regular file');
  });

  test('refuses a device and a directory without reading them', () => {
    expect(reason('/dev/zero')).toBe('is a character device, not a regular file');
    expect(reason(work)).toBe('is a directory, not a regular file');
  });

  test('refuses a file over the size limit', () => {
    expect(reason(file('big.yaml', 'a'.repeat(1025)))).toBe('is larger than the 1 KiB limit');
    expect(readTextFile(file('exact.yaml', 'a'.repeat(1024)), 1024)).toHaveLength(1024);
  });

  test('refuses bytes that are not UTF-8, and raw control characters, naming only their position', () => {
    expect(reason(file('latin1.yaml', Buffer.from([0x6b, 0x3a, 0x20, 0xe9, 0x0a])))).toBe('is not UTF-8 text (a binary file?)');
    expect(reason(file('nul.yaml', 'token: hunter2\u0000x\n'))).toBe('holds the control character U+0000 at line 1, column 15 (a binary file?)');
  });

  test('a missing file is "no such file"', () => {
    expect(reason(join(work, 'absent.yaml'))).toBe('no such file');
  });
});

test('printable escapes what would break a one-line message or fool a terminal', () => {
  expect(printable('a\nb\u001b[31m\u202Ec')).toBe('a\\u000Ab\\u001B[31m\\u202Ec');
});

describe('parseYamlText', () => {
  const problems = (text: string, multiDocument = false) => parseYamlText(text, multiDocument).problems.map((p) => `${p.line}:${p.col} ${p.message}`);

  test('finds a duplicate key with both positions, without quoting it', () => {
    expect(problems('secretName: a\nother: 1\nsecretName: b\n')).toEqual(['3:1 a key that appears twice in one mapping (first at line 1, column 1)']);
  });

  test('compares keys as the yaml library does: 1 and "1" are different keys', () => {
    expect(problems('1: a\n"1": b\n')).toEqual([]);
  });

  test('finds duplicates among many keys in one pass (100,000 keys)', () => {
    const keys = Array.from({ length: 100_000 }, (_, i) => `k${i}: ${i}`);
    expect(problems([...keys, 'k5: again'].join('\n'))).toEqual(['100001:1 a key that appears twice in one mapping (first at line 6, column 1)']);
  });

  test('stops an alias bomb with a message instead of expanding it', () => {
    const levels = ['a: &a [x, x, x, x, x, x, x, x, x, x]'];
    for (let i = 1; i < 9; i++) levels.push(`l${i}: &l${i} [${Array(10).fill(i === 1 ? '*a' : `*l${i - 1}`).join(', ')}]`);
    expect(problems(levels.join('\n'))).toEqual(['0:0 aliases that expand to more than 100 values']);
  });

  test('refuses an alias inside the value it names, which would make a cycle', () => {
    expect(problems('a: &a [1, *a]\n')).toEqual(['1:11 an alias inside the value it names (a cycle)']);
    expect(problems('a: &a [1]\nb: *a\n')).toEqual([]);
  });

  test('refuses nesting deeper than the limit', () => {
    const deep = `${'['.repeat(MAX_YAML_DEPTH + 1)}${']'.repeat(MAX_YAML_DEPTH + 1)}`;
    expect(problems(deep)).toEqual([`1:${MAX_YAML_DEPTH + 1} collections nested more than ${MAX_YAML_DEPTH} levels deep`]);
    const fine = `${'['.repeat(MAX_YAML_DEPTH)}${']'.repeat(MAX_YAML_DEPTH)}`;
    expect(problems(fine)).toEqual([]);
  });

  test('refuses a collection or an alias as a key', () => {
    expect(problems('? [a, b]\n: c\n')).toEqual(['1:3 a collection used as a key (keys must be plain text or numbers)']);
  });

  test('reports syntax errors by meaning, code and position, never with the source text', () => {
    const reported = problems('password: *hunter2\n');
    expect(reported).toEqual(['1:11 an alias names no anchor defined before it (BAD_ALIAS)']);
    expect(problems('a: [unclosed\n')).toEqual([expect.stringMatching(/^\d+:\d+ .*\((MISSING_CHAR|BAD_INDENT|UNEXPECTED_TOKEN)\)$/)]);
  });

  test('a spec is one document; a manifest file may hold several', () => {
    expect(problems('a: 1\n---\nb: 2\n')).toEqual([expect.stringMatching(/\(MULTIPLE_DOCS\)$/)]);
    expect(parseYamlText('a: 1\n---\nb: 2\n', true).documents.map((d) => d.value)).toEqual([{ a: 1 }, { b: 2 }]);
  });
});

test('a spec with a duplicate key is refused with its position, as a spec problem', () => {
  expect(() => parseSpec('namespace: a\nnamespace: b\n', 'spec.yaml')).toThrow(SpecError);
  expect(() => parseSpec('namespace: a\nnamespace: b\n', 'spec.yaml')).toThrow('(document): not valid YAML at line 2, column 1: a key that appears twice in one mapping (first at line 1, column 1)');
});
