/**
 * The `patches` escape hatch: RFC 6902 JSON patches applied to the synthesized objects, after the
 * constructs and the common labels (charts-gen/patches.ts applies them, in `buildApp`, which synth and
 * `pulumi up` share). What a patch may not touch: what names an object (apiVersion, kind, name, namespace:
 * references, the name registry and Pulumi's resource identity rest on them) and the common labels that
 * `kubectl apply --prune -l` and GitOps pruning select by.
 */
import { INSTANCE_LABEL, MANAGED_BY_LABEL, PART_OF_LABEL } from './kubernetes-keys';
import type { ObjectPatchSpec } from './types';

type Report = (path: string, message: string) => void;

/** JSON pointers a patch may neither change nor replace an ancestor of. */
export const PROTECTED_POINTERS: readonly string[] = [
  '/apiVersion',
  '/kind',
  '/metadata/name',
  '/metadata/namespace',
  ...[PART_OF_LABEL, MANAGED_BY_LABEL, INSTANCE_LABEL].map((label) => `/metadata/labels/${pointerToken(label)}`),
];

/** A key as one JSON pointer token (RFC 6901 section 3: `~` as `~0`, then `/` as `~1`). */
function pointerToken(key: string): string {
  return key.replace(/~/g, '~0').replace(/\//g, '~1');
}

/** The pointer's tokens, `~1` and `~0` decoded (RFC 6901 section 4: `~1` first, then `~0`). */
export function pointerTokens(pointer: string): string[] {
  return pointer
    .split('/')
    .slice(1)
    .map((token) => token.replace(/~1/g, '/').replace(/~0/g, '~'));
}

/** Checks what can be checked without the objects: each operation's value, and the protected pointers. */
export function checkPatches(patches: unknown, at: string, report: Report): void {
  if (!Array.isArray(patches)) return;
  patches.forEach((entry: unknown, index) => {
    if (typeof entry !== 'object' || entry === null) return;
    const operations = (entry as Partial<ObjectPatchSpec>).patch;
    if (!Array.isArray(operations)) return;
    operations.forEach((operation: unknown, step) => {
      if (typeof operation !== 'object' || operation === null) return;
      const { op, path, value } = operation as { op?: unknown; path?: unknown; value?: unknown };
      const here = `${at}[${index}].patch[${step}]`;
      if (op === 'remove' && value !== undefined) report(`${here}.value`, 'must be left out with op remove');
      if ((op === 'add' || op === 'replace' || op === 'test') && value === undefined) report(`${here}.value`, `is required with op ${op}`);
      if (typeof path !== 'string' || op === 'test') return;
      const touched = PROTECTED_POINTERS.find((pointer) => pointer === path || pointer.startsWith(`${path}/`));
      if (touched !== undefined) report(`${here}.path`, `${path} would change ${touched}, which this tool sets: objects are named and pruned by it`);
    });
  });
}
