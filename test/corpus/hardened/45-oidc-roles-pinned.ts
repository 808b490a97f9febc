// expect: clean
// why: a GitHub Actions deploy role pinned to one repository's main branch and an EKS service-account role pinned to one namespace and service account, each with a scoped policy (https://docs.aws.amazon.com/IAM/latest/UserGuide/id_roles_create_for-idp_oidc.html#idp_oidc_Create_GitHub, https://docs.aws.amazon.com/eks/latest/userguide/associate-service-account-role.html).
import * as pulumi from "@pulumi/pulumi";
import * as aws from "@pulumi/aws";

const caller = aws.getCallerIdentityOutput();
const account = caller.accountId;

const github = new aws.iam.OpenIdConnectProvider("github-actions", {
  url: "https://token.actions.githubusercontent.com",
  clientIdLists: ["sts.amazonaws.com"],
});

const deploy = new aws.iam.Role("platform-deploy", {
  assumeRolePolicy: pulumi.jsonStringify({
    Version: "2012-10-17",
    Statement: [
      {
        Effect: "Allow",
        Principal: { Federated: github.arn },
        Action: "sts:AssumeRoleWithWebIdentity",
        Condition: {
          StringEquals: {
            "token.actions.githubusercontent.com:aud": "sts.amazonaws.com",
            "token.actions.githubusercontent.com:sub": "repo:acme-corp/platform:ref:refs/heads/main",
          },
        },
      },
    ],
  }),
});
new aws.iam.RolePolicy("platform-deploy-artifacts", {
  role: deploy.id,
  policy: pulumi.jsonStringify({
    Version: "2012-10-17",
    Statement: [{ Effect: "Allow", Action: ["s3:PutObject", "s3:GetObject"], Resource: pulumi.interpolate`arn:aws:s3:::platform-artifacts-${account}/releases/*` }],
  }),
});

// The cluster lives in another stack; its OIDC issuer is a fixed value.
const issuer = "oidc.eks.eu-west-1.amazonaws.com/id/EXAMPLED539D4633E53DE1B71EXAMPLE";
const uploader = new aws.iam.Role("media-uploader-irsa", {
  assumeRolePolicy: pulumi.jsonStringify({
    Version: "2012-10-17",
    Statement: [
      {
        Effect: "Allow",
        Principal: { Federated: pulumi.interpolate`arn:aws:iam::${account}:oidc-provider/${issuer}` },
        Action: "sts:AssumeRoleWithWebIdentity",
        Condition: { StringEquals: { [`${issuer}:aud`]: "sts.amazonaws.com", [`${issuer}:sub`]: "system:serviceaccount:media:uploader" } },
      },
    ],
  }),
});
new aws.iam.RolePolicy("media-uploader-put", {
  role: uploader.id,
  policy: JSON.stringify({
    Version: "2012-10-17",
    Statement: [{ Effect: "Allow", Action: ["s3:PutObject"], Resource: "arn:aws:s3:::media-uploads-prod/incoming/*" }],
  }),
});
