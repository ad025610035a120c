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
