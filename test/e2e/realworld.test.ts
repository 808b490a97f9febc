/**
 * Public real-world Pulumi programs (test/e2e/realworld/, each crediting its source) through the same engine and
 * pack `bulkhead check` uses, in one worker batch. Each must run offline (the real CLI runs it) with every awsx / eks /
 * aws-apigateway component expanded (its children registered and seen by the pack), and its mandatory findings must
 * be exactly the doors judged real by AWS's documented behaviour — no false positive from the providers' own
 * documented requirements or from unknowns. Why each expected finding is a door is noted per row (`rule resource
 * kind`, or `rule resource` for the first seven programs, whose kinds other tests pin).
 */
import { beforeAll, describe, expect, it } from "vitest";
import * as path from "node:path";
import { jobFor, runJobs, type JobResult } from "../../cli/engine";

const root = path.resolve(__dirname, "realworld");
const repo = path.resolve(__dirname, "..", "..");

// Public EKS API: https://docs.aws.amazon.com/eks/latest/userguide/cluster-endpoint.html (public by default, 0.0.0.0/0).
// IMDSv1: https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/configuring-IMDS-new-instances.html (optional tokens by default).
// Public IPs: https://docs.aws.amazon.com/vpc/latest/userguide/vpc-ip-addressing.html (subnet mapPublicIpOnLaunch / default VPC).
// Load balancers answer on their listeners only: https://docs.aws.amazon.com/elasticloadbalancing/latest/application/load-balancer-listeners.html
// AWSLambda_FullAccess (iam:PassRole to Lambda on *, lambda:* on *): https://docs.aws.amazon.com/aws-managed-policy/latest/reference/AWSLambda_FullAccess.html
// Fargate task public IPs: https://docs.aws.amazon.com/AmazonECS/latest/developerguide/fargate-task-networking.html
const PROGRAMS: Array<[target: string, mandatory: Array<[rule: string, resource: string, kind?: string]>]> = [
  // A web server on the instance itself, port 80 to the world, in the default VPC (public IP), IMDSv1.
  [
    "webserver/index.ts",
    [
      ["only-lbs-face-world", "web-secgrp"],
      ["public-ip-only-bastion-lb", "web-server-www"],
      ["imdsv2-required", "web-server-www"],
    ],
  ],
  // eks.Cluster defaults: public API, worker nodes with public IPs and IMDSv1. Its node security group rules
  // (node-to-node, control plane → nodes) are AWS's documented requirements, not doors.
  [
    "eks-hello-world/index.ts",
    [
      ["private-eks-api", "helloworld-eksCluster"],
      ["public-ip-only-bastion-lb", "helloworld-launchTemplate"],
      ["imdsv2-required", "helloworld-launchTemplate"],
    ],
  ],
  // Two (deprecated) eks.NodeGroups sharing the cluster's node group, public IPs off; IMDSv1 on both; public API.
  [
    "eks-migrate-nodegroups/index.ts",
    [
      ["private-eks-api", "index-eksCluster"],
      ["imdsv2-required", "index-ng-standard-launchTemplate"],
      ["imdsv2-required", "index-ng-4xlarge-launchTemplate"],
    ],
  ],
  // Managed node groups default to all the cluster's subnets, the awsx VPC's public ones (mapPublicIpOnLaunch) included.
  [
    "eks-managed-nodegroups/index.ts",
    [
      ["private-eks-api", "example-managed-nodegroups-eksCluster"],
      ["public-ip-only-bastion-lb", "example-managed-ng0"],
      ["public-ip-only-bastion-lb", "example-managed-ng1"],
      ["public-ip-only-bastion-lb", "example-managed-ng2"],
    ],
  ],
  ["stepfunctions", []],
  // MySQL's group admits 0.0.0.0/0 on 3306 (latent: the instance is not publicly accessible, the subnets are public);
  // the ALB's world 80/443 passes.
  [
    "wordpress-fargate-rds/index.ts",
    [
      ["no-world-open-sensitive-port", "wp-fargate-rds-net-rds-sg"],
      ["data-ports-tenant-only", "wp-fargate-rds-net-rds-sg"],
      ["only-lbs-face-world", "wp-fargate-rds-net-rds-sg"],
    ],
  ],
  // The Redshift master password comes from stack config (typed in by a person, never rotated: the breach's reset
  // problem), and the Glue connection carries it in connectionProperties.PASSWORD, readable with glue:GetConnection
  // (https://docs.aws.amazon.com/glue/latest/dg/connection-properties.html offers SECRET_ID instead).
  [
    "redshift-glue-etl",
    [
      ["no-typed-in-credentials", "cluster"],
      ["no-typed-in-credentials", "glue-redshift-connection"],
    ],
  ],
  // pulumi/templates container-aws-typescript: awsx's ALB group admits all traffic from the world, but the ALB
  // listens on 80 only, so the world reaches 80 alone (no finding on "loadbalancer"). The Fargate service has no
  // networkConfiguration: awsx gives its tasks a group admitting all traffic from 0.0.0.0/0 and ::/0 and
  // assignPublicIp: true, so every task is reachable from the internet on whatever it listens on, past the ALB.
  [
    "container-aws/index.ts",
    [
      ["no-world-open-sensitive-port", "service-sg", "world-open-port"],
      ["bastion-only-admin", "service-sg", "admin-port-not-from-bastion"],
      ["data-ports-tenant-only", "service-sg", "data-port-public-cidr"],
      ["only-lbs-face-world", "service-sg", "world-facing-non-lb"],
      ["public-ip-only-bastion-lb", "service", "associates-public-ip"],
    ],
  ],
  // pulumi/templates kubernetes-aws-typescript: nodes in private subnets without public IPs (nothing to report
  // there); the API is public to 0.0.0.0/0 and the nodes' launch template leaves IMDSv1 on, so a pod can take the
  // node role's credentials (https://docs.aws.amazon.com/eks/latest/best-practices/identity-and-access-management.html).
  [
    "kubernetes-aws/index.ts",
    [
      ["private-eks-api", "eks-cluster-eksCluster", "eks-public-api"],
      ["imdsv2-required", "eks-cluster-launchTemplate", "imds-unset"],
    ],
  ],
  // pulumi/templates serverless-aws-typescript: aws.lambda.CallbackFunction's default role carries
  // AWSLambda_FullAccess — the function may create a function with any Lambda role of the account and run it. Its
  // OpenAPI body gives /date and the static routes (/ and /{proxy+}) no authorization on a public REST API, as a
  // Method with authorization NONE would (https://docs.aws.amazon.com/apigateway/latest/developerguide/apigateway-control-access-to-api.html).
  // The static route's role (API Gateway only, AmazonS3FullAccess, used by the route's fixed GET integration) and the
  // route's Lambda permission (this API's execution ARN) are no doors.
  [
    "serverless-aws/index.ts",
    [
      ["no-admin-workloads", "fn-b5aeb6b6", "escalation"],
      ["no-public-entry-points", "api", "unauthenticated-api-method"],
      ["no-public-entry-points", "api", "unauthenticated-api-method"],
      ["no-public-entry-points", "api", "unauthenticated-api-method"],
    ],
  ],
  // pulumi/templates static-website-aws-typescript: private bucket behind CloudFront OAC, the bucket policy admits
  // cloudfront.amazonaws.com only for this distribution (AWS:SourceArn) — the hardened shape of
  // https://docs.aws.amazon.com/AmazonCloudFront/latest/DeveloperGuide/private-content-restricting-access-to-s3.html.
  ["static-website-aws/index.ts", []],
  // pulumi/templates vm-aws-typescript: a web server on the instance itself, port 80 to the world, in a subnet that
  // maps public IPs; IMDSv1.
  [
    "vm-aws/index.ts",
    [
      ["only-lbs-face-world", "secGroup", "world-facing-non-lb"],
      ["public-ip-only-bastion-lb", "server", "public-subnet"],
      ["imdsv2-required", "server", "imds-unset"],
    ],
  ],
  // pulumi/pulumi-awsx examples/ts-lb-attach-ec2: the ALB (all-open awsx group, listener on 80) passes; its target
  // is an instance in the default VPC (public IP) whose own group admits port 80 from the world, past the ALB.
  [
    "lb-attach-ec2/index.ts",
    [
      ["only-lbs-face-world", "web-secgrp", "world-facing-non-lb"],
      ["public-ip-only-bastion-lb", "instance", "default-vpc-public-ip"],
      ["imdsv2-required", "instance", "imds-unset"],
    ],
  ],
  // pulumi/pulumi-eks examples/fargate: Fargate pods only (no nodes, no instance metadata); the API is public.
  ["eks-fargate/index.ts", [["private-eks-api", "index-eksCluster", "eks-public-api"]]],
  // pulumi/examples aws-ts-secrets-manager: the secret's value "mysecret" is typed into the program (in git, never
  // rotated): https://docs.aws.amazon.com/secretsmanager/latest/userguide/best-practices.html.
  ["secrets-manager/index.ts", [["no-typed-in-credentials", "secret", "typed-in-secret-input"]]],
  // pulumi/pulumi-aws-apigateway examples/apigateway-auth: both CallbackFunctions keep AWSLambda_FullAccess; the
  // only route requires the Lambda authorizer, and the authorizer's role (Lambda and API Gateway may assume it,
  // lambda:InvokeFunction on the authorizer only) is an ordinary scoped policy: no door.
  [
    "apigateway-auth/index.ts",
    [
      ["no-admin-workloads", "f-b5aeb6b6", "escalation"],
      ["no-admin-workloads", "authorizer-b5aeb6b6", "escalation"],
    ],
  ],
  // pulumi/examples aws-ts-s3-lambda-copyzip: the bucket-event handler's default role carries AWSLambda_FullAccess;
  // the bucket notification's Lambda permission names the bucket (SourceArn) but no SourceAccount: a bucket ARN holds no
  // account, so after the bucket is deleted whoever recreates the name in another account may invoke the function
  // (https://docs.aws.amazon.com/lambda/latest/api/API_AddPermission.html, "SourceAccount";
  // https://docs.aws.amazon.com/IAM/latest/UserGuide/confused-deputy.html).
  ["s3-lambda-copyzip/index.ts", [["no-admin-workloads", "zipTpsReports-b5aeb6b6", "escalation"], ["no-public-entry-points", "zipTpsReports", "unpinned-service-permission"]]],
];

