/**
 * Checks that must pass before a resource is created (the GPU quota, the version gate). A check is an
 * Output that throws a `pulumi.RunError` inside its apply when the value it reads is wrong; the resource
 * waits for it through `dependsOn` (`afterChecks`), so a failed check stops `pulumi preview` and
 * `pulumi up` before the create, and Pulumi prints the RunError's message alone, once (its
 * unhandled-rejection handler dedupes by identity: @pulumi/pulumi cmd/run/run.js).
 */
import * as pulumi from '@pulumi/pulumi';

/** Set by the in-process mocks: where a failed check is reported instead of thrown (see `precondition`). */
let failures: ((error: pulumi.RunError) => void) | undefined;

/**
 * Under the in-process mocks (plan, tests) a thrown check would reject every registration queued behind
 * it, with nothing to absorb those echoes as `pulumi up` does: Node and Jest would report each one. The
 * mocks pass a reporter instead; a failed check then reports its RunError there and never resolves, so
 * the registrations behind it never happen, as in the real run that stops at the check.
 */
export function reportFailedChecksTo(report: ((error: pulumi.RunError) => void) | undefined): void {
  failures = report;
}

/** A check over `value`: `problem` returns the one-line message of what is wrong, or undefined. */
export function precondition<T>(value: pulumi.Output<T>, problem: (value: T) => string | undefined): pulumi.Output<void> {
  return value.apply((resolved): Promise<void> => {
    const message = problem(resolved);
    if (message === undefined) return Promise.resolve();
    const error = new pulumi.RunError(message);
    if (failures === undefined) throw error;
    failures(error);
    return new Promise<void>(() => undefined);
  });
}

/** `value` once every check has passed: what a resource's `dependsOn` takes to wait for the checks. */
export function afterChecks<T>(checks: readonly pulumi.Output<void>[], value: T): pulumi.Output<T> {
  return pulumi.all([...checks]).apply(() => value);
}
