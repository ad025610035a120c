/**
 * The pinned CRD files: their table, where they come from, and the same assertions run twice, once on
 * the local mirror (or, on a fresh clone, the cache `npm run schemas -- --update` filled) and once with no mirror
 * directory at all, fetched from a mirror URL that a loopback HTTP server serves.
 */
import { createServer, type IncomingMessage, type Server } from 'node:http';
import { existsSync, mkdtempSync, readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import { connect, type AddressInfo, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PINNED_SCHEMAS, SchemaSourceError, loadSchemaTextsSync, upstreamUrl, validateWithSchemas, type SchemaTexts } from '../../validate';
import { pinnedSources } from '../pinned-sources';
import { exemptFromProxy, loadSchemaTexts, localSchemasDir, proxyFor, schemaOrigin, sha256, type SchemaSourceOptions } from '../../validate/schema-source';
import { defaultSpec, find, synthObjects } from './helpers';

const origin = schemaOrigin();
/** The mirror's MANIFEST.md, when there is a mirror directory (a fresh clone has only the pinned files). */
const manifestText = origin.kind === 'mirror' && existsSync(join(origin.dir, 'MANIFEST.md')) ? readFileSync(join(origin.dir, 'MANIFEST.md'), 'utf8') : undefined;
const localTexts: SchemaTexts = pinnedSources ?? new Map<string, string>();
/** Every suite here reads the pinned files themselves; offline, on a fresh clone, they are skipped. */
const suite = pinnedSources ? describe : describe.skip;

interface Served {
  readonly url: string;
  readonly requests: string[];
  readonly close: () => Promise<void>;
  onRequest?: (request: IncomingMessage) => void;
}

/** Serves `files` (path -> body) on 127.0.0.1 under `/mirror/`, the way a copy of ../shared/schemas would be. */
async function serve(files: ReadonlyMap<string, string | Buffer>): Promise<Served> {
  const requests: string[] = [];
  const served: { onRequest?: (request: IncomingMessage) => void } = {};
  const server: Server = createServer((request, response) => {
    served.onRequest?.(request);
    const path = decodeURIComponent(new URL(request.url ?? '/', 'http://x').pathname).replace(/^\/mirror\//, '');
    requests.push(path);
    const body = files.get(path);
    response.writeHead(body === undefined ? 404 : 200).end(body ?? 'not found');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return Object.assign(served, { url: `http://127.0.0.1:${port}/mirror/`, requests, close: () => new Promise<void>((resolve) => server.close(() => resolve())) });
}

function mirrorFiles(alter: (file: string, text: string) => string | Buffer = (_file, text) => text): Map<string, string | Buffer> {
  const files = new Map<string, string | Buffer>([...localTexts].map(([file, text]) => [file, alter(file, text)] as const));
  if (manifestText) files.set('MANIFEST.md', manifestText);
  return files;
}

/** Options that can only be satisfied over HTTP: a project root with no ../shared beside it, an empty cache. */
const overHttp = (url: string, cacheDir = mkdtempSync(join(tmpdir(), 'igw-schema-cache-'))): SchemaSourceOptions => ({
  env: { IGW_SCHEMAS_URL: url },
  projectRoot: mkdtempSync(join(tmpdir(), 'igw-no-shared-')),
  cacheDir,
  download: true,
});

interface Loaded {
  readonly texts: SchemaTexts;
  readonly manifest?: string;
}

const MODES: readonly [string, () => Promise<Loaded>][] = [
  [`the local source (${origin.kind === 'mirror' ? 'mirror directory' : 'download cache'})`, async () => ({ texts: localTexts, manifest: manifestText })],
  [
    'a mirror URL over loopback HTTP, with no mirror directory',
    async () => {
      const server = await serve(mirrorFiles());
      try {
        const texts = await loadSchemaTexts(overHttp(server.url));
        expect(server.requests.sort()).toEqual(PINNED_SCHEMAS.map((schema) => schema.file).sort());
        const manifest = manifestText ? await (await fetch(`${server.url}MANIFEST.md`)).text() : undefined;
        return { texts, manifest };
      } finally {
        await server.close();
      }
    },
  ],
];

suite.each(MODES)('the pinned schemas from %s', (_mode, load) => {
  let loaded: Loaded;
  beforeAll(async () => {
    loaded = await load();
  });

  test.each(PINNED_SCHEMAS.map((s) => [s.file, s]))('%s is there with its pinned sha256', (file, schema) => {
    expect(sha256(loaded.texts.get(file) as string)).toBe(schema.sha256);
  });

  test('they are exactly the pinned files', () => {
    expect([...loaded.texts.keys()].sort()).toEqual(PINNED_SCHEMAS.map((schema) => schema.file).sort());
  });

  (manifestText ? test.each(PINNED_SCHEMAS.map((s) => [s.file, s])) : test.skip.each([['(no MANIFEST.md without a mirror)', PINNED_SCHEMAS[0]]]))(
    '%s agrees with MANIFEST.md',
    (_file, schema) => {
      const rows = new Map(
        (loaded.manifest as string)
          .split('\n')
          .filter((line) => /^\| [a-z]/.test(line) && !line.startsWith('| file'))
          .map((line) => line.split('|').slice(1, -1).map((cell) => cell.trim()))
          .map(([file, repository, ref, upstreamPath, hash]) => [file, { file, repository, ref, upstreamPath, sha256: hash }]),
      );
      expect(rows.get(schema.file)).toEqual(schema);
    },
  );

  test('the default synth output passes the validator against them', () => {
    expect(validateWithSchemas(synthObjects(), loaded.texts, { spec: defaultSpec }).problems).toEqual([]);
  });

  test('and a field the InferencePool CRD forbids is caught against them', () => {
    const objects = synthObjects();
    (find(objects, 'InferencePool').spec as Record<string, unknown>).targetPortNumber = 'eighty';
    const problems = validateWithSchemas(objects, loaded.texts, { spec: defaultSpec }).problems;
    expect(problems.map((problem) => `${problem.kind} ${problem.path}`)).toContain('InferencePool spec.targetPortNumber');
  });
});

suite('a mirror URL', () => {
  test('a second load reads the cache and asks the server nothing; the synchronous loader reads the same cache', async () => {
    const server = await serve(mirrorFiles());
    try {
      const options = overHttp(server.url);
      await loadSchemaTexts(options);
      server.requests.length = 0;
      const again = await loadSchemaTexts(options);
      expect(server.requests).toEqual([]);
      expect(loadSchemaTextsSync(options)).toEqual(again);
    } finally {
      await server.close();
    }
  });

  test('a served file whose sha256 differs from the pin is refused and not cached', async () => {
    const altered = PINNED_SCHEMAS[2].file;
    const server = await serve(mirrorFiles((file, text) => (file === altered ? `${text}# tampered\n` : text)));
    try {
      const options = overHttp(server.url);
      await expect(loadSchemaTexts(options)).rejects.toThrow(new RegExp(`^http://127\\.0\\.0\\.1:\\d+/mirror/${altered.replace(/\./g, '\\.')}: sha256 [0-9a-f]{64} does not match the pinned ${PINNED_SCHEMAS[2].sha256}`));
      expect(existsSync(join(options.cacheDir as string, altered))).toBe(false);
    } finally {
      await server.close();
    }
  });

  test('a user name and password in the URL are sent as Basic authorization and never appear in a message', async () => {
    const server = await serve(new Map());
    const seen: (string | undefined)[] = [];
    server.onRequest = (request) => seen.push(request.headers.authorization);
    try {
      const withSecret = server.url.replace('http://', 'http://ci:s3cr3t-token@');
      const error = await loadSchemaTexts(overHttp(`${withSecret}?token=s3cr3t-too`)).catch((e: Error) => e);
      expect(error).toBeInstanceOf(SchemaSourceError);
      expect((error as Error).message).toMatch(/^http:\/\/\*\*\*@127\.0\.0\.1:\d+\/mirror\/.+: download failed \(HTTP 404\)/);
      expect((error as Error).message).not.toMatch(/s3cr3t/);
      expect(seen).toEqual([`Basic ${Buffer.from('ci:s3cr3t-token').toString('base64')}`]);
    } finally {
      await server.close();
    }
  });

  test('a server that is gone is one line saying how to get the schemas another way', async () => {
    const server = await serve(new Map());
    await server.close();
    const error = (await loadSchemaTexts(overHttp(server.url)).catch((e: Error) => e)) as Error;
    expect(error.message).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/mirror\/.+: download failed \(ECONNREFUSED\); set IGW_SCHEMAS_DIR to a copy of the schema mirror \(\.\.\/shared\/schemas\), or IGW_SCHEMAS_URL to the base URL of one$/);
  });

  test('an answer larger than any pinned file is refused', async () => {
    const server = await serve(mirrorFiles((file, text) => (file === PINNED_SCHEMAS[0].file ? Buffer.alloc(5 * 1024 * 1024, 0x61) : text)));
    try {
      await expect(loadSchemaTexts(overHttp(server.url))).rejects.toThrow(/download failed \(the answer is larger than the 4 MiB a pinned file can be\)/);
    } finally {
      await server.close();
    }
  });

  test('a cached file that was altered is not trusted: it is downloaded again', async () => {
    const server = await serve(mirrorFiles());
    try {
      const options = overHttp(server.url);
      await loadSchemaTexts(options);
      writeFileSync(join(options.cacheDir as string, PINNED_SCHEMAS[0].file), 'kind: NotACrd\n');
      server.requests.length = 0;
      const texts = await loadSchemaTexts(options);
      expect(server.requests).toEqual([PINNED_SCHEMAS[0].file]);
      expect(sha256(texts.get(PINNED_SCHEMAS[0].file) as string)).toBe(PINNED_SCHEMAS[0].sha256);
    } finally {
      await server.close();
    }
  });
});

suite('downloads through a proxy (Node\'s own fetch ignores HTTPS_PROXY)', () => {
  /**
   * A forward proxy on loopback for hosts that do not resolve. undici's proxy agent tunnels every request,
   * http:// included, through CONNECT (RFC 9110 section 9.3.6), as corporate proxies expect: the tunnel is
   * joined to a loopback server holding the mirror files.
   */
  async function proxy(): Promise<Served> {
    const mirror = await serve(mirrorFiles());
    const requests: string[] = [];
    const server = createServer((_request, response) => response.writeHead(405).end());
    server.on('connect', (request: IncomingMessage, client: Socket) => {
      requests.push(`CONNECT ${request.url}`);
      const upstream = connect(Number(new URL(mirror.url).port), '127.0.0.1', () => {
        client.write('HTTP/1.1 200 Connection Established\r\n\r\n');
        upstream.pipe(client);
        client.pipe(upstream);
      });
      upstream.on('error', () => client.destroy());
      client.on('error', () => upstream.destroy());
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    return {
      url: `http://127.0.0.1:${port}`,
      requests,
      close: async () => {
        server.closeAllConnections();
        await new Promise<void>((resolve) => server.close(() => resolve()));
        await mirror.close();
      },
      mirrorRequests: mirror.requests,
    } as Served & { mirrorRequests: string[] };
  }

  const throughProxy = (proxyUrl: string, extra: NodeJS.ProcessEnv = {}): SchemaSourceOptions => ({
    ...overHttp('http://mirror.invalid/mirror/'),
    env: { IGW_SCHEMAS_URL: 'http://mirror.invalid/mirror/', HTTP_PROXY: proxyUrl, ...extra },
  });

  test('HTTP_PROXY carries every download to a mirror the machine cannot reach itself', async () => {
    const server = await proxy();
    try {
      const texts = await loadSchemaTexts(throughProxy(server.url));
      expect(new Set(server.requests)).toEqual(new Set(['CONNECT mirror.invalid:80']));
      expect((server as Served & { mirrorRequests: string[] }).mirrorRequests.sort()).toEqual(PINNED_SCHEMAS.map((schema) => schema.file).sort());
      expect([...texts.keys()].sort()).toEqual(PINNED_SCHEMAS.map((schema) => schema.file).sort());
    } finally {
      await server.close();
    }
  });

  test('a download through the proxy prints no process warning (undici\'s EnvHttpProxyAgent warns that it is experimental)', async () => {
    const server = await proxy();
    const warnings: unknown[] = [];
    const emitWarning = jest.spyOn(process, 'emitWarning').mockImplementation((warning: string | Error) => void warnings.push(warning));
    try {
      // A fresh copy of the module and of undici, whose once-per-process warning another test may have used up.
      let fresh: typeof import('../../validate/schema-source') | undefined;
      jest.isolateModules(() => {
        // eslint-disable-next-line @typescript-eslint/no-require-imports -- a fresh module registry needs require
        fresh = require('../../validate/schema-source');
      });
      const texts = await (fresh as typeof import('../../validate/schema-source')).loadSchemaTexts(throughProxy(server.url));
      expect(texts.size).toBe(PINNED_SCHEMAS.length);
      expect(server.requests).not.toEqual([]);
      expect(warnings).toEqual([]);
    } finally {
      emitWarning.mockRestore();
      await server.close();
    }
  });

  test('only the environment given is read: HTTPS_PROXY there and HTTP_PROXY in process.env send an http:// download direct', async () => {
    const mirror = await serve(mirrorFiles());
    const saved = process.env.HTTP_PROXY;
    // A proxy nobody listens on: a download that went through it would fail.
    process.env.HTTP_PROXY = 'http://127.0.0.1:9';
    try {
      const options = overHttp(mirror.url);
      const texts = await loadSchemaTexts({ ...options, env: { ...options.env, HTTPS_PROXY: 'http://127.0.0.1:9' } });
      expect(texts.size).toBe(PINNED_SCHEMAS.length);
      expect(mirror.requests.length).toBe(PINNED_SCHEMAS.length);
    } finally {
      if (saved === undefined) delete process.env.HTTP_PROXY;
      else process.env.HTTP_PROXY = saved;
      await mirror.close();
    }
  });

  test.each([
    ['mirror.example', 'http://mirror.example/x', true],
    ['.example', 'http://mirror.example/x', true],
    ['*.example', 'http://mirror.example/x', true],
    ['example', 'http://mirror.example/x', true],
    ['ample', 'http://mirror.example/x', false],
    ['mirror.example:8080', 'http://mirror.example/x', false],
    ['mirror.example:8080', 'http://mirror.example:8080/x', true],
    ['a, *', 'https://mirror.example/x', true],
    ['', 'https://mirror.example/x', false],
  ])('NO_PROXY=%s exempts %s: %s (as curl reads it)', (noProxy, url, exempt) => {
    expect(exemptFromProxy(new URL(url), { NO_PROXY: noProxy })).toBe(exempt);
    expect(proxyFor(new URL(url), { NO_PROXY: noProxy, HTTP_PROXY: 'http://proxy:3128' })).toBe(exempt ? undefined : 'http://proxy:3128');
  });

  test('https:// takes HTTPS_PROXY, else HTTP_PROXY; http:// takes HTTP_PROXY only', () => {
    const both = { HTTPS_PROXY: 'http://secure:3128', HTTP_PROXY: 'http://plain:3128' };
    expect(proxyFor(new URL('https://h/x'), both)).toBe('http://secure:3128');
    expect(proxyFor(new URL('http://h/x'), both)).toBe('http://plain:3128');
    expect(proxyFor(new URL('https://h/x'), { http_proxy: 'http://plain:3128' })).toBe('http://plain:3128');
    expect(proxyFor(new URL('http://h/x'), { HTTPS_PROXY: 'http://secure:3128' })).toBeUndefined();
  });

  test('NO_PROXY exempts the host: the download goes direct and the proxy sees nothing', async () => {
    const server = await proxy();
    try {
      await expect(loadSchemaTexts(throughProxy(server.url, { NO_PROXY: 'mirror.invalid' }))).rejects.toThrow(/^http:\/\/mirror\.invalid\/mirror\/.+: download failed \((ENOTFOUND|EAI_AGAIN)\)/);
      expect(server.requests).toEqual([]);
    } finally {
      await server.close();
    }
  });
});

suite('schema resolution', () => {
  const mirror = join(mkdtempSync(join(tmpdir(), 'igw-mirror-copy-')), 'schemas');
  beforeAll(() => {
    for (const [file, text] of localTexts) {
      mkdirSync(join(mirror, file, '..'), { recursive: true });
      writeFileSync(join(mirror, file), text);
    }
  });

  test('IGW_SCHEMAS_DIR wins over ../shared/schemas', () => {
    expect(localSchemasDir({ env: { IGW_SCHEMAS_DIR: mirror } })).toBe(mirror);
    expect(loadSchemaTextsSync({ env: { IGW_SCHEMAS_DIR: mirror } })).toEqual(localTexts);
  });

  test('IGW_SCHEMAS_URL wins over ../shared/schemas', () => {
    expect(schemaOrigin({ env: { IGW_SCHEMAS_URL: 'https://mirror.example/schemas' }, cacheDir: '/c' })).toEqual({ kind: 'download', baseUrl: 'https://mirror.example/schemas/', cacheDir: '/c' });
  });

  test('a missing IGW_SCHEMAS_DIR is a clear error', () => {
    expect(() => localSchemasDir({ env: { IGW_SCHEMAS_DIR: '/nonexistent/schemas' } })).toThrow(new SchemaSourceError('IGW_SCHEMAS_DIR=/nonexistent/schemas: no such directory'));
  });

  test('both variables set is an error rather than a silent pick', () => {
    expect(() => schemaOrigin({ env: { IGW_SCHEMAS_DIR: mirror, IGW_SCHEMAS_URL: 'https://mirror.example/' } })).toThrow('set IGW_SCHEMAS_DIR or IGW_SCHEMAS_URL, not both');
  });

  test.each([
    ['file:///etc/', 'IGW_SCHEMAS_URL must be an http:// or https:// URL, not file:'],
    ['not a url', 'IGW_SCHEMAS_URL is not a URL; set it to the http:// or https:// address of a copy of ../shared/schemas'],
  ])('IGW_SCHEMAS_URL=%s is refused', (value, message) => {
    expect(() => schemaOrigin({ env: { IGW_SCHEMAS_URL: value } })).toThrow(new SchemaSourceError(message));
  });

  test('no mirror, nothing cached and no download allowed: one line that says how to get them', () => {
    expect(() => loadSchemaTextsSync({ env: {}, projectRoot: '/nonexistent/project' })).toThrow(
      new SchemaSourceError(
        `the pinned CRD schemas are not available offline: no ../shared/schemas beside the project root, and ${PINNED_SCHEMAS.length} of ${PINNED_SCHEMAS.length} files are not in the cache /nonexistent/project/node_modules/.cache/igw-schemas; set IGW_SCHEMAS_DIR to a copy of the schema mirror (../shared/schemas), or IGW_SCHEMAS_URL to the base URL of one, or run npm run schemas -- --update once with network access to download them into that cache`,
      ),
    );
  });

  test('download URLs point at the pinned ref on raw.githubusercontent.com', () => {
    expect(upstreamUrl(PINNED_SCHEMAS[0])).toBe(
      'https://raw.githubusercontent.com/kubernetes-sigs/gateway-api-inference-extension/v0.3.0/config/crd/bases/inference.networking.x-k8s.io_inferencepools.yaml',
    );
  });
});

suite('downloading the pinned schemas from upstream when there is no mirror', () => {
  const realFetch = globalThis.fetch;
  afterEach(() => {
    globalThis.fetch = realFetch;
  });

  /** A fetch that serves the local files at their upstream URLs, optionally altered. */
  function serveUpstream(alter: (text: string) => string = (text) => text): string[] {
    const requested: string[] = [];
    const byUrl = new Map(PINNED_SCHEMAS.map((schema) => [upstreamUrl(schema), localTexts.get(schema.file) as string]));
    globalThis.fetch = (async (url: string | URL) => {
      requested.push(String(url));
      const text = byUrl.get(String(url));
      return text !== undefined ? new Response(alter(text)) : new Response('not found', { status: 404 });
    }) as typeof fetch;
    return requested;
  }

  const offline = () => ({ env: {}, projectRoot: '/nonexistent/project', download: true, cacheDir: mkdtempSync(join(tmpdir(), 'igw-schema-cache-')) });

  test('fetches every pinned file from its upstream URL and keeps those whose sha256 matches', async () => {
    const requested = serveUpstream();
    const texts = await loadSchemaTexts(offline());
    expect(requested.sort()).toEqual(PINNED_SCHEMAS.map(upstreamUrl).sort());
    expect([...texts.keys()].sort()).toEqual(PINNED_SCHEMAS.map((schema) => schema.file).sort());
  });

  test('refuses a download whose sha256 differs from the pin', async () => {
    serveUpstream((text) => `${text}\n# tampered\n`);
    await expect(loadSchemaTexts(offline())).rejects.toThrow(/does not match the pinned/);
  });

  test('reports a failed download with its URL', async () => {
    globalThis.fetch = (async () => new Response('gone', { status: 404 })) as unknown as typeof fetch;
    await expect(loadSchemaTexts(offline())).rejects.toThrow(/raw\.githubusercontent\.com.*download failed \(HTTP 404\)/);
  });
});
