// Reproduces the shape of pulumi/examples aws-ts-secrets-manager
// (https://github.com/pulumi/examples/tree/master/aws-ts-secrets-manager): a Secrets Manager secret whose first
// version is a literal string in the program. Written for bulkhead from that program's description, not copied.
import * as aws from "@pulumi/aws";

const container = new aws.secretsmanager.Secret("secretContainer");

// The value sits in the source (and so in git): exactly what no-typed-in-credentials is meant to catch.
new aws.secretsmanager.SecretVersion("secret", {
    secretString: "mysecret",
    secretId: container.id,
});

// A secret's id is its ARN.
export const secretId = container.id;
