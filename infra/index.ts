/**
 * The Pulumi program (`main` in Pulumi.yaml): reads the stack configuration and deploys everything.
 * See stack.ts for what is created and docs/deploy.md for how to run it.
 */
import { readStackSettings } from './config';
import { deploy } from './stack';

const stack = deploy(readStackSettings());

export const clusterName = stack.clusterName;
export const gatewayAddress = stack.gatewayAddress;
export const curlCommand = stack.curlCommand;
/** DNS records to create for `gateway.tls.domains` (certificate authorization, and the domains' A records). */
export const dnsRecords = stack.dnsRecords;
/** Empty, or why the Gateway is open to the internet and which spec fields close it. */
export const exposure = stack.exposure;
