#!/usr/bin/env node
// Derives, from the Terraform provider's Go source, which input fields replace each Google Cloud resource
// the program creates (`ForceNew: true`, and `customdiff.ForceNewIfChange`), and writes them as the JSON
// fixture beside this script. test/plan/force-new-table.test.ts checks plan/force-new.ts against it.
//
//   node plan/provider-schema/derive-force-new.mjs <terraform-provider-google-beta git dir> <tag or commit>
//
// It reads the files with `git show`, so the checkout need not be at that tag. Only the subset of Go that
// the SDKv2 schema literals use is parsed: composite literals, selectors, calls, `var` declarations,
// functions returning a literal, and `tpgresource.MergeSchemas`. See docs/plan.md for when to refresh it.
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** Each Pulumi type: the Go files that define it and the expression that yields its schema map. */
const RESOURCES = {
  'gcp:projects/service:Service': { files: ['services/resourcemanager/resource_google_project_service.go'], root: 'resource:ResourceGoogleProjectService' },
  'gcp:serviceaccount/account:Account': { files: ['services/resourcemanager/resource_google_service_account.go'], root: 'resource:ResourceGoogleServiceAccount' },
  'gcp:projects/iAMMember:IAMMember': { files: ['tpgiamresource/resource_iam_member.go', 'services/resourcemanager/iam_project.go'], root: 'merge:IamMemberBaseSchema,IamProjectSchema' },
  'gcp:compute/subnetworkIAMMember:SubnetworkIAMMember': { files: ['tpgiamresource/resource_iam_member.go', 'services/compute/iam_compute_subnetwork.go'], root: 'merge:IamMemberBaseSchema,ComputeSubnetworkIamSchema' },
  'gcp:artifactregistry/repository:Repository': { files: ['services/artifactregistry/resource_artifact_registry_repository.go'], root: 'resource:ResourceArtifactRegistryRepository' },
  'gcp:storage/bucket:Bucket': { files: ['services/storage/resource_storage_bucket.go'], root: 'resource:ResourceStorageBucket' },
  'gcp:storage/bucketIAMMember:BucketIAMMember': { files: ['tpgiamresource/resource_iam_member.go', 'services/storage/iam_storage_bucket.go'], root: 'merge:IamMemberBaseSchema,StorageBucketIamSchema' },
  'gcp:certificatemanager/dnsAuthorization:DnsAuthorization': { files: ['services/certificatemanager/resource_certificate_manager_dns_authorization.go'], root: 'resource:ResourceCertificateManagerDnsAuthorization' },
  'gcp:certificatemanager/certificate:Certificate': { files: ['services/certificatemanager/resource_certificate_manager_certificate.go'], root: 'resource:ResourceCertificateManagerCertificate' },
  'gcp:compute/regionSecurityPolicy:RegionSecurityPolicy': { files: ['services/compute/resource_compute_region_security_policy.go'], root: 'resource:ResourceComputeRegionSecurityPolicy' },
  'gcp:modelarmor/template:Template': { files: ['services/modelarmor/resource_model_armor_template.go'], root: 'resource:ResourceModelArmorTemplate' },
  'gcp:compute/network:Network': { files: ['services/compute/resource_compute_network.go'], root: 'resource:ResourceComputeNetwork' },
  'gcp:compute/subnetwork:Subnetwork': { files: ['services/compute/resource_compute_subnetwork.go'], root: 'resource:ResourceComputeSubnetwork' },
  'gcp:container/cluster:Cluster': { files: ['services/container/resource_container_cluster.go', 'services/container/resource_container_node_pool.go', 'services/container/node_config.go'], root: 'resource:ResourceContainerCluster' },
  'gcp:container/nodePool:NodePool': { files: ['services/container/resource_container_node_pool.go', 'services/container/node_config.go'], root: 'resource:ResourceContainerNodePool' },
};