/** Component types the engine expands (cli/engine/remote/): each must come with registered children. */
const EXPANDED = /^(awsx:|eks:index:|aws-apigateway:index:)/;

const results = new Map<string, JobResult>();

beforeAll(async () => {
  const jobs = PROGRAMS.map(([t]) => jobFor(path.join(root, t), { displayRoot: repo }).job);
  const out = await runJobs(jobs);
  out.forEach((r, i) => results.set(PROGRAMS[i][0], r));
}, 120_000);

describe("public real-world programs: exactly the real doors, nothing else", () => {
  it.each(PROGRAMS)("%s", (target, expected) => {
    const r = results.get(target)!;
    if (!r.ok) throw new Error(`${target} did not run: ${r.message} ${r.location ?? ""}`);
    const withKind = expected.some(([, , kind]) => kind !== undefined);
    const got = r.check!.violations
      .filter((v) => v.enforcement === "mandatory" && !v.exemption)
      .map((v) => `${v.policy} ${v.resource.name}${withKind ? ` ${v.kind}` : ""}`)
      .sort();
    expect(got).toEqual(expected.map(([rule, res, kind]) => `${rule} ${res}${kind !== undefined ? ` ${kind}` : ""}`).sort());
  });

  it("aws-apigateway's static route and Lambda authorizer, awsx's target group attachment: their children are seen", () => {
    const children = (target: string, component: string) => {
      const r = results.get(target)!;
      if (!r.ok) throw new Error(`${target} did not run: ${r.message}`);
      const c = r.run.resources.find((x) => x.type === component)!;
      return r.run.resources.filter((x) => x.parent === c.urn || x.parent?.startsWith(`${c.urn.replace(/::[^:]*$/, "")}$`)).map((x) => `${x.type} ${x.name}`).sort();
    };
    expect(children("serverless-aws/index.ts", "aws-apigateway:index:RestAPI")).toEqual(expect.arrayContaining([
      "aws:s3/bucket:Bucket api",
      "aws:iam/role:Role api4c238266",
      "aws:iam/rolePolicyAttachment:RolePolicyAttachment api4c238266",
      "aws:s3/bucketObject:BucketObject api4c238266/index.html",
    ]));
    expect(children("apigateway-auth/index.ts", "aws-apigateway:index:RestAPI")).toEqual(expect.arrayContaining([
      "aws:iam/role:Role jwt-rsa-custom-authorizer-authorizer-role",
      "aws:iam/rolePolicy:RolePolicy jwt-rsa-custom-authorizer-invocation-policy",
    ]));
    expect(children("lb-attach-ec2/index.ts", "awsx:lb:TargetGroupAttachment")).toEqual(["aws:lb/targetGroupAttachment:TargetGroupAttachment attachment"]);
  });

  it.each(PROGRAMS.map(([t]) => t))("%s: every component expanded, its children seen", (target) => {
    const r = results.get(target)!;
    if (!r.ok) throw new Error(`${target} did not run: ${r.message}`);
    expect(r.run.unexpanded ?? []).toEqual([]);
    const components = r.run.resources.filter((x) => EXPANDED.test(x.type) && !x.custom);
    const childless = components.filter((c) => !r.run.resources.some((x) => x.parent === c.urn)).map((c) => c.urn);
    expect(childless).toEqual([]);
  });
});
