/**
 * One grammar for every command, run as the real entry points with the environment `npm run <command>`
 * gives them: npm starts the script in the project directory and passes the user's directory as INIT_CWD
 * (and the script's name as npm_lifecycle_event), so a path the user typed is read from where they typed it.
 */
import { mkdirSync, mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { parseCommandLine, userPath, UsageError } from '../../spec/command-line';
import { runTool } from '../safety/helpers';

const root = join(__dirname, '..', '..');

describe('userPath', () => {
  test('a relative path under npm run <command> is read from INIT_CWD, returned relative to the working directory', () => {
    expect(userPath('spec.yaml', { INIT_CWD: '/home/me/specs', npm_lifecycle_event: 'synth' }, 'synth', '/home/me/project')).toBe('../specs/spec.yaml');
  });
  test('an absolute path, another npm script (npm test running a tool) or no npm leaves the path as typed', () => {
    expect(userPath('/abs/spec.yaml', { INIT_CWD: '/elsewhere', npm_lifecycle_event: 'synth' }, 'synth', '/p')).toBe('/abs/spec.yaml');
    expect(userPath('spec.yaml', { INIT_CWD: '/elsewhere', npm_lifecycle_event: 'test' }, 'synth', '/p')).toBe('spec.yaml');
    expect(userPath('spec.yaml', {}, 'synth', '/p')).toBe('spec.yaml');
  });
});

describe('util.parseArgs underneath, with what it leaves out', () => {
  const line = { options: { '--out': ['-o'] }, flags: ['--check'], positional: { max: 1, name: 'spec file' } } as const;
  const message = (args: string[]): string => {
    try {
      parseCommandLine(args, line);
    } catch (error) {
      if (error instanceof UsageError) return error.message;
      throw error;
    }
    return 'no error';
  };
  test.each([
    [['-o', 'a', '--out=b'], '--out is given twice'],
    [['--check', '--check'], '--check is given twice'],
    [['--out', '--check'], '--out needs a value'],
    [['--check=1'], '--check takes no value'],
  ])('%j: %s', (args, expected) => expect(message(args)).toBe(expected));
  test('a value starting with a dash can be given with =, and a lone dash is a value', () => {
    expect(parseCommandLine(['--out=-x'], line).options.get('--out')).toBe('-x');
    expect(parseCommandLine(['--out', '-'], line).options.get('--out')).toBe('-');
  });
  test('one more flag is one more declaration (how issue 21 adds synth --check)', () => {
    expect(parseCommandLine(['--check', 'spec.yaml'], line)).toEqual({ help: false, flags: new Set(['--check']), options: new Map(), positional: ['spec.yaml'] });
  });
});

describe('the entry points under npm run', () => {
  const user = mkdtempSync(join(tmpdir(), 'igw-user-'));
  mkdirSync(join(user, 'specs'));
  writeFileSync(join(user, 'specs', 'spec.yaml'), 'cluster:\n  gpuPool:\n    acceleratorCount: 2\n');
  const npm = (command: string) => ({ INIT_CWD: join(user, 'specs'), npm_lifecycle_event: command });

  test('synth spec.yaml --out out reads and writes beside the user, not in the project', async () => {
    const result = await runTool('synth', ['spec.yaml', '--out', 'out'], { env: npm('synth') });
    expect(result.status).toBe(0);
    expect(readdirSync(join(user, 'specs', 'out')).sort()).toEqual(['.inference-gateway-synth', 'crds', 'gateway.k8s.yaml', 'kustomization.yaml', 'metrics-reader.k8s.yaml', 'pool-vllm-llama3-8b-instruct.k8s.yaml']);
    expect(result.stdout).toContain(`wrote ${relative(root, join(user, 'specs', 'out'))}/gateway.k8s.yaml`);
  });

  test('validate out --spec spec.yaml reads both beside the user', async () => {
    const result = await runTool('validate', ['out', '--spec', 'spec.yaml'], { env: npm('validate') });
    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);
    expect(result.stdout).toMatch(/object\(s\) checked, no problems/);
  });

  test.each([
    ['synth', ['--out', 'a', '--out', 'b']],
    ['validate', ['--spec=a.yaml', '--spec', 'b.yaml']],
    ['plan', ['--compare', 'a.yaml', '--compare', 'b.yaml']],
  ] as const)('%s: an option given twice is a usage error, exit 2', async (tool, args) => {
    const result = await runTool(tool, args, { env: npm(tool) });
    expect(result.status).toBe(2);
    expect(result.stderr.split('\n')[0]).toMatch(new RegExp(`^${tool}: --(out|spec|compare) is given twice$`));
  });
});