// ---- tokens -------------------------------------------------------------------------------------------
function tokenize(source) {
  const tokens = [];
  let i = 0;
  let newline = false;
  const push = (token) => {
    tokens.push({ ...token, nl: newline });
    newline = false;
  };
  while (i < source.length) {
    const c = source[i];
    if (c === '\n') {
      newline = true;
      i++;
    } else if (/\s/.test(c)) i++;
    else if (source.startsWith('//', i)) i = source.indexOf('\n', i) === -1 ? source.length : source.indexOf('\n', i);
    else if (source.startsWith('/*', i)) i = source.indexOf('*/', i + 2) + 2;
    else if (c === '"' || c === "'") {
      let j = i + 1;
      while (source[j] !== c) j += source[j] === '\\' ? 2 : 1;
      push({ t: 'str', v: JSON.parse(c === '"' ? source.slice(i, j + 1) : '""') });
      i = j + 1;
    } else if (c === '`') {
      const j = source.indexOf('`', i + 1);
      push({ t: 'str', v: source.slice(i + 1, j) });
      i = j + 1;
    } else if (/[A-Za-z_]/.test(c)) {
      const m = /^[A-Za-z_][A-Za-z0-9_]*/.exec(source.slice(i, i + 200));
      push({ t: 'id', v: m[0] });
      i += m[0].length;
    } else if (/[0-9]/.test(c)) {
      const m = /^[0-9][0-9a-zA-Z_.]*/.exec(source.slice(i, i + 100));
      push({ t: 'num', v: m[0] });
      i += m[0].length;
    } else {
      push({ t: 'p', v: c });
      i++;
    }
  }
  return tokens;
}

// ---- expressions ----------------------------------------------------------------------------------------
// A value: {k:'lit', entries:[{key, value}]} for a composite literal, {k:'call', fn, args},
// {k:'ref', name} for an identifier or selector, {k:'str'}, {k:'other'}.
class Parser {
  constructor(tokens) {
    this.tokens = tokens;
    this.i = 0;
  }
  peek(offset = 0) {
    return this.tokens[this.i + offset];
  }
  is(v, offset = 0) {
    return this.peek(offset)?.v === v && this.peek(offset)?.t === 'p';
  }
  /** Skips a balanced bracket group starting at the current token. */
  skipGroup() {
    const open = this.peek().v;
    const close = { '(': ')', '[': ']', '{': '}' }[open];
    let depth = 0;
    do {
      const token = this.tokens[this.i++];
      if (token.t === 'p' && token.v === open) depth++;
      if (token.t === 'p' && token.v === close) depth--;
    } while (depth > 0);
  }
  /** Parses one expression up to a `,` `}` `)` or `;`-less line end at depth 0. */
  expression() {
    let value = { k: 'other' };
    let typeText = '';
    const start = this.i;
    while (this.i < this.tokens.length) {
      const token = this.peek();
      if (token.t === 'p' && [',', '}', ')', ';', ':'].includes(token.v)) break;
      // Go ends a statement at a line break after an operand (automatic semicolons).
      const previous = this.tokens[this.i - 1];
      if (this.i > start && token.nl && (previous.t !== 'p' || [')', ']', '}'].includes(previous.v))) break;
      if (token.t === 'p' && token.v === '{') {
        value = { k: 'lit', type: typeText, entries: this.literal() };
        continue;
      }
      if (token.t === 'p' && token.v === '(') {
        const fn = value.k === 'ref' ? value.name : typeText;
        this.i++;
        const args = [];
        while (this.i < this.tokens.length && !this.is(')')) {
          const at = this.i;
          args.push(this.expression());
          if (this.is(',') || this.i === at) this.i++;
        }
        this.i++;
        value = { k: 'call', fn, args };
        continue;
      }
      if (token.t === 'p' && token.v === '[') {
        typeText += '[';
        this.i++;
        continue;
      }
      if (token.t === 'id') {
        // A selector chain `a.b.c`.
        let name = token.v;
        this.i++;
        while (this.is('.') && this.peek(1)?.t === 'id') {
          name += `.${this.peek(1).v}`;
          this.i += 2;
        }
        typeText += name;
        value = { k: 'ref', name };
        continue;
      }
      if (token.t === 'str') value = { k: 'str', v: token.v };
      if (token.t === 'num') value = { k: 'num', v: token.v };
      typeText += token.v;
      this.i++;
    }
    return value;
  }
  /** A `{ ... }` composite literal body: entries `key: value` or bare values. */
  literal() {
    this.i++;
    const entries = [];
    while (this.i < this.tokens.length && !this.is('}')) {
      const start = this.i;
      const first = this.expression();
      if (this.is(':')) {
        this.i++;
        const value = this.expression();
        entries.push({ key: first.k === 'str' ? first.v : first.k === 'ref' ? first.name : undefined, value });
      } else {
        entries.push({ key: undefined, value: first });
      }
      if (this.is(',')) this.i++;
      if (this.i === start) this.i++;
    }
    this.i++;
    return entries;
  }
}

