/**
 * Verdicts of CEL rules, remembered across runs. A rule's verdict depends only on the rule, the value
 * `self` is bound to and how that value is typed (its schema), and most objects are the same from one
 * synth to the next; so a run whose every (rule, value) pair was seen before never loads @bufbuild/cel
 * nor parses a rule. A verdict is stored under the sha256 of the CRD version, the schema path (indices
 * dropped: every list item has the same schema), the rule and the value's JSON.
 *
 * The cache lives in one file under lib/validate (this checkout's, like the other build caches), named
 * after the sha256 of the code that computes verdicts (cel.ts, cel-values.ts) and @bufbuild/cel's
 * version: other code, other file. It holds the verdicts of the last run only (so it never grows), is
 * written atomically by the command line at the end of a run, and a file that does not parse is ignored.
 */
import { createHash, randomBytes } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { packageVersion } from './build-cache';
import { projectRoot } from './schema-source';

/** What a rule came to for one value. */
export type Verdict =
  | { readonly kind: 'transition' }
  | { readonly kind: 'skip'; readonly reason: string }
  | { readonly kind: 'unknown'; readonly reason: string }
  | { readonly kind: 'ok' }
  | { readonly kind: 'fail'; readonly message: string };

const PREFIX = 'cel-verdicts-';

function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

/** The key of one verdict. */
export function verdictKey(crd: string, path: string, rule: string, value: unknown): string {
  return sha256(JSON.stringify([crd, path.replace(/\[\d+\]/g, '[]'), rule, value === undefined ? null : value]));
}

/** The cache file for this code, or undefined when the code's sources cannot be read (no cache then). */
function cacheFile(): string | undefined {
  const root = projectRoot();
  try {
    const code = ['cel.ts', 'cel-values.ts'].map((name) => readFileSync(join(root, 'validate', name), 'utf8')).join('\0');
    const version = packageVersion(join(root, 'node_modules', '@bufbuild', 'cel')) ?? 'unknown';
    return join(root, 'lib', 'validate', `${PREFIX}${sha256(`${code}\0${version}`).slice(0, 16)}.json`);
  } catch {
    return undefined;
  }
}

export class VerdictCache {
  private readonly known: ReadonlyMap<string, Verdict>;
  private readonly used = new Map<string, Verdict>();
  private added = false;

  constructor(known: ReadonlyMap<string, Verdict> = new Map(), private readonly file?: string) {
    this.known = known;
  }

  /** The verdicts stored for this code, or an empty cache when there are none (or persistence is off). */
  static load(): VerdictCache {
    const file = cacheFile();
    if (file === undefined) return new VerdictCache();
    try {
      const stored = JSON.parse(readFileSync(file, 'utf8')) as Record<string, Verdict>;
      return new VerdictCache(new Map(Object.entries(stored)), file);
    } catch {
      return new VerdictCache(new Map(), file);
    }
  }

  /** The verdict for `key`, computing (and remembering) it when it is not known. */
  verdict(key: string, compute: () => Verdict): Verdict {
    let verdict = this.used.get(key) ?? this.known.get(key);
    if (verdict === undefined) {
      verdict = compute();
      this.added = true;
    }
    this.used.set(key, verdict);
    return verdict;
  }

  /**
   * Stores this run's verdicts when it needed one that was not stored (and drops files of other code).
   * Failing to write only costs the next run its speed.
   */
  save(): void {
    if (this.file === undefined || !this.added) return;
    const dir = join(this.file, '..');
    const temporary = `${this.file}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
    try {
      mkdirSync(dir, { recursive: true });
      writeFileSync(temporary, JSON.stringify(Object.fromEntries(this.used)));
      renameSync(temporary, this.file);
      for (const name of readdirSync(dir)) {
        if (name.startsWith(PREFIX) && join(dir, name) !== this.file && name.endsWith('.json')) rmSync(join(dir, name), { force: true });
      }
    } catch {
      rmSync(temporary, { force: true });
    }
  }
}
