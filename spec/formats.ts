/**
 * The formats of strings that leave the spec for another program: a vLLM command line, the lora-syncer's
 * YAML, an HTTP header the gateway matches, a Gateway API path, a container runtime's image reference, a
 * shell. Each is as strict as the strictest consumer, so a value the spec accepts can never be misread
 * downstream: none starts with "-" (no injected flags), none holds "$(" (Kubernetes expands `$(VAR)` in
 * args), quotes, spaces, control, format or non-ASCII characters.
 */

/**
 * What clients send as `model`, and what vLLM, the picker and the body-based router's header carry:
 * letters, digits and `._:/@+-`, starting and ending with a letter or digit. OpenAI clients send any
 * JSON string; this subset covers Hugging Face ids (`meta-llama/Llama-3.1-8B-Instruct`) and adapter names.
 */
export const MODEL_NAME = /^[A-Za-z0-9](?:[A-Za-z0-9._:/@+-]*[A-Za-z0-9])?$/;

/**
 * A Hugging Face repository id, `[namespace/]name`: each part letters, digits, `_`, `.` and `-`, not
 * starting or ending with `.` or `-`, without `--` or `..`, at most 96 characters (the Hub's own rules).
 */
const HF_PART = '(?!.*(?:--|\\.\\.))[A-Za-z0-9](?:[A-Za-z0-9._-]{0,94}[A-Za-z0-9])?';
export const HF_REPO_ID = new RegExp(`^(?:${HF_PART.replace('.*', '[^/]*')}/)?${HF_PART}$`);

/**
 * A container image reference (the distribution/reference grammar): an optional registry host and port,
 * lower-case path components, an optional tag and an optional sha256 digest. As the container runtime
 * normalizes names, a first component is a registry only with a ".", a port, or as `localhost`.
 */
const DOMAIN_COMPONENT = '(?:[A-Za-z0-9]|[A-Za-z0-9][A-Za-z0-9-]*[A-Za-z0-9])';
const DOMAIN = `(?:localhost(?::[0-9]{1,5})?|${DOMAIN_COMPONENT}(?:\\.${DOMAIN_COMPONENT})+(?::[0-9]{1,5})?|${DOMAIN_COMPONENT}:[0-9]{1,5})`;
const PATH_COMPONENT = '[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*';
export const IMAGE_REFERENCE = new RegExp(
  `^(?:${DOMAIN}/)?${PATH_COMPONENT}(?:/${PATH_COMPONENT})*(?::[A-Za-z0-9_][A-Za-z0-9_.-]{0,127})?(?:@sha256:[a-f0-9]{64})?$`,
);

/**
 * An absolute URL path for an HTTPRoute match or a health check: segments of unreserved characters
 * (letters, digits, `.`, `_`, `~`, `-`), no empty, `.` or `..` segment, an optional trailing `/`. The
 * Gateway API CRD also allows sub-delimiters such as `;`, `'` and `$`, which a shell would interpret;
 * its CEL rules forbid `//`, `/./` and `/../`.
 */
export const URL_PATH = /^\/(?:(?!\.{1,2}(?:\/|$))[A-Za-z0-9._~-]+(?:\/(?!\.{1,2}(?:\/|$))[A-Za-z0-9._~-]+)*\/?)?$/;
