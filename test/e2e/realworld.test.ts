/**
 * Public real-world Pulumi programs (test/e2e/realworld/, each crediting its source) through the same engine and
 * pack `bulkhead check` uses, in one worker batch. Each must run offline (the real CLI runs it), and its mandatory
 * findings must be exactly the doors judged real by AWS's documented behaviour — no false positive from the
 * providers' own documented requirements or from unknowns. Why each expected finding is a door is noted per row.
 */
import { beforeAll, describe, expect, it } from "vitest";
import * as path from "node:path";
import { jobFor, runJobs, type JobResult } from "../../cli/engine";

const root = path.resolve(__dirname, "realworld");
const repo = path.resolve(__dirname, "..", "..");

// Public EKS API: https://docs.aws.amazon.com/eks/latest/userguide/cluster-endpoint.html (public by default, 0.0.0.0/0).
// IMDSv1: https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/configuring-IMDS-new-instances.html (optional tokens by default).
// Public IPs: https://docs.aws.amazon.com/vpc/latest/userguide/vpc-ip-addressing.html (subnet mapPublicIpOnLaunch / default VPC).
const PROGRAMS: Array<[target: string, mandatory: Array<[rule: string, resource: string]>]> = [
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
];

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
    const got = r.check!.violations
      .filter((v) => v.enforcement === "mandatory" && !v.exemption)
      .map((v) => `${v.policy} ${v.resource.name}`)
      .sort();
    expect(got).toEqual(expected.map(([rule, res]) => `${rule} ${res}`).sort());
  });
});
