/**
 * The hostile-input table: one row per bad input or fault, run by hostile-inputs.test.ts as a real child
 * process of the entry point. Adding a case is adding a line.
 *
 * Each row runs in its own empty workspace directory, which is also the working directory, so relative
 * paths in `args` and `files` land there. In `args` and `env`, these placeholders are replaced:
 *   {ws}      the workspace's absolute path
 *   {mirror}  a loopback HTTP server serving the pinned schemas, as a copy of ../shared/schemas would
 *   {tampered} the same, with one file altered (its sha256 no longer matches the pin)
 *   {closed}  a loopback URL where nothing listens ({closed-with-password}: the same with user:pa55word@)
 *   {pid}     the pid of a live process (the test runner)
 *   {drip}    a loopback HTTP server that sends every body a byte at a time, without end
 *
 * The runner asserts for every row: the exit code; no stack trace; exactly one output line matching
 * `says`; `problems` lines besides the fixed framing (a spec error's header, "Nothing was written",
 * validate's summary, the pointer to --help); nothing `secret` in the output; the workspace byte-identical
 * before and after; and an end within seconds.
 */
import { createHash } from 'node:crypto';
import type { EntryPoint } from './helpers';
import { PINNED_SCHEMAS } from '../../validate/pinned-schemas';

/** What to create at a path in the workspace. */
export type Content =
  | string
  | Buffer
  | { readonly fifo: true }
  | { readonly dir: true }
  | { readonly symlink: string }
  /** A file of this size that occupies no disk: refused by size without being read. */
  | { readonly sparse: number }
  /** A regular file nobody but root can read (mode 000); the row runs as an unprivileged user when we are root. */
  | { readonly unreadable: string }
  /** A directory of this mode (for example 0o555: no writing). */
  | { readonly dirMode: number }
  /** A regular file at the path's directory whose name is these bytes (hex), which need not be UTF-8. */
  | { readonly bytesName: string; readonly text: string }
  /** A copy of a clean synth output directory (manifests and record). */
  | { readonly synthOutput: true }
  /** A copy of the pinned schemas laid out like ../shared/schemas, with one file replaced. */
  | { readonly schemaMirror: { readonly replace?: string; readonly by?: Content } };

export interface HostileRow {
  readonly name: string;
  readonly entry: EntryPoint;
  readonly args?: readonly string[];
  readonly env?: Readonly<Record<string, string>>;
  readonly files?: Readonly<Record<string, Content>>;
  readonly exit: 0 | 1 | 2;
  /** Exactly one output line must match. */
  readonly says: RegExp;
  /** Output lines besides the framing. @default 1 (0 for exit code 0) */
  readonly problems?: number;
  /** Text that must not appear anywhere in the output. */
  readonly secret?: string;
  /** The row serves or copies the pinned CRD files themselves, so it runs only where they are at hand. */
  readonly needsPinnedFiles?: boolean;
}

export const FIFO = { fifo: true } as const;
export const DIR = { dir: true } as const;
export const link = (target: string) => ({ symlink: target });
export const sparse = (bytes: number) => ({ sparse: bytes });
export const MiB = 1024 * 1024;

/** A spec file `spec.yaml` given to synth as its argument. */
const spec = (name: string, content: Content, says: RegExp, more: Partial<HostileRow> = {}): HostileRow => ({
  name,
  entry: 'synth',
  args: ['spec.yaml'],
  files: { 'spec.yaml': content },
  exit: 1,
  says,
  ...more,
});
/** A directory `m` holding the given manifest files, given to validate. */
const manifests = (name: string, files: Record<string, Content>, says: RegExp, more: Partial<HostileRow> = {}): HostileRow => ({
  name,
  entry: 'validate',
  args: ['m'],
  files: { m: DIR, ...Object.fromEntries(Object.entries(files).map(([file, content]) => [`m/${file}`, content])) },
  exit: 1,
  says,
  ...more,
});
/** An output directory `out` prepared with `files`, given to synth with the defaults. */
const outdir = (name: string, files: Record<string, Content>, says: RegExp, more: Partial<HostileRow> = {}): HostileRow => ({
  name,
  entry: 'synth',
  args: ['--out', 'out'],
  files,
  exit: 1,
  says,
  ...more,
});
/** validate of a clean synth output, with the schemas from `env`. */
const schemas = (name: string, env: Record<string, string>, says: RegExp, more: Partial<HostileRow> = {}): HostileRow => ({
  name,
  entry: 'validate',
  args: ['out'],
  files: { out: { synthOutput: true } },
  env,
  exit: 1,
  says,
  ...more,
});
const usage = (entry: EntryPoint, args: string[], says: RegExp, more: Partial<HostileRow> = {}): HostileRow => ({ name: `${entry} ${args.join(' ')}`, entry, args, exit: 2, says, ...more });

const aliasBomb = ['a: &a [x, x, x, x, x, x, x, x, x, x]', ...Array.from({ length: 8 }, (_, i) => `l${i}: &l${i} [${Array(10).fill(i === 0 ? '*a' : `*l${i - 1}`).join(', ')}]`)].join('\n');
const manyKeys = (count: number) => `${Array.from({ length: count }, (_, i) => `k${i}: ${i}`).join('\n')}\nk7: again\n`;
const MANIFEST = 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: cm\ndata:\n  a: b\n';

// A record and a journal as someone could plant them in an output folder (a Git working tree).
const sha = (text: string) => createHash('sha256').update(text).digest('hex');
const RECORD = '.inference-gateway-synth';
const JOURNAL = `${RECORD}.journal`;
const STAGING = `${RECORD}.staging-x1`;
const USER_FILE = '# my GitOps folder\n';
const record = (files: Record<string, string>) => JSON.stringify({ tool: 'inference-gateway', format: 1, toolVersion: '0.1.0', files, spec: {} });
interface Steps {
  readonly write?: readonly { name: string; before: string | null; after: string }[];
  readonly remove?: readonly { name: string; sha256: string }[];
}
const journal = (steps: Steps, recorded: Record<string, string> = {}) =>
  JSON.stringify({ format: 1, staging: STAGING, write: steps.write ?? [], remove: steps.remove ?? [], record: JSON.parse(record(recorded)) });
