// expect: no-public-resource-policy deploy-infra-role
// why: a GitHub Actions deploy role whose sub condition puts the wildcard before the repository owner (repo:*/deploy-infra:*): any GitHub account's repository named deploy-infra can assume it (https://docs.aws.amazon.com/IAM/latest/UserGuide/id_roles_create_for-idp_oidc.html#idp_oidc_Create_GitHub).
import * as pulumi from "@pulumi/pulumi";
import * as aws from "@pulumi/aws";

const caller = aws.getCallerIdentityOutput();

const github = new aws.iam.OpenIdConnectProvider("github-actions", {
  url: "https://token.actions.githubusercontent.com",
  clientIdLists: ["sts.amazonaws.com"],
});

// "Any fork or branch of deploy-infra may deploy" - the owner slot was meant to be the org.
const role = new aws.iam.Role("deploy-infra-role", {
  assumeRolePolicy: pulumi.jsonStringify({
    Version: "2012-10-17",
    Statement: [
      {
        Effect: "Allow",
        Principal: { Federated: github.arn },
        Action: "sts:AssumeRoleWithWebIdentity",
        Condition: {
          StringEquals: { "token.actions.githubusercontent.com:aud": "sts.amazonaws.com" },
          StringLike: { "token.actions.githubusercontent.com:sub": "repo:*/deploy-infra:*" },
        },
      },
    ],
  }),
});

new aws.iam.RolePolicy("deploy-infra-artifacts", {
  role: role.id,
  policy: pulumi.jsonStringify({
    Version: "2012-10-17",
    Statement: [{ Effect: "Allow", Action: ["s3:PutObject", "s3:GetObject"], Resource: pulumi.interpolate`arn:aws:s3:::deploy-artifacts-${caller.accountId}/*` }],
  }),
});
