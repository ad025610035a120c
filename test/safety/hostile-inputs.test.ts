/**
 * Runs every row of hostile-rows.ts as a child process of its real entry point (what `npm run synth`,
 * `npm run validate`, `npm run plan` and `npm run schema` start), a few at a time, and checks each answer:
 * the exit code, one line per problem and no stack trace, nothing secret echoed, the workspace
 * byte-identical before and after, and an end within seconds.
 */
import { execFileSync } from 'node:child_process';
import { chmodSync, cpSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, truncateSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { synthesize } from '../../charts-gen/main';
import { resolveSpec } from '../../spec';
import { pinnedSources } from '../pinned-sources';
import { inParallel, runTool, snapshot, STACK_LINE, type ProcessResult } from './helpers';
import { HOSTILE_ROWS as ALL_ROWS, type Content, type HostileRow } from './hostile-rows';

/** Rows that serve or copy the pinned CRD files run where those are at hand (not on an offline fresh clone). */
const HOSTILE_ROWS = ALL_ROWS.filter((row) => pinnedSources !== undefined || !row.needsPinnedFiles);
/** Rows left out for want of the pinned files: counted in the progress line, none where the files are at hand. */
const SKIPPED_ROWS = ALL_ROWS.filter((row) => !HOSTILE_ROWS.includes(row));

// eslint-disable-next-line @typescript-eslint/no-require-imports -- scripts/ is CommonJS without types
const { ensureBundle } = require('../../scripts/bundle.js') as { ensureBundle: (entry: string) => string };

/** Lines every tool prints around its problems; what remains are the problem lines. */
const FRAMING = [
  /^.+: \d+ problems? in the deployment spec$/,
  /^Nothing was written to .*\/\.$/,
  /^run npm run \w+ -- --help for usage$/,
  /^.+: \d+ object\(s\) checked, .+$/,
  /^the stack configuration has problems:$/,
];
/**
 * A bound that separates "ends" from "hangs or runs for minutes" (a blocked read, a quadratic check), not a
 * speed goal: rows run in parallel with other suites on a 2-core machine, where a 3 s command has been seen
 * to take 17 s of wall time. How fast the tools are is measured by `npm run bench`.
 */
const SECONDS = 30;
const UNPRIVILEGED = process.getuid?.() === 0 ? { uid: 65534, gid: 65534 } : {};

/** `IGW_HOSTILE_ROWS=<regular expression>` runs only the rows whose names match (while working on a family). */
const ROWS = process.env.IGW_HOSTILE_ROWS ? HOSTILE_ROWS.filter((row) => new RegExp(process.env.IGW_HOSTILE_ROWS ?? '').test(row.name)) : HOSTILE_ROWS;

const work = mkdtempSync(join(tmpdir(), 'igw-hostile-'));
let cleanOutput: string;
let placeholders: Record<string, string>;
const servers: Server[] = [];

async function listen(handler: (path: string) => string | undefined): Promise<string> {
  const server = createServer((request, response) => {
    const body = handler(decodeURIComponent(new URL(request.url ?? '/', 'http://x').pathname).replace(/^\/schemas\//, ''));
    response.writeHead(body === undefined ? 404 : 200).end(body ?? 'not found');
  });
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}/schemas/`;
}

/**
 * A mirror that answers every request at once and then sends its body a byte every 100 ms, forever: the
 * slow mirror a download limit per file does not bound (it never stops sending).
 */
async function listenDripping(): Promise<string> {
  const server = createServer((_request, response) => {
    response.writeHead(200, { 'content-type': 'text/yaml' });
    const timer = setInterval(() => response.write('#'), 100);
    response.on('close', () => clearInterval(timer));
  });
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}/schemas/`;
}

function fill(text: string, ws: string): string {
  return Object.entries({ ...placeholders, '{ws}': ws }).reduce((result, [key, value]) => result.split(key).join(value), text);
}

function create(ws: string, path: string, content: Content): boolean {
  const target = join(ws, path);
  mkdirSync(dirname(target), { recursive: true });
  let unprivileged = false;
  if (typeof content === 'string' || Buffer.isBuffer(content)) writeFileSync(target, typeof content === 'string' ? fill(content, ws) : content);
  else if ('fifo' in content) execFileSync('mkfifo', [target]);
  else if ('dir' in content) mkdirSync(target, { recursive: true });
  else if ('symlink' in content) symlinkSync(content.symlink, target);
  else if ('bytesName' in content) writeFileSync(Buffer.concat([Buffer.from(`${dirname(target)}/`), Buffer.from(content.bytesName, 'hex')]), content.text);
  else if ('sparse' in content) {
    writeFileSync(target, '');
    truncateSync(target, content.sparse);
  } else if ('unreadable' in content) {
    writeFileSync(target, content.unreadable);
    chmodSync(target, 0o000);
    unprivileged = true;
  } else if ('dirMode' in content) {
    mkdirSync(target);
    chmodSync(target, content.dirMode);
    unprivileged = true;
  } else if ('synthOutput' in content) cpSync(cleanOutput, target, { recursive: true });
  else if ('schemaMirror' in content) {
    for (const [file, text] of pinnedSources ?? new Map<string, string>()) {
      mkdirSync(dirname(join(target, file)), { recursive: true });
      if (file === content.schemaMirror.replace) create(target, file, content.schemaMirror.by ?? '');
      else writeFileSync(join(target, file), text);
    }
  }
  return unprivileged;
}

interface Ran {
  readonly row: HostileRow;
  readonly result: ProcessResult;
  readonly before: Record<string, string>;
  readonly after: Record<string, string>;
}

async function runRow(row: HostileRow, index: number): Promise<Ran> {
  const ws = join(work, `row-${index}`);
  mkdirSync(ws);
  // Files first, modes last: a directory of mode 000 would keep us from creating what goes inside.
  let unprivileged = false;
  const entries = Object.entries(row.files ?? {});
  for (const [path, content] of entries) if (!(typeof content === 'object' && 'dirMode' in content)) unprivileged = create(ws, path, content) || unprivileged;
  for (const [path, content] of entries) if (typeof content === 'object' && 'dirMode' in content) unprivileged = create(ws, path, content) || unprivileged;
  if (unprivileged && UNPRIVILEGED.uid !== undefined) {
    // The unprivileged user must reach the workspace; only the row's own files are off limits.
    chmodSync(work, 0o755);
    chmodSync(ws, 0o777);
  }
  const env = Object.fromEntries(Object.entries(row.env ?? {}).map(([name, value]) => [name, fill(value, ws)]));
  // A row that names a mirror URL downloads into a cache of its own, outside the workspace. The others read
  // the schemas where npm test's setup found them (../shared/schemas, or on a fresh clone the default cache).
  const cache = row.env?.IGW_SCHEMAS_URL === undefined ? {} : { IGW_SCHEMAS_CACHE: mkdtempSync(join(work, 'cache-')) };
  const before = snapshot(ws);
  const result = await runTool(row.entry, (row.args ?? []).map((arg) => fill(arg, ws)), {
    cwd: ws,
    env: { ...cache, ...env },
    ...(unprivileged ? UNPRIVILEGED : {}),
  });
  return { row, result, before, after: snapshot(ws) };
}

let ran: Ran[];

beforeAll(async () => {
  // Build each bundle once here, rather than in many processes at once (and the unprivileged user could not).
  for (const entry of ['charts-gen/main.ts', 'validate/cli.ts', 'plan/cli.ts', 'spec/write-json-schema.ts', 'validate/schema-source.ts', 'charts-gen/output-dir.ts', 'spec/text-file.ts']) ensureBundle(entry);
  cleanOutput = join(work, 'clean-output');
  synthesize(resolveSpec({}, 'defaults'), cleanOutput);
  const texts = pinnedSources ?? new Map<string, string>();
  const tamperedFile = 'gateway-api/v1.2.1/gateway.networking.k8s.io_gateways.yaml';
  const closed = await listen(() => undefined);
  await new Promise<void>((resolve) => servers.pop()?.close(() => resolve()));
  placeholders = {
    '{mirror}': await listen((file) => texts.get(file)),
    '{tampered}': await listen((file) => (file === tamperedFile ? `${texts.get(file)}# tampered\n` : texts.get(file))),
    '{closed-with-password}': closed.replace('http://', 'http://ci:pa55word@'),
    '{closed}': closed,
    '{pid}': String(process.pid),
    '{drip}': await listenDripping(),
  };
  const started = Date.now();
  ran = await inParallel(ROWS.map((row, index) => () => runRow(row, index)), 3);
  process.stdout.write(`hostile-inputs: ${ROWS.length} rows in ${((Date.now() - started) / 1000).toFixed(1)} s, ${SKIPPED_ROWS.length} skipped (they need the pinned CRD files)\n`);
}, 300_000);

afterAll(async () => {
  await Promise.all(
    servers.map((server) => {
      server.closeAllConnections();
      return new Promise((resolve) => server.close(resolve));
    }),
  );
  // Give the workspace back to ourselves (some rows made parts unreadable), then remove it.
  execFileSync('chmod', ['-R', 'u+rwx', work]);
  rmSync(work, { recursive: true, force: true });
});

test('the table covers at least 60 hostile inputs, each with its own name, and all of them run where the pinned files are at hand', () => {
  expect(ALL_ROWS.length).toBeGreaterThanOrEqual(60);
  expect(new Set(ALL_ROWS.map((row) => row.name)).size).toBe(ALL_ROWS.length);
  // Only rows that need the pinned files are left out, and only when those files are missing: where they
  // are at hand, the 60 or more are the rows that run.
  expect(SKIPPED_ROWS).toEqual(pinnedSources === undefined ? ALL_ROWS.filter((row) => row.needsPinnedFiles) : []);
  expect(HOSTILE_ROWS.length).toBeGreaterThanOrEqual(pinnedSources === undefined ? 60 - SKIPPED_ROWS.length : 60);
});

describe.each(ROWS.map((row) => [row.name, row] as const))('%s', (name) => {
  const get = () => ran.find((entry) => entry.row.name === name) as Ran;

  test('exits with the expected code, in seconds, without a stack trace', () => {
    const { row, result } = get();
    const output = `${result.stdout}${result.stderr}`;
    expect({ exit: result.status, signal: result.signal }).toEqual({ exit: row.exit, signal: null });
    expect(result.seconds).toBeLessThan(SECONDS);
    expect(output).not.toMatch(STACK_LINE);
    expect(output).not.toContain('internal error');
  });

  test('says what is wrong in one line per problem', () => {
    const { row, result } = get();
    const lines = `${result.stdout}${result.stderr}`.split('\n').filter((line) => line !== '');
    expect(lines).toContainEqual(expect.stringMatching(row.says));
    expect(lines.filter((line) => row.says.test(line))).toHaveLength(1);
    if (row.exit !== 0) {
      const problems = lines.filter((line) => !FRAMING.some((frame) => frame.test(line)));
      expect(problems).toHaveLength(row.problems ?? 1);
    }
    if (row.secret) expect(`${result.stdout}${result.stderr}`).not.toContain(row.secret);
  });

  test('leaves every file as it was', () => {
    const { before, after } = get();
    expect(after).toEqual(before);
  });
});
