/**
 * The stack config keys of this program, apart from the code that reads them (config.ts, which loads
 * Pulumi): `npm run plan` reads stack files and reports their problems before it loads Pulumi.
 */

/** The Pulumi project name: the namespace of this program's config keys. */
export const CONFIG_NAMESPACE = 'inference-gateway';
export const SPEC_KEY = 'spec';
export const SPEC_FILE_KEY = 'specFile';
export const HF_TOKEN_KEY = 'hfToken';
/** The token's full config key, as `pulumi config set --secret` names it. */
export const HF_TOKEN_CONFIG = `${CONFIG_NAMESPACE}:${HF_TOKEN_KEY}`;
