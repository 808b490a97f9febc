// expect: no-typed-in-credentials legacy-db-password
// why: the app reads its database password from Parameter Store, but the SecureString's value was typed into the program: encrypted at rest, readable in git forever.
import * as aws from "@pulumi/aws";

const key = new aws.kms.Key("legacy-params-key", { description: "legacy app parameters", enableKeyRotation: true });

new aws.ssm.Parameter("legacy-db-host", { name: "/legacy/db/host", type: "String", value: "legacy-db.internal.example.com" });
new aws.ssm.Parameter("legacy-db-password", {
  name: "/legacy/db/password",
  type: "SecureString",
  keyId: key.keyId,
  value: "L3gacy-DB-pa55!",
});
