/**
 * Applies the spec's `patches` to the app's objects, last in `buildApp` (so synth, `synth --check` and
 * `pulumi up` all see the patched objects). Each patch is first tried on the object as it renders, and
 * only a patch that matches an object and whose every path exists is attached (cdk8s `addJsonPatch`,
 * applied when the object renders). A patch that matches nothing or misses a path is a spec error naming
 * the entry: without the check, a typo in a kind or a path would be silently dropped (fast-json-patch,
 * which cdk8s uses, sets or deletes a missing member without complaint).
 */
import { ApiObject, JsonPatch, type App } from 'cdk8s';
import { SpecError, type SpecIssue } from '../spec';
import { pointerTokens } from '../spec/patches';
import type { ObjectPatchSpec, PatchOperationSpec } from '../spec/types';

type Json = unknown;

function isContainer(value: Json): value is Record<string, Json> | Json[] {
  return typeof value === 'object' && value !== null;
}

/** An array index as RFC 6902 allows it: digits without a leading zero (or `-` for add's end of array). */
function arrayIndex(token: string, length: number, adding: boolean): number | undefined {
  if (adding && token === '-') return length;
  if (!/^(0|[1-9]\d*)$/.test(token)) return undefined;
  const index = Number(token);
  return index < length || (adding && index === length) ? index : undefined;
}

/** The member `token` of `parent`, or undefined when there is none. */
function child(parent: Json, token: string): Json {
  if (Array.isArray(parent)) return arrayIndex(token, parent.length, false) === undefined ? undefined : parent[Number(token)];
  if (!isContainer(parent)) return undefined;
  const members = parent as Record<string, Json>;
  return Object.hasOwn(members, token) ? members[token] : undefined;
}

/**
 * Equality of two JSON values as JSON Patch's `test` defines it (RFC 6902 section 4.6): objects are equal
 * with the same members in any order, whatever their prototypes (the spec loader's objects have none).
 */
function jsonEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null || Array.isArray(a) !== Array.isArray(b)) return false;
  if (Array.isArray(a)) return a.length === (b as unknown[]).length && a.every((item, index) => jsonEqual(item, (b as unknown[])[index]));
  const keysA = Object.keys(a);
  const keysB = Object.keys(b);
  return keysA.length === keysB.length && keysA.every((key) => Object.prototype.hasOwnProperty.call(b, key) && jsonEqual((a as Record<string, unknown>)[key], (b as Record<string, unknown>)[key]));
}

/**
 * Applies one operation to `document` in place, as RFC 6902 section 4 says: remove, replace and test need
 * the target to exist, add needs its parent. Returns a message when it cannot, else undefined.
 */
export function applyOperation(document: Json, operation: PatchOperationSpec): string | undefined {
  const tokens = pointerTokens(operation.path);
  const last = tokens.pop() as string;
  let parent = document;
  for (const [depth, token] of tokens.entries()) {
    const next = child(parent, token);
    if (!isContainer(next)) return `does not exist: /${tokens.slice(0, depth + 1).join('/')} is missing or not an object or list`;
    parent = next;
  }
  if (!isContainer(parent)) return 'does not exist';
  const adding = operation.op === 'add';
  if (Array.isArray(parent)) {
    const index = arrayIndex(last, parent.length, adding);
    if (index === undefined) return `does not exist: ${JSON.stringify(last)} is not an index of a list of ${parent.length}`;
    if (operation.op === 'add') parent.splice(index, 0, structuredClone(operation.value));
    else if (operation.op === 'remove') parent.splice(index, 1);
    else if (operation.op === 'replace') parent[index] = structuredClone(operation.value);
    else if (!jsonEqual(parent[index], operation.value)) return `test failed: the value there is ${JSON.stringify(parent[index]).slice(0, 80)}`;
    return undefined;
  }
  const members = parent as Record<string, Json>;
  if (!adding && !Object.hasOwn(members, last)) return 'does not exist';
  if (operation.op === 'add' || operation.op === 'replace') members[last] = structuredClone(operation.value);
  else if (operation.op === 'remove') delete members[last];
  else if (!jsonEqual(members[last], operation.value)) return `test failed: the value there is ${JSON.stringify(members[last]).slice(0, 80)}`;
  return undefined;
}

function toCdk8s(operation: PatchOperationSpec): JsonPatch {
  switch (operation.op) {
    case 'add':
      return JsonPatch.add(operation.path, operation.value);
    case 'remove':
      return JsonPatch.remove(operation.path);
    case 'replace':
      return JsonPatch.replace(operation.path, operation.value);
    case 'test':
      return JsonPatch.test(operation.path, operation.value);
  }
}

/** Attaches every patch to the objects it matches; throws a SpecError listing every patch that cannot apply. */
export function applyPatches(app: App, patches: readonly ObjectPatchSpec[] | undefined): void {
  if (patches === undefined || patches.length === 0) return;
  const objects = app.node.findAll().filter((construct): construct is ApiObject => construct instanceof ApiObject);
  const issues: SpecIssue[] = [];
  // The object as the earlier entries left it, so a later entry sees their changes, as it will at render.
  const rendered = new Map<ApiObject, Json>();
  patches.forEach((entry, index) => {
    const at = `patches[${index}]`;
    const matches = objects.filter((object) => object.kind === entry.kind && (entry.name === undefined || object.name === entry.name));
    if (matches.length === 0) {
      const kinds = [...new Set(objects.map((object) => object.kind))].sort().join(', ');
      issues.push({ path: at, message: `matches no object: no ${entry.kind}${entry.name === undefined ? '' : ` named ${entry.name}`} is synthesized (kinds: ${kinds})` });
      return;
    }
    for (const object of matches) {
      const trial = structuredClone(rendered.get(object) ?? object.toJson());
      const failed = entry.patch.findIndex((operation, step) => {
        const problem = applyOperation(trial, operation);
        if (problem !== undefined) issues.push({ path: `${at}.patch[${step}].path`, message: `${operation.path} in ${entry.kind}/${object.name}: ${problem}` });
        return problem !== undefined;
      });
      if (failed !== -1) continue;
      rendered.set(object, trial);
      object.addJsonPatch(...entry.patch.map(toCdk8s));
    }
  });
  if (issues.length > 0) throw new SpecError(issues, 'patches');
}
