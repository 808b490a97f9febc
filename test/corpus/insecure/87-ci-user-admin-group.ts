// expect: no-admin-workloads deployers-admin
// why: a CI user whose access key the pipeline signs with is in a group that carries AdministratorAccess: whoever reads the pipeline's secret owns the account (https://docs.aws.amazon.com/IAM/latest/UserGuide/id_credentials_access-keys.html, https://docs.aws.amazon.com/IAM/latest/UserGuide/id_groups_manage_attach-policy.html).
import * as aws from "@pulumi/aws";

const ci = new aws.iam.User("ci-deployer", { name: "ci-deployer", path: "/ci/" });
new aws.iam.AccessKey("ci-deployer-key", { user: ci.name });

const deployers = new aws.iam.Group("deployers", { name: "deployers" });
new aws.iam.GroupMembership("deployers-members", { group: deployers.name, users: [ci.name] });

// "The pipeline deploys everything, so it needs everything."
new aws.iam.GroupPolicyAttachment("deployers-admin", {
  group: deployers.name,
  policyArn: "arn:aws:iam::aws:policy/AdministratorAccess",
});
