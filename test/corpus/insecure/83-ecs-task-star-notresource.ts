// expect: no-admin-workloads ledger-task-role
// why: Action "*" with NotResource only carves out the audit bucket: every other action on every other resource is allowed, which is administrator access (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_notresource.html).
import * as aws from "@pulumi/aws";

new aws.iam.Role("ledger-task-role", {
  assumeRolePolicy: JSON.stringify({
    Version: "2012-10-17",
    Statement: [{ Effect: "Allow", Principal: { Service: "ecs-tasks.amazonaws.com" }, Action: "sts:AssumeRole" }],
  }),
  inlinePolicies: [
    {
      name: "everything-but-audit",
      policy: JSON.stringify({
        Version: "2012-10-17",
        Statement: [{ Effect: "Allow", Action: "*", NotResource: ["arn:aws:s3:::ledger-audit", "arn:aws:s3:::ledger-audit/*"] }],
      }),
    },
  ],
});