/** A spec of `count` pools (as flow mappings) in about `bytes`, from `pool(i)`. */
const bigSpec = (bytes: number, pool: (i: number) => string) => {
  const lines = ['pools:'];
  for (let i = 0, size = 0; size < bytes; i++) {
    const line = `  - ${pool(i)}`;
    lines.push(line);
    size += line.length + 1;
  }
  return `${lines.join('\n')}\n`;
};
const GPUS = 'cluster: { gpuPool: { maxNodes: 1000, acceleratorCount: 8, machineType: a3-highgpu-8g } }';
const modelsOf = (pool: number, count: number) =>
  Array.from({ length: count }, (_, m) => `{ name: p${pool}-m${m}, modelName: p${pool}-m${m}, criticality: Standard, targetModels: [{ name: meta-llama/Llama-3.1-8B-Instruct }] }`).join(', ');

/** An output folder `out` with a planted record or journal; synth must refuse it and touch nothing. */
const planted = (name: string, files: Record<string, Content>, says: RegExp): HostileRow => outdir(name, { out: DIR, ...files }, says);

export const HOSTILE_ROWS: readonly HostileRow[] = [
  // Files: the spec.
  spec('spec is a FIFO', FIFO, /^ {2}\(document\): cannot read the spec file: is a FIFO \(named pipe\), not a regular file$/),
  { name: 'spec is /dev/zero', entry: 'synth', args: ['/dev/zero'], exit: 1, says: /^ {2}\(document\): cannot read the spec file: is a character device, not a regular file$/ },
  spec('spec is a directory', DIR, /cannot read the spec file: is a directory, not a regular file$/),
  spec('spec cannot be read', { unreadable: 'namespace: x\n' }, /cannot read the spec file: permission denied$/),
  spec('spec is a 1 GiB sparse file', sparse(1024 * MiB), /cannot read the spec file: is larger than the 1 MiB limit$/),
  spec('spec is binary', Buffer.from([0x7f, 0x45, 0x4c, 0x46, 0x02, 0x01, 0x00, 0xff, 0xfe]), /cannot read the spec file: is not UTF-8 text \(a binary file\?\)$/),
  spec('spec holds a NUL byte', 'namespace: "de\u0000fault"\n', /cannot read the spec file: holds the control character U\+0000 at line 1, column 15 \(a binary file\?\)$/),
  spec('spec holds a terminal escape sequence', 'namespace: "\u001b[2J"\n', /holds the control character U\+001B at line 1, column 13/),
  spec('spec is an alias bomb', aliasBomb, /^ {2}\(document\): not valid YAML: aliases that expand to more than 100 values$/),
  spec('spec has 70,000 keys and one duplicate', manyKeys(70_000), /not valid YAML at line 70001, column 1: a key that appears twice in one mapping \(first at line 8, column 1\)$/),
  spec('spec nests 101 levels', `${'['.repeat(101)}${']'.repeat(101)}`, /not valid YAML at line 1, column 101: collections nested more than 100 levels deep$/),
  spec('spec nests 20,000 levels', `${'['.repeat(20_000)}${']'.repeat(20_000)}`, /not valid YAML at line 1, column \d+: collections nested too deeply to read \(RESOURCE_EXHAUSTION\)$/),
  spec('spec is two documents', 'namespace: a\n---\nnamespace: b\n', /not valid YAML at line \d+, column \d+: more than one document \(remove the --- separators\) \(MULTIPLE_DOCS\)$/),
  spec('spec aliases an anchor that does not exist', 'namespace: *hunter2\n', /not valid YAML at line 1, column 12: an alias names no anchor defined before it \(BAD_ALIAS\)$/, { secret: 'hunter2' }),
  spec('spec aliases the value that contains it', 'gateway: &g { route: *g }\n', /not valid YAML at line 1, column 22: an alias inside the value it names \(a cycle\)$/),
  spec('spec in JSON with a duplicate key', '{"namespace": "a", "namespace": "b"}', /a key that appears twice in one mapping \(first at line 1, column 2\)$/),
  spec('spec with a key over 1024 characters', `${'k'.repeat(1100)}: 1\n`, /not valid YAML at line 1, column 1: .*\(KEY_OVER_1024_CHARS\)$/, { secret: 'k'.repeat(1100) }),
  spec('spec is a symlink to /dev/zero', link('/dev/zero'), /is a character device, not a regular file$/),
  spec('spec is a symlink loop', link('spec.yaml'), /cannot read the spec file: too many levels of symbolic links$/),
  // Spec content: strings that would reach vLLM's command line, the syncer's YAML, an HTTP header, a
  // Gateway API path, a container runtime or a shell, and names that would collide.
  spec('a base model that is a vLLM flag', 'pools:\n  - name: p\n    modelServer: { baseModel: "--trust-remote-code" }\n', /^ {2}pools\[0\]\.modelServer\.baseModel: must be a Hugging Face repository id/),
  spec('a base model that expands $(VAR) on the command line', 'pools:\n  - name: p\n    modelServer: { baseModel: "org/$(HUGGING_FACE_HUB_TOKEN)" }\n', /^ {2}pools\[0\]\.modelServer\.baseModel: must be a Hugging Face repository id/),
  spec('an adapter id with a shell command', 'pools:\n  - name: p\n    adapters: { models: [{ id: "x; rm -rf /", source: org/x }] }\n', /^ {2}pools\[0\]\.adapters\.models\[0\]\.id: must be a model name/),
  spec('a model name with a quote for the curl command', "pools:\n  - name: p\n    models: [{ name: m, modelName: \"it's\", criticality: Critical }]\n", /^ {2}pools\[0\]\.models\[0\]\.modelName: must be a model name/),
  spec('a model name with a no-break space', 'pools:\n  - name: p\n    models: [{ name: m, modelName: "llama\u00a03", criticality: Critical }]\n', /^ {2}pools\[0\]\.models\[0\]\.modelName: must be a model name/),
  spec('a model name with a right-to-left override', 'pools:\n  - name: p\n    models: [{ name: m, modelName: "abc\u202edef", criticality: Critical }]\n', /^ {2}pools\[0\]\.models\[0\]\.modelName: must be a model name/),
  spec('a path prefix with a semicolon and a quote', "gateway: { route: { pathPrefix: \"/v1;'x\" } }\n", /^ {2}gateway\.route\.pathPrefix: must be an absolute path/),
  spec('a path prefix that climbs out with ..', 'pools:\n  - name: p\n    routePathPrefix: /a/../b\n', /^ {2}pools\[0\]\.routePathPrefix: must be an absolute path/),
  spec('a health check path with //', 'pools:\n  - name: p\n    healthCheck: { path: //health }\n', /^ {2}pools\[0\]\.healthCheck\.path: must be an absolute path/),
  spec('an image with $( in its tag', 'pools:\n  - name: p\n    modelServer: { image: "vllm/vllm-openai:$(id)" }\n', /^ {2}pools\[0\]\.modelServer\.image: must be a container image reference/),
  spec('a syncer config name with a newline (YAML injection)', 'pools:\n  - name: p\n    adapters: { configName: "a\\nensureNotExist: x" }\n', /^ {2}pools\[0\]\.adapters\.configName: must be a name of letters/),
  spec('a __proto__ key', '__proto__: { polluted: true }\n', /^ {2}__proto__: unknown field; allowed: /),
  spec('a constructor key in a pool', 'pools:\n  - name: p\n    constructor: x\n', /^ {2}pools\[0\]\.constructor: unknown field; allowed: /),
  spec('an HF token where its Secret name belongs', 'pools:\n  - name: p\n    modelServer: { hfTokenSecret: "hf_AbCdEfGhIjKlMnOpQrStUv" }\n', /^ {2}pools\[0\]\.modelServer\.hfTokenSecret: must be a DNS subdomain .*, got a string of 25 characters \(not shown\)$/, { secret: 'hf_AbCdEfGhIjKlMnOpQrStUv' }),
  spec("an HF token Secret named like the metrics reader's token Secret", 'pools:\n  - name: p\n    modelServer: { hfTokenSecret: inference-gateway-sa-metrics-reader-secret }\n', /^ {2}pools\[0\]\.modelServer\.hfTokenSecret: names the metrics reader's token Secret/),
  spec('a weights bucket with a shell substitution and a path (reaches gcloud and gs:// URIs)', 'inferenceExtension: { version: llm-d-v0.10.0 }\npools:\n  - name: p\n    modelServer: { weightsFrom: gcs, weightsBucket: "$(curl x)/../b" }\n', /^ {2}pools\[0\]\.modelServer\.weightsBucket: must be a bucket name/),
  spec('a mirror project that smuggles a registry path into every image', 'cluster: { images: { mirrorProject: "evil.io/x" } }\n', /^ {2}cluster\.images\.mirrorProject: must be a Google Cloud project ID/),
  spec('an autoscaling target written as a command', 'pools:\n  - name: p\n    autoscaling: { minReplicas: 1, maxReplicas: 1, target: "3; rm -rf /" }\n', /^ {2}pools\[0\]\.autoscaling\.target: must be a number/),
  spec('a pool named like the body-based router', 'pools:\n  - name: body-based-router\n', /^ {2}pools\[0\]\.name: body-based-router is the body-based router's Deployment/),
  spec('two pools behind one URL claim one model name', 'cluster: { gpuPool: { maxNodes: 6 } }\npools:\n  - name: a\n  - name: b\n', /^ {2}pools\[1\]\.models\[0\]\.modelName: duplicates pools\[0\]\.models\[0\]\.modelName/),
  spec('an adapter rank above the --max-lora-rank written', 'pools:\n  - name: p\n    modelServer: { maxLoraRank: 8 }\n    adapters: { models: [{ id: big, source: org/big, rank: 64 }] }\n    models: [{ name: big, modelName: big, criticality: Standard }]\n', /^ {2}pools\[0\]\.adapters\.models\[0\]\.rank: exceeds modelServer\.maxLoraRank \(8\)/),
  spec('a migration without a name for the new InferencePool', 'inferenceExtension: { version: llm-d-v0.10.0, migration: { from: v0.3.0, trafficPercent: 10 } }\n', /^ {2}pools\[0\]\.inferencePoolName: is required during a migration/),
  { name: 'spec does not exist', entry: 'synth', args: ['absent.yaml'], exit: 1, says: /^ {2}\(document\): cannot read the spec file: no such file$/ },
  { name: 'spec path runs through a file', entry: 'synth', args: ['file.yaml/spec.yaml'], files: { 'file.yaml': 'a: 1\n' }, exit: 1, says: /cannot read the spec file: a parent of this path is not a directory$/ },
  { name: 'spec path with a newline and an escape is shown escaped', entry: 'synth', args: ['bad\nname\u001b[31m.yaml'], exit: 1, says: /^bad\\u000Aname\\u001B\[31m\.yaml: 1 problem in the deployment spec$/ },

  // Files: manifests read by validate.
  manifests('a manifest is a FIFO', { 'pipe.yaml': FIFO }, /m\/pipe\.yaml: \?\/\?: \(file\): cannot read: is a FIFO \(named pipe\), not a regular file$/),
  manifests('a manifest is a symlink to /dev/zero', { 'zero.yaml': link('/dev/zero') }, /zero\.yaml: \?\/\?: \(file\): cannot read: is a character device, not a regular file$/),
  manifests('a manifest cannot be read', { 'secret.yaml': { unreadable: MANIFEST } }, /secret\.yaml: \?\/\?: \(file\): cannot read: permission denied$/),
  manifests('a manifest is a 5 MiB sparse file', { 'big.yaml': sparse(5 * MiB) }, /big\.yaml: \?\/\?: \(file\): cannot read: is larger than the 4 MiB limit$/),
  manifests('manifests add up to more than 16 MiB', { 'a.yaml': sparse(4 * MiB), 'b.yaml': sparse(4 * MiB), 'c.yaml': sparse(4 * MiB), 'd.yaml': sparse(4 * MiB), 'e.yaml': sparse(1024) }, /^m: its \.yaml files add up to 16 MiB, more than the 16 MiB the validator reads$/),
  manifests('a manifest is an alias bomb', { 'bomb.yaml': aliasBomb }, /bomb\.yaml: \?\/\?: \(document 1\): not valid YAML: aliases that expand to more than 100 values$/),
  manifests('a manifest has 50,000 keys and one duplicate', { 'keys.yaml': manyKeys(50_000) }, /keys\.yaml: \?\/\?: \(document 1\): not valid YAML at line 50001, column 1: a key that appears twice/),
  manifests('a manifest quotes an undefined alias', { 'alias.yaml': 'apiVersion: v1\nkind: *s3cr3t\n' }, /alias\.yaml: \?\/\?: \(document 1\): not valid YAML at line 2, column 7: an alias names no anchor defined before it \(BAD_ALIAS\)$/, { secret: 's3cr3t' }),
  manifests('a manifest file name holds a newline', { 'a\nb.yaml': 'kind: [\n' }, /^m\/a\\u000Ab\.yaml: \?\/\?: \(document 1\): not valid YAML/),
  manifests('a secret-named value is not echoed', { 'cm.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: cm\n  labels:\n    api-token: "tok en-42"\n' }, /ConfigMap\/cm: metadata\.labels\.api-token: .*; got a value not shown \(the field may hold a secret\)$/, { secret: 'tok en-42' }),
  { name: 'validate a directory that does not exist', entry: 'validate', args: ['absent'], exit: 1, says: /^absent: cannot read the directory \(no such directory\)$/ },
  { name: 'validate a regular file', entry: 'validate', args: ['f.yaml'], files: { 'f.yaml': MANIFEST }, exit: 1, says: /^f\.yaml: not a directory$/ },
  { name: 'validate an empty directory', entry: 'validate', args: ['e'], files: { e: DIR }, exit: 1, says: /^e: no \.yaml files to validate \(run npm run synth first\?\)$/ },
  { name: 'validate a directory nobody may read', entry: 'validate', args: ['locked'], files: { locked: { dirMode: 0o000 } }, exit: 1, says: /permission denied/ },
  { name: 'validate a directory with a corrupt synth record', entry: 'validate', args: ['out'], files: { out: { synthOutput: true }, 'out/.inference-gateway-synth': '{"tool": "inference-gateway", "format": 1, "files": [' }, exit: 1, says: /^out\/\.inference-gateway-synth: is not a synth record synth can read \(not JSON\)$/ },
  { name: 'validate a directory left half-written by a killed synth', entry: 'validate', args: ['out'], files: { out: { synthOutput: true }, 'out/.inference-gateway-synth.journal': '{}' }, exit: 1, says: /^out: a synth was interrupted while writing here/ },
  { name: 'validate with a --spec that is not the recorded one', entry: 'validate', args: ['out', '--spec', 'other.yaml'], files: { out: { synthOutput: true }, 'other.yaml': 'namespace: other\n' }, exit: 1, says: /^out: was synthesized from another spec than other\.yaml/ },
  { name: 'validate with a --spec that is a FIFO', entry: 'validate', args: ['out', '--spec', 'p.yaml'], files: { out: { synthOutput: true }, 'p.yaml': FIFO }, exit: 1, says: /cannot read the spec file: is a FIFO/ },

  // Command lines.
  usage('synth', ['--bogus'], /^synth: unknown option --bogus$/),
  usage('synth', ['--out'], /^synth: --out needs a value$/),
  usage('synth', ['a.yaml', 'b.yaml'], /^synth: takes at most 1 spec file, got 2: a\.yaml b\.yaml$/),
  usage('synth', [''], /^synth: an empty argument is not a file name$/),
  usage('synth', ['--\u001b]0;pwned\u0007'], /^synth: unknown option --\\u001B\]0;pwned\\u0007$/),
  usage('synth', ['--cdk8s-cli', '--out', 'x'], /^synth: --out cannot be combined with --cdk8s-cli$/),
  { name: 'synth --help', entry: 'synth', args: ['--help'], exit: 0, says: /^usage: npm run synth -- \[spec-file\] \[--out <dir>\] \[--check\]$/ },
  usage('validate', ['--strict'], /^validate: unknown option --strict$/),
  usage('validate', ['--spec'], /^validate: --spec needs a value$/),
  { name: 'validate -h', entry: 'validate', args: ['-h'], exit: 0, says: /^usage: npm run validate -- \[dir\] \[--spec <file>\]$/ },
  usage('plan', ['a.yaml', 'b.yaml'], /^plan: takes at most 1 spec file, got 2: a\.yaml b\.yaml$/),
  usage('plan', ['--preview'], /^plan: unknown option --preview$/),
  usage('plan', ['--compare', 'a.yaml', '--compare', 'b.yaml'], /^plan: --compare is given twice$/),
  { name: 'plan with a spec file that does not exist', entry: 'plan', args: ['missing.yaml'], exit: 1, says: /^ {2}\(document\): cannot read the spec file: no such file$/ },
  usage('schema', ['--check'], /^schema: unknown option --check$/),
  usage('import', ['--force'], /^import: unknown option --force$/),
  usage('import', ['--output'], /^import: --output needs a value$/),

  // Output directories.
  outdir('output directory is a regular file', { out: 'x\n' }, /^out: is a regular file, not a directory; name a directory for the output$/),
  outdir('output directory is a FIFO', { out: FIFO }, /^out: is a FIFO \(named pipe\), not a directory/),
  { name: 'output directory is /dev/null', entry: 'synth', args: ['--out', '/dev/null'], exit: 1, says: /^\/dev\/null: is a character device, not a directory/ },
  outdir('output directory is a dangling symlink', { out: link('nowhere') }, /^out: is a symbolic link whose target cannot be used \(no such file\)$/),
  outdir('output directory is a symlink to a file', { out: link('f'), f: 'x\n' }, /^out: is a symbolic link to a regular file, not to a directory$/),
  { name: 'output directory runs through a file', entry: 'synth', args: ['--out', 'f/out'], files: { f: 'x\n' }, exit: 1, says: /^f\/out: a parent of this path is not a directory$/ },
  outdir('a user file has the name of a generated file', { out: DIR, 'out/notes.md': 'mine\n', 'out/gateway.k8s.yaml': 'kind: Mine\n' }, /^out\/gateway\.k8s\.yaml: exists and was not written by synth/),
  outdir('a FIFO has the name of a generated file', { out: DIR, 'out/gateway.k8s.yaml': FIFO }, /^out\/gateway\.k8s\.yaml: is a FIFO \(named pipe\); synth writes only regular files/),
  outdir('a symlink has the name of a generated file', { out: DIR, 'out/gateway.k8s.yaml': link('/etc/hostname') }, /^out\/gateway\.k8s\.yaml: is a symbolic link; synth writes only regular files/),
  outdir('output directory may not be written', { out: { dirMode: 0o555 } }, /^out: cannot write here \(permission denied\)$/),
  outdir('output directory holds a corrupt record', { out: DIR, 'out/.inference-gateway-synth': 'not json' }, /^out\/\.inference-gateway-synth: is not a synth record synth can read \(not JSON\)$/),
  outdir('output directory holds a record naming ../', { out: DIR, 'out/.inference-gateway-synth': JSON.stringify({ tool: 'inference-gateway', format: 1, toolVersion: '0', files: { '../escape': 'a'.repeat(64) }, spec: {} }) }, /is not a record synth can use \(a file entry that is not a plain name with a sha256\)/),
  outdir('output directory is locked by a live synth', { out: DIR, 'out/.inference-gateway-synth.lock': '{pid}\n' }, /^out: another synth \(process \d+\) is writing here; wait for it, or delete \.inference-gateway-synth\.lock if no synth is running$/),
  outdir('output directory holds a corrupt journal', { out: DIR, 'out/.inference-gateway-synth.journal': '{"format": 1, "staging": "../../x"}' }, /^out\/\.inference-gateway-synth\.journal: is not a journal synth can finish/),
  outdir('crds/ in the output directory is a symlink to another folder', { out: DIR, elsewhere: DIR, 'elsewhere/gateway.k8s.yaml': MANIFEST, 'out/crds': link('../elsewhere') }, /^out\/crds: is a symbolic link; synth writes this folder itself inside the output folder and follows no link there \(move it away\)$/),
  outdir('a record in crds/ names a chart file', { out: DIR, 'out/crds/gateway.k8s.yaml': MANIFEST, 'out/crds/.inference-gateway-synth': JSON.stringify({ tool: 'inference-gateway', format: 1, toolVersion: '0', files: { 'gateway.k8s.yaml': sha(MANIFEST) }, spec: {} }) }, /^out\/crds\/\.inference-gateway-synth: is not a record synth can use \(it lists gateway\.k8s\.yaml, which is not a file synth writes \(only <plural>\.<inference API group>\.yaml and kustomization\.yaml\)\)/),
  { name: 'output directory . holds a user file named like ours', entry: 'synth', args: ['--out', '.'], files: { 'pool-vllm-llama3-8b-instruct.k8s.yaml': 'mine\n' }, exit: 1, says: /^\.\/pool-vllm-llama3-8b-instruct\.k8s\.yaml: exists and was not written by synth/ },

  // Where the schemas come from.
  schemas('IGW_SCHEMAS_DIR does not exist', { IGW_SCHEMAS_DIR: 'absent' }, /^IGW_SCHEMAS_DIR=absent: no such directory$/),
  { ...schemas('IGW_SCHEMAS_DIR is empty', { IGW_SCHEMAS_DIR: 'mirror' }, /v0\.3\.0\/inference\.networking\.x-k8s\.io_inferencepools\.yaml: no such file \(a pinned schema file\)$/, { problems: PINNED_SCHEMAS.length }), files: { out: { synthOutput: true }, mirror: DIR } },
  { needsPinnedFiles: true, ...schemas('IGW_SCHEMAS_DIR has a file whose sha256 is not the pin', { IGW_SCHEMAS_DIR: 'mirror' }, /\/mirror\/gateway-api\/v1\.2\.1\/gateway\.networking\.k8s\.io_gateways\.yaml: sha256 [0-9a-f]{64} does not match the pinned 9aea7ae0/), files: { out: { synthOutput: true }, mirror: { schemaMirror: { replace: 'gateway-api/v1.2.1/gateway.networking.k8s.io_gateways.yaml', by: 'kind: Tampered\n' } } } },
  { needsPinnedFiles: true, ...schemas('IGW_SCHEMAS_DIR has a FIFO for a pinned file', { IGW_SCHEMAS_DIR: 'mirror' }, /gateway\.networking\.k8s\.io_httproutes\.yaml: is a FIFO \(named pipe\), not a regular file \(a pinned schema file\)$/), files: { out: { synthOutput: true }, mirror: { schemaMirror: { replace: 'gateway-api/v1.2.1/gateway.networking.k8s.io_httproutes.yaml', by: FIFO } } } },
  schemas('IGW_SCHEMAS_URL is not http', { IGW_SCHEMAS_URL: 'file:///etc/' }, /^IGW_SCHEMAS_URL must be an http:\/\/ or https:\/\/ URL, not file:$/),
  schemas('IGW_SCHEMAS_URL has nothing listening', { IGW_SCHEMAS_URL: '{closed}' }, /^http:\/\/127\.0\.0\.1:\d+\/schemas\/.+: download failed \(ECONNREFUSED\); set IGW_SCHEMAS_DIR/),
  schemas('IGW_SCHEMAS_URL with a password has nothing listening', { IGW_SCHEMAS_URL: '{closed-with-password}' }, /^http:\/\/\*\*\*@127\.0\.0\.1:\d+\/schemas\/.+: download failed \(ECONNREFUSED\)/, { secret: 'pa55word' }),
  { needsPinnedFiles: true, ...schemas('IGW_SCHEMAS_URL serves a file whose sha256 is not the pin', { IGW_SCHEMAS_URL: '{tampered}' }, /^http:\/\/127\.0\.0\.1:\d+\/schemas\/gateway-api\/v1\.2\.1\/gateway\.networking\.k8s\.io_gateways\.yaml: sha256 [0-9a-f]{64} does not match the pinned/) },
  schemas('IGW_SCHEMAS_URL serves nothing (404)', { IGW_SCHEMAS_URL: '{mirror}missing/' }, /download failed \(HTTP 404\)/),
  schemas('IGW_SCHEMAS_CACHE is set but empty', { IGW_SCHEMAS_URL: '{mirror}', IGW_SCHEMAS_CACHE: '' }, /^IGW_SCHEMAS_CACHE is set but empty/),
  schemas('IGW_SCHEMAS_DIR and IGW_SCHEMAS_URL both set', { IGW_SCHEMAS_DIR: 'out', IGW_SCHEMAS_URL: '{mirror}' }, /^set IGW_SCHEMAS_DIR or IGW_SCHEMAS_URL, not both$/),

  // The environment.
  { name: 'IGW_CONFIG names no file', entry: 'synth', env: { IGW_CONFIG: 'absent.yaml' }, exit: 1, says: /^ {2}\(document\): cannot read the spec file: no such file$/ },
  { name: 'IGW_CONFIG is set but empty', entry: 'synth', env: { IGW_CONFIG: '' }, exit: 2, says: /^synth: IGW_CONFIG is set but empty; unset it or set it to the spec file$/ },
  { name: 'IGW_CONFIG is a directory', entry: 'synth', env: { IGW_CONFIG: '.' }, exit: 1, says: /cannot read the spec file: is a directory, not a regular file$/ },
  { name: 'IGW_CONFIG and the argument name different files', entry: 'synth', args: ['a.yaml'], env: { IGW_CONFIG: 'b.yaml' }, exit: 2, says: /^synth: the spec file is given twice, as a\.yaml and as IGW_CONFIG=b\.yaml; drop one$/ },
  { name: 'CDK8S_OUTDIR is set but empty', entry: 'synth', env: { CDK8S_OUTDIR: '' }, exit: 2, says: /^synth: CDK8S_OUTDIR is set but empty/ },
  { name: 'CDK8S_OUTDIR and --out name different directories', entry: 'synth', args: ['--out', 'a'], env: { CDK8S_OUTDIR: 'b' }, exit: 2, says: /^synth: the output directory is given twice, as a and as CDK8S_OUTDIR=b; drop one$/ },
  { name: 'validate with IGW_CONFIG a FIFO', entry: 'validate', args: ['out'], env: { IGW_CONFIG: 'p' }, files: { out: { synthOutput: true }, p: FIFO }, exit: 1, says: /cannot read the spec file: is a FIFO/ },
  { name: 'plan with IGW_CONFIG /dev/zero', entry: 'plan', env: { IGW_CONFIG: '/dev/zero' }, exit: 1, says: /^ {2}\(document\): cannot read the spec file: is a character device, not a regular file$/ },

  // A record or journal planted in the output folder (a merged pull request can add or edit both).
  planted('a planted record lists README.md', { 'out/README.md': USER_FILE, [`out/${RECORD}`]: record({ 'README.md': sha(USER_FILE) }) }, /^out\/\.inference-gateway-synth: is not a record synth can use \(it lists README\.md, which is not a file synth writes/),
  planted("a planted record lists a user's manifest", { 'out/app.k8s.yaml': MANIFEST, [`out/${RECORD}`]: record({ 'app.k8s.yaml': sha(MANIFEST) }) }, /\(it lists app\.k8s\.yaml, which is not a file synth writes \(only gateway\.k8s\.yaml, metrics-reader\.k8s\.yaml, metrics-adapter\.k8s\.yaml, pool-<pool>\.k8s\.yaml, namespace\.k8s\.yaml and kustomization\.yaml\)\)/),
  planted('a planted journal removes README.md', { 'out/README.md': USER_FILE, [`out/${JOURNAL}`]: journal({ remove: [{ name: 'README.md', sha256: sha(USER_FILE) }] }) }, /^out\/\.inference-gateway-synth\.journal: is not a journal synth can finish/),
  planted('a planted journal stages through a symlink to a folder outside', { 'outside/gateway.k8s.yaml': MANIFEST, [`out/${STAGING}`]: link('../outside'), [`out/${JOURNAL}`]: journal({ write: [{ name: 'gateway.k8s.yaml', before: null, after: sha(MANIFEST) }] }) }, /^out\/\.inference-gateway-synth\.journal: its staging entry \.inference-gateway-synth\.staging-x1 is a symbolic link, not a directory synth made, so synth did not act on it/),
  planted('a planted journal stages a symlink to a file outside', { 'secret.txt': MANIFEST, [`out/${STAGING}`]: DIR, [`out/${STAGING}/gateway.k8s.yaml`]: link('../../secret.txt'), [`out/${JOURNAL}`]: journal({ write: [{ name: 'gateway.k8s.yaml', before: null, after: sha(MANIFEST) }] }) }, /: its staged gateway\.k8s\.yaml is a symbolic link, not a file synth staged/),
  planted('a planted journal stages a file whose sha256 it misstates', { [`out/${STAGING}`]: DIR, [`out/${STAGING}/gateway.k8s.yaml`]: MANIFEST, [`out/${JOURNAL}`]: journal({ write: [{ name: 'gateway.k8s.yaml', before: null, after: sha('other') }] }) }, /: its staged gateway\.k8s\.yaml does not have the sha256 the journal lists/),
  planted("a planted journal removes a user's file named like a pool's", { 'out/pool-x.k8s.yaml': MANIFEST, [`out/${JOURNAL}`]: journal({ remove: [{ name: 'pool-x.k8s.yaml', sha256: sha(MANIFEST) }] }) }, /: it would remove pool-x\.k8s\.yaml, which synth's record does not list with that sha256/),
  planted("a planted journal replaces a user's file named like a pool's", { 'out/pool-x.k8s.yaml': MANIFEST, [`out/${STAGING}`]: DIR, [`out/${STAGING}/pool-x.k8s.yaml`]: USER_FILE, [`out/${JOURNAL}`]: journal({ write: [{ name: 'pool-x.k8s.yaml', before: sha(MANIFEST), after: sha(USER_FILE) }] }) }, /: it would replace pool-x\.k8s\.yaml, which synth's record does not list with that sha256/),
  planted('a planted journal whose record lists README.md', { 'out/README.md': USER_FILE, [`out/${JOURNAL}`]: journal({}, { 'README.md': sha(USER_FILE) }) }, /^out\/\.inference-gateway-synth\.journal: is not a journal synth can finish/),

  // Large specs: every rule indexes once (these took minutes when rules scanned every pool per pool), and
  // the count limits bound what synth renders. The bench times a spec at the 1 MiB limit.
  spec('a 256 KiB spec of pools sharing one prefix', bigSpec(MiB / 4, (i) => `{ name: p${i} }`), /^ {2}pools: must have at most 100 items, got \d{4,5}$/),
  spec('a 256 KiB spec of pools with prefixes of their own', bigSpec(MiB / 4, (i) => `{ name: p${i}, routePathPrefix: /p${i} }`), /^ {2}pools: must have at most 100 items, got \d{4,5}$/),
  spec('a spec of one pool with 2,000 models', `pools:\n  - name: p\n    models: [${modelsOf(0, 2000)}]\n`, /^ {2}pools\[0\]\.models: must have at most 1000 items, got 2000$/),
  spec('a spec of 100 pools of 20 models', `${GPUS}\npools:\n${Array.from({ length: 100 }, (_, p) => `  - { name: p${p}, routePathPrefix: /p${p}, models: [${modelsOf(p, 20)}] }`).join('\n')}\n`, /^ {2}pools: hold 2000 models in all \(under pools\[\]\.models\); at most 1000 are allowed/),

  // Stack files (Pulumi.<stack>.yaml), read by plan: the safe file and YAML reader, checked names and ids.
  { name: 'a stack file is a FIFO', entry: 'plan', files: { 'Pulumi.dev.yaml': FIFO }, exit: 1, says: /^plan: Pulumi\.dev\.yaml: cannot read the stack file: is a FIFO \(named pipe\), not a regular file$/ },
  { name: 'a stack file is a directory', entry: 'plan', args: ['--stack', 'dev'], files: { 'Pulumi.dev.yaml': DIR }, exit: 1, says: /^plan: Pulumi\.dev\.yaml: cannot read the stack file: is a directory, not a regular file$/ },
  { name: 'a stack file holds NUL bytes', entry: 'plan', files: { 'Pulumi.dev.yaml': 'config:\n  gcp:project: my-project\u0000\u0000\n' }, exit: 1, says: /^plan: Pulumi\.dev\.yaml: cannot read the stack file: holds the control character U\+0000 at line 2, column 26 \(a binary file\?\)$/ },
  { name: 'a stack name that climbs out of the project', entry: 'plan', args: ['--stack', '/../x'], files: { 'x.yaml': 'config:\n  gcp:project: my-project\n' }, exit: 2, says: /^plan: --stack \/\.\.\/x: a stack name is letters, digits, "-", "_" and "\."/ },
  { name: 'a gcp:project with a terminal escape sequence', entry: 'plan', files: { 'Pulumi.dev.yaml': 'config:\n  gcp:project: "my\\e]0;pwned\\aproject"\n' }, exit: 1, says: /^plan: Pulumi\.dev\.yaml: gcp:project must be a Google Cloud project id .*, got "my\\u001B\]0;pwned\\u0007project"$/ },
  { name: 'a spec file name with a terminal escape sequence is shown escaped by plan', entry: 'plan', env: { IGW_CONFIG: 's\u001b[2J.yaml' }, files: { 's\u001b[2J.yaml': 'namespace: llm\n' }, exit: 0, says: /^spec: s\\u001B\[2J\.yaml \(IGW_CONFIG\)$/ },

  // npm run import and synth under the cdk8s CLI publish under synth's ownership rules.
  { name: "import beside a user's file of a generated name and one with cdk8s' banner", entry: 'import', args: ['--output', 'out'], files: { 'out/gateways-gateway.networking.k8s.io.ts': 'export const mine = 1;\n', 'out/mine.ts': '// generated by cdk8s\nexport const mine = 2;\n' }, exit: 1, says: /^out\/gateways-gateway\.networking\.k8s\.io\.ts: exists and was not written by import; move it away/ },
  { name: 'import where a FIFO has a generated name', entry: 'import', args: ['--output', 'out'], files: { 'out/httproutes-gateway.networking.k8s.io.ts': FIFO, 'out/pipe.ts': FIFO }, exit: 1, says: /^out\/httproutes-gateway\.networking\.k8s\.io\.ts: is a FIFO \(named pipe\); import writes only regular files/ },
  { name: 'synth under the cdk8s CLI where its scratch directory holds a symlink', entry: 'synth', args: ['--cdk8s-cli'], env: { CDK8S_OUTDIR: '.cdk8s-cli-out' }, files: { 'mine.txt': 'mine\n', '.cdk8s-cli-out/gateway.k8s.yaml': link('../mine.txt') }, exit: 1, says: /^\.cdk8s-cli-out\/gateway\.k8s\.yaml: is a symbolic link; synth writes only regular files/ },
  { name: 'synth under the cdk8s CLI where its scratch directory is a symlink', entry: 'synth', args: ['--cdk8s-cli'], env: { CDK8S_OUTDIR: '.cdk8s-cli-out' }, files: { elsewhere: DIR, '.cdk8s-cli-out': link('elsewhere') }, exit: 1, says: /^\.cdk8s-cli-out: is a symbolic link, not the directory the cdk8s CLI empties/ },

  // A slow mirror: the whole download is bounded, not only each file.
  schemas('IGW_SCHEMAS_URL drip-feeds every file', { IGW_SCHEMAS_URL: '{drip}', IGW_SCHEMAS_TIMEOUT: '2' }, /^http:\/\/127\.0\.0\.1:\d+\/schemas\/.+: download failed \(the downloads took longer than the 2 s allowed in all \(IGW_SCHEMAS_TIMEOUT\)\)/),
  schemas('IGW_SCHEMAS_TIMEOUT is not a number of seconds', { IGW_SCHEMAS_URL: '{drip}', IGW_SCHEMAS_TIMEOUT: '1e9' }, /^IGW_SCHEMAS_TIMEOUT must be a whole number of seconds from 1 to 9999, got "1e9"$/),

  // Messages for foreseeable conditions (no "internal error"), and file names that are not UTF-8.
  { needsPinnedFiles: true, ...schemas('IGW_SCHEMAS_CACHE is a regular file', { IGW_SCHEMAS_URL: '{mirror}', IGW_SCHEMAS_CACHE: 'cache' }, /\/cache: cannot keep downloaded schemas there \(a parent of this path is not a directory\); set IGW_SCHEMAS_CACHE to a directory you may write$/, { files: { out: { synthOutput: true }, cache: 'x\n' } }) },
  { needsPinnedFiles: true, ...schemas('IGW_SCHEMAS_CACHE may not be written', { IGW_SCHEMAS_URL: '{mirror}', IGW_SCHEMAS_CACHE: 'ro/cache' }, /\/ro\/cache: cannot keep downloaded schemas there \(permission denied\); set IGW_SCHEMAS_CACHE/, { files: { out: { synthOutput: true }, ro: { dirMode: 0o555 } } }) },
  manifests('a manifest whose file name is not UTF-8 is read, not reported missing', { 'x.yaml': MANIFEST.replace('name: cm', 'name: cm-a'), here: { bytesName: '62616478fe2e79616d6c', text: 'kind: [\n' } }, /^m\/badx\uFFFD\.yaml: \?\/\?: \(document 1\): not valid YAML/),
  { name: 'a spec file name that is not UTF-8 is explained', entry: 'synth', args: ['bad\uFFFD.yaml'], exit: 1, says: /cannot read the spec file: no such file \(the name holds U\+FFFD: a file name that is not UTF-8 cannot be given on the command line or in a variable; rename the file\)$/ },
  { name: 'import --output is a regular file', entry: 'import', args: ['--output', 'f'], files: { f: 'mine\n' }, exit: 1, says: /^f: is a regular file, not a directory; name a directory for the output$/ },

  // Generated names two objects would share (the API server keeps one): refused through the name registry.
  spec("an adapters ConfigMap named like a GA picker's plugin ConfigMap", 'inferenceExtension: { version: llm-d-v0.10.0 }\ncluster: { gpuPool: { maxNodes: 6 } }\npools:\n  - { name: chat, routePathPrefix: /chat }\n  - { name: code, routePathPrefix: /code, adapters: { configMapName: chat-epp } }\n', /^ {2}pools\[1\]\.adapters\.configMapName: names the adapters ConfigMap of pool code chat-epp, the same ConfigMap in namespace default as the endpoint picker ConfigMap \(its plugin config\) of InferencePool chat \(from pools\[0\]\.name\)/),
  spec("a GA InferencePool whose metrics reader is named like the guide's, during a migration", 'inferenceExtension: { version: llm-d-v0.10.0, migration: { from: v0.3.0, trafficPercent: 10 } }\npools:\n  - { name: p, inferencePoolName: inference-gateway-sa }\n', /^ {2}pools\[0\]\.inferencePoolName: names the metrics reader of InferencePool inference-gateway-sa default\.inference-gateway-sa-metrics-reader-role-binding, the same ClusterRoleBinding as the guide's metrics reader/),
  spec("a GA InferencePool named like the guide reader's ClusterRole, during a migration", 'inferenceExtension: { version: llm-d-v0.10.0, migration: { from: v0.3.0, trafficPercent: 10 } }\npools:\n  - { name: p, inferencePoolName: inference-gateway }\n', /^ {2}pools\[0\]\.inferencePoolName: names the metrics reader of InferencePool inference-gateway default\.inference-gateway-metrics-reader, the same ClusterRole as/),

  spec('a spec of 6 pools of 1,000 adapters', `inferenceExtension: { version: llm-d-v0.10.0 }\n${GPUS}\npools:\n${Array.from({ length: 6 }, (_, p) => `  - { name: p${p}, routePathPrefix: /p${p}, adapters: { models: [${Array.from({ length: 1000 }, (_, a) => `{ id: a${a}, source: o/a${a} }`).join(', ')}] } }`).join('\n')}\n`, /^ {2}pools: list 6000 adapters in all \(under pools\[\]\.adapters\.models and unload\); at most 5000 are allowed/),

  // Route prefixes that would take another pool's requests (the Gateway picks the longest matching prefix).
  spec('a pool prefix /v1 beside the pools sharing /', 'cluster: { gpuPool: { maxNodes: 6 } }\npools:\n  - name: a\n  - name: b\n    routePathPrefix: /v1\n', /^ {2}pools\[1\]\.routePathPrefix: would take the requests under \/v1 away from the pools sharing gateway\.route\.pathPrefix \(prefix \/\)/),
  spec('a pool prefix /api/v1/chat beside a pool at /api', 'cluster: { gpuPool: { maxNodes: 6 } }\npools:\n  - name: a\n    routePathPrefix: /api\n  - name: b\n    routePathPrefix: /api/v1/chat/\n', /^ {2}pools\[1\]\.routePathPrefix: would take the requests under \/api\/v1 away from pools\[0\] \(prefix \/api\)/),
  spec('the shared prefix /v1/ under a pool at /', 'cluster: { gpuPool: { maxNodes: 6 } }\ngateway: { route: { pathPrefix: /v1/ } }\npools:\n  - name: a\n    routePathPrefix: /\n  - name: b\n', /^ {2}gateway\.route\.pathPrefix: would take the requests under \/v1 away from pools\[0\] \(prefix \/\)/),
];