/** Top-level `var NAME = expr`, `var ( ... )` and `func NAME(...) ... { return expr }` of Go files. */
function declarations(sources) {
  const vars = new Map();
  const funcs = new Map();
  for (const source of sources) {
    const parser = new Parser(tokenize(source));
    const tokens = parser.tokens;
    while (parser.i < tokens.length) {
      const token = parser.peek();
      if (token.t === 'id' && token.v === 'var') {
        parser.i++;
        const group = parser.is('(');
        if (group) parser.i++;
        do {
          if (parser.peek()?.t !== 'id') break;
          const name = parser.peek().v;
          parser.i++;
          while (!parser.is('=') && !parser.is(')') && parser.peek()?.t !== 'id') parser.i++;
          if (parser.is('=')) {
            parser.i++;
            vars.set(name, parser.expression());
          } else {
            // `var name Type` without a value: skip the type.
            parser.expression();
          }
          if (parser.is(';')) parser.i++;
        } while (group && !parser.is(')'));
        if (group) parser.i++;
      } else if (token.t === 'id' && token.v === 'func' && parser.peek(1)?.t === 'id') {
        const name = parser.peek(1).v;
        parser.i += 2;
        // The signature: parameters and results may hold `interface{}` or `struct{...}`.
        while (!parser.is('{')) {
          if (parser.is('(')) parser.skipGroup();
          else if (parser.peek().t === 'id' && ['interface', 'struct'].includes(parser.peek().v) && parser.is('{', 1)) {
            parser.i++;
            parser.skipGroup();
          } else parser.i++;
        }
        // Body: find a `return` at depth 1 and parse what follows.
        const bodyStart = parser.i;
        parser.skipGroup();
        const bodyEnd = parser.i;
        const inner = new Parser(tokens.slice(bodyStart + 1, bodyEnd - 1));
        let depth = 0;
        while (inner.i < inner.tokens.length) {
          const t = inner.peek();
          if (t.t === 'p' && (t.v === '{' || t.v === '(')) depth++;
          if (t.t === 'p' && (t.v === '}' || t.v === ')')) depth--;
          if (depth === 0 && t.t === 'id' && t.v === 'return') {
            inner.i++;
            const value = inner.expression();
            if (value.k === 'lit') {
              funcs.set(name, value);
              break;
            }
          }
          inner.i++;
        }
      } else {
        parser.i++;
      }
    }
  }
  return { vars, funcs };
}

const field = (lit, key) => lit.entries.find((entry) => entry.key === key)?.value;
const plural = (name) => (name.endsWith('s') ? name : name.endsWith('y') ? `${name.slice(0, -1)}ies` : `${name}s`);
const camel = (name) => name.replace(/_([a-z0-9])/g, (_, c) => c.toUpperCase());

/** Resolves an expression to a schema map: entries of `"name": <schema>`. */
function schemaMap(value, decls) {
  if (value === undefined) return [];
  if (value.k === 'ref') {
    const name = value.name.split('.').pop();
    if (decls.vars.has(name)) return schemaMap(decls.vars.get(name), decls);
    return [];
  }
  if (value.k === 'call' && value.fn.endsWith('MergeSchemas')) return value.args.flatMap((arg) => schemaMap(arg, decls));
  if (value.k === 'call') {
    const name = value.fn.split('.').pop();
    return decls.funcs.has(name) ? schemaMap(decls.funcs.get(name), decls) : [];
  }
  if (value.k === 'lit') return value.entries.filter((entry) => entry.key !== undefined).map((entry) => [entry.key, entry.value]);
  return [];
}

/** Resolves an expression to one schema literal (a field's definition), or undefined. */
function schemaLiteral(value, decls) {
  if (value?.k === 'lit') return value;
  if (value?.k === 'ref') return schemaLiteral(decls.vars.get(value.name.split('.').pop()), decls);
  if (value?.k === 'call') return schemaLiteral(decls.funcs.get(value.fn.split('.').pop()), decls);
  return undefined;
}

