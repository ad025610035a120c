/** The argument parser every command shares: nothing it does not understand is ignored. */
import { parseCommandLine, pathFromArgumentOrVariable, UsageError } from '../../spec/command-line';

const SYNTH = { options: { '--out': ['-o'] }, positional: { max: 1, name: 'spec file' } } as const;
const parse = (...args: string[]) => parseCommandLine(args, SYNTH);
const usageError = (fn: () => unknown): string => {
  try {
    fn();
  } catch (error) {
    if (error instanceof UsageError) return error.message;
    throw error;
  }
  throw new Error('no usage error');
};

test('options take their value as the next argument or after =, with short aliases', () => {
  expect(parse('spec.yaml', '--out', 'x').options.get('--out')).toBe('x');
  expect(parse('--out=y').options.get('--out')).toBe('y');
  expect(parse('-o', 'z').options.get('--out')).toBe('z');
  expect(parse('spec.yaml').positional).toEqual(['spec.yaml']);
});

test('-- ends the options, so a file may start with a dash', () => {
  expect(parse('--', '-odd.yaml').positional).toEqual(['-odd.yaml']);
});

test.each([
  [['--bogus'], 'unknown option --bogus'],
  [['-x'], 'unknown option -x'],
  [['--out'], '--out needs a value'],
  [['--out', 'a', '--out', 'b'], '--out is given twice'],
  [['--out='], '--out needs a non-empty value'],
  [['a.yaml', 'b.yaml'], 'takes at most 1 spec file, got 2: a.yaml b.yaml'],
  [[''], 'an empty argument is not a file name'],
  [['--\u001b[2J'], 'unknown option --\\u001B[2J'],
])('%j is a usage error: %s', (args, message) => {
  expect(usageError(() => parse(...args))).toBe(message);
});

test('--help and -h ask for help, whatever else is there', () => {
  expect(parse('--help').help).toBe(true);
  expect(parse('a.yaml', '-h').help).toBe(true);
});

test('a command without arguments says so', () => {
  expect(usageError(() => parseCommandLine(['x'], { positional: { max: 0, name: 'argument' } }))).toBe('takes no arguments, got x');
});

describe('a path from an argument or a variable', () => {
  test('either one alone is used', () => {
    expect(pathFromArgumentOrVariable('a.yaml', 'IGW_CONFIG', {}, 'spec file')).toBe('a.yaml');
    expect(pathFromArgumentOrVariable(undefined, 'IGW_CONFIG', { IGW_CONFIG: 'b.yaml' }, 'spec file')).toBe('b.yaml');
    expect(pathFromArgumentOrVariable(undefined, 'IGW_CONFIG', {}, 'spec file')).toBeUndefined();
  });

  test('both naming the same file is fine; different files is an error naming both', () => {
    expect(pathFromArgumentOrVariable('./a.yaml', 'IGW_CONFIG', { IGW_CONFIG: 'a.yaml' }, 'spec file')).toBe('./a.yaml');
    expect(usageError(() => pathFromArgumentOrVariable('a.yaml', 'IGW_CONFIG', { IGW_CONFIG: 'b.yaml' }, 'spec file'))).toBe(
      'the spec file is given twice, as a.yaml and as IGW_CONFIG=b.yaml; drop one',
    );
  });

  test('a variable set but empty is an error, not "unset"', () => {
    expect(usageError(() => pathFromArgumentOrVariable(undefined, 'CDK8S_OUTDIR', { CDK8S_OUTDIR: '' }, 'output directory'))).toBe(
      'CDK8S_OUTDIR is set but empty; unset it or set it to the output directory',
    );
  });
});
