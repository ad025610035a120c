// The floor of synth time: loading cdk8s and cdk8s-plus-30 and nothing else.
require('cdk8s');
require('cdk8s-plus-30');