/** Every input field (not Computed-only) under a schema map, with its ForceNew flag. */
function fields(entries, decls, prefix = '') {
  const result = [];
  for (const [name, value] of entries) {
    const lit = schemaLiteral(value, decls);
    if (lit === undefined) continue;
    const flag = (key) => field(lit, key)?.k === 'ref' && field(lit, key).name === 'true';
    if (flag('Computed') && !flag('Optional') && !flag('Required')) continue;
    // pulumi-terraform-bridge names a list or set field in the plural unless it holds at most one item
    // (then it is an object): guest_accelerator becomes guestAccelerators.
    const type = field(lit, 'Type');
    const list = type?.k === 'ref' && /TypeList|TypeSet/.test(type.name);
    const single = field(lit, 'MaxItems')?.k === 'num' && field(lit, 'MaxItems').v === '1';
    const path = `${prefix}${list && !single ? plural(camel(name)) : camel(name)}`;
    const elem = schemaLiteral(field(lit, 'Elem'), decls);
    const nested = elem && elem.type.endsWith('Resource') ? fields(schemaMap(field(elem, 'Schema'), decls), decls, `${path}.`) : [];
    result.push({ path, forceNew: flag('ForceNew'), block: nested.length > 0 });
    result.push(...nested);
  }
  return result;
}

/**
 * The paths whose change replaces the resource, as plan/force-new.ts lists them: a ForceNew leaf; a block
 * whose every field is ForceNew (listed once, as the block); nothing for a ForceNew block with fields
 * that update in place (SDKv2 applies a block's ForceNew to its count only).
 */
function replacingPaths(all) {
  const children = (path) => all.filter((entry) => entry.path.startsWith(`${path}.`) && !entry.block);
  const paths = [];
  const covered = (path) => paths.some((p) => path === p || path.startsWith(`${p}.`));
  for (const entry of all) {
    if (covered(entry.path)) continue;
    if (entry.block) {
      const leaves = children(entry.path);
      if (leaves.length > 0 && leaves.every((leaf) => leaf.forceNew)) paths.push(entry.path);
    } else if (entry.forceNew) {
      paths.push(entry.path);
    }
  }
  return paths;
}

function derive(gitDir, ref) {
  const show = (file) => execFileSync('git', ['--git-dir', gitDir, 'show', `${ref}:google-beta/${file}`], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  const commit = execFileSync('git', ['--git-dir', gitDir, 'rev-parse', `${ref}^{commit}`], { encoding: 'utf8' }).trim();
  const resources = {};
  for (const [type, { files, root }] of Object.entries(RESOURCES)) {
    const sources = files.map(show);
    const decls = declarations(sources);
    const [kind, spec] = root.split(':');
    const entries =
      kind === 'merge'
        ? spec.split(',').flatMap((name) => schemaMap({ k: 'ref', name }, decls))
        : schemaMap(field(decls.funcs.get(spec) ?? { entries: [] }, 'Schema'), decls);
    if (entries.length === 0) throw new Error(`${type}: no schema found for ${root}`);
    const all = fields(entries, decls);
    const conditional = [...sources[0].matchAll(/customdiff\.ForceNewIfChange\("([a-z0-9_.]+)"/g)].map((m) => camel(m[1].replace(/\.0\./g, '.')));
    resources[type] = { files: files.map((file) => `google-beta/${file}`), forceNew: replacingPaths(all), forceNewIfChange: [...new Set(conditional)] };
  }
  return { generatedBy: 'plan/provider-schema/derive-force-new.mjs', provider: 'hashicorp/terraform-provider-google-beta', ref, commit, resources };
}

const [gitDir, ref] = process.argv.slice(2);
if (!gitDir || !ref) {
  process.stderr.write('usage: node plan/provider-schema/derive-force-new.mjs <terraform-provider-google-beta git dir> <tag or commit>\n');
  process.exit(2);
}
const fixture = derive(gitDir, ref);
const out = join(dirname(fileURLToPath(import.meta.url)), 'force-new.fixture.json');
writeFileSync(out, `${JSON.stringify(fixture, null, 2)}\n`);
process.stdout.write(`wrote ${out} (${ref}, ${fixture.commit})\n`);
