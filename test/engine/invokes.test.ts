/**
 * Every invoke form goes through one answer path (cli/engine/invokes.ts via the recorder's monitor): awaited
 * getX, getXOutput, pulumi.runtime.invoke / invokeOutput / invokeSingle, provider methods, explicit providers.
 * An unanswered invoke fails the run (exit 2) with its token and the user's file:line in every form; the
 * common lookups are answered with the shapes AWS gives (the default VPC: https://docs.aws.amazon.com/vpc/latest/userguide/default-vpc.html);
 * users add answers with --invokes FILE.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { readFileSync } from "node:fs";
import * as path from "node:path";
import { jobFor, runJobs, type JobResult } from "../../cli/engine";
import { readInvokesFile, UsageError } from "../../cli/engine/index";
import { answerInvoke, INVOKES, parseUserInvokes, UnansweredInvokeError } from "../../cli/engine/invokes";
import { bulkheadInProcess, repo, type Run } from "./bulkhead-cli";
import { previewJson } from "../../cli/reporters/json";

const dir = path.join(__dirname, "fixtures", "invokes");
const rel = (f: string) => path.relative(repo, path.join(dir, f));
const ctx = { region: "us-east-1", accountId: "123456789012" };

/** Each unanswered form: fixture, line of the invoke call, the resource it kept from being registered (if any). */
const UNANSWERED: Array<[string, string, number, string | null]> = [
  ["awaited getX", "unanswered-awaited.ts", 3, null],
  ["getXOutput", "unanswered-output.ts", 2, 'aws:s3/bucket:Bucket "logs"'],
  ["pulumi.runtime.invoke", "unanswered-runtime-invoke.ts", 4, null],
  ["pulumi.runtime.invokeOutput", "unanswered-runtime-invoke-output.ts", 3, 'aws:s3/bucket:Bucket "logs"'],
  ["pulumi.runtime.invokeSingle", "unanswered-invoke-single.ts", 3, 'aws:s3/bucket:Bucket "logs"'],
  ["getXOutput with an explicit provider", "unanswered-explicit-provider.ts", 3, 'aws:s3/bucket:Bucket "logs"'],
  ["awaited getX caught by the program", "unanswered-caught.ts", 6, null],
];

const results: Record<string, JobResult> = {};
const cli: Record<string, Run> = {};

beforeAll(async () => {
  const files = ["answered-forms.ts", "user-answered.ts", "unanswered-provider-call.ts", ...UNANSWERED.map((u) => u[1])];
  const jobs = files.map((f) =>
    jobFor(path.join(dir, f), { policyPack: false, displayRoot: repo, ...(f === "user-answered.ts" ? { invokesFile: path.join(dir, "answers.yaml") } : {}) }).job,
  );
  const answers = path.join(dir, "answers.yaml");
  jobs.push(jobFor(path.join(dir, "default-subnet.ts"), { displayRoot: repo, invokesFile: answers }).job);
  jobs.push(jobFor(path.join(dir, "default-subnet.ts"), { displayRoot: repo, invokesFile: answers, isolated: true }).job);
  const calls: Record<string, string[]> = {
    silent: ["check", rel("silent-pass.ts"), "--format", "json"],
    unanswered: ["check", rel("unanswered-output.ts"), "--format", "json"],
  };
  const [out] = await Promise.all([
    runJobs(jobs),
    (async () => {
      for (const [n, args] of Object.entries(calls)) cli[n] = await bulkheadInProcess(args);
    })(),
  ]);
  files.forEach((f, i) => (results[f] = out[i]));
  results.defaultSubnet = out[files.length];
  results.defaultSubnetIsolated = out[files.length + 1];
}, 180_000);

function ok(f: string) {
  const r = results[f];
  if (!r.ok) throw new Error(`${f} failed: ${r.message}`);
  return r;
}

describe("the issue's silent pass (getVpcOutput → SecurityGroup → Instance)", () => {
  it("exits 1 with the security group's and the instance's findings: every resource is recorded and judged", () => {
    const r = cli.silent;
    expect(r.code).toBe(1);
    const doc = JSON.parse(r.stdout);
    // root stack, default provider, security group, instance
    expect(doc.resources).toBe(4);
    const found = doc.violations.map((v: any) => `${v.policy} ${v.resource.name}`);
    // https://docs.aws.amazon.com/vpc/latest/userguide/security-group-rules.html: SSH from 0.0.0.0/0 is a door.
    expect(found).toContain("no-world-open-sensitive-port door-sg");
    // https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/using-instance-addressing.html: a public IP on a workload.
    expect(found).toContain("public-ip-only-bastion-lb web");
    expect(doc.violations.find((v: any) => v.resource.name === "door-sg").resource.source).toBe(`${rel("silent-pass.ts")}:5`);
  });
});

describe("every invoke form through one answer path", () => {
  it("answers the default VPC, its public subnets, its default group, identity, partition, region, AZs, AMIs, the organization", () => {
    const { run } = ok("answered-forms.ts");
    const o = run.outputs as Record<string, any>;
    expect(o.vpcId).toMatch(/^vpc-[0-9a-f]{17}$/);
    expect(o.vpcOutId).toBe(o.vpcId);
    expect(o.vpcCidr).toBe("172.31.0.0/16");
    // us-east-1 has six zones: one default /20 subnet in each, every one assigning public IPv4 addresses.
    expect(o.subnetIds).toHaveLength(6);
    expect(o.subnetA).toBe(o.subnetIds[0]);
    expect(o.subnetAPublic).toBe(true);
    expect(o.subnetACidr).toBe("172.31.0.0/20");
    expect(o.sgId).toMatch(/^sg-[0-9a-f]{17}$/);
    expect(o.account).toBe("123456789012");
    expect(o.partition).toBe("aws");
    expect(o.region).toBe("us-east-1");
    expect(o.orgId).toMatch(/^o-[0-9a-f]{10}$/);
    expect(o.pulumiOrg).toBe("organization");
    expect(o.webSubnet).toBe(o.subnetA);
  });

  it("honours an explicit provider's region, for invokes and for provider methods (aws.Provider#terraformConfig)", () => {
    const o = ok("answered-forms.ts").run.outputs as Record<string, any>;
    expect(o.euZones).toEqual(["eu-west-1a", "eu-west-1b", "eu-west-1c"]);
    expect(o.euVpcRegion).toBe("eu-west-1");
    expect(o.tfRegion).toBe("eu-west-1");
  });

  it("records what it answered, so a reader can tell the engine's stand-ins from the program's own values", () => {
    const { run } = ok("answered-forms.ts");
    const subnet = run.invokes!.find((i) => i.token === "aws:ec2/getSubnet:getSubnet")!;
    expect(subnet.answeredBy).toBe("built-in");
    expect(subnet.result).toMatchObject({ mapPublicIpOnLaunch: true, defaultForAz: true, availabilityZone: "us-east-1a" });
    expect(run.invokes!.map((i) => i.token)).toContain("pulumi:providers:aws/terraformConfig");
    const printed = JSON.parse(previewJson(run)).invokes;
    expect(printed).toContainEqual(expect.objectContaining({ token: "aws:ec2/getSubnet:getSubnet", answeredBy: "built-in", args: { availabilityZone: "us-east-1a", defaultForAz: true } }));
  });

  it("defaults aws:region to us-east-1 with a note, and the default provider says so", () => {
    const r = ok("answered-forms.ts");
    expect(r.notes).toEqual([expect.stringContaining("aws:region is not set; the offline run used us-east-1")]);
    expect(r.run.resources.find((x) => x.name === "default_7_48_0")!.inputs.region).toBe("us-east-1");
  });

  it.each(UNANSWERED)("%s: fails with the token and the user's file:line", (_form, file, line, lost) => {
    const r = results[file];
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.kind).toBe("program");
    expect(r.message).toContain(`invoke aws:ec2/getInstance:getInstance has no offline answer`);
    expect(r.message).toContain(`called at ${rel(file)}:${line}`);
    expect(r.ok ? "" : r.hint).toContain("--invokes FILE");
    expect(r.location).toBe(`${rel(file)}:${line}`);
    if (lost) expect(r.message).toMatch(new RegExp(`${lost.replace(/[/"]/g, ".")} \\(${rel(file).replace(/[/.]/g, ".")}:\\d+\\)`));
  });

  it("a provider method without an answer fails the same way", () => {
    const r = results["unanswered-provider-call.ts"];
    expect(r.ok).toBe(false);
    if (!r.ok) {
      expect(r.message).toContain("invoke pulumi:providers:aws/noSuchMethod has no offline answer");
      expect(r.location).toBe(`${rel("unanswered-provider-call.ts")}:4`);
    }
  });

  it("exits 2 through the CLI with the token and file:line on stderr, and one error document on stdout", () => {
    expect(cli.unanswered.code).toBe(2);
    expect(JSON.parse(cli.unanswered.stdout).error).toMatchObject({ kind: "unanswered-invoke", source: `${rel("unanswered-output.ts")}:2`, hint: expect.stringContaining("--invokes FILE") });
    expect(cli.unanswered.stderr).toContain("invoke aws:ec2/getInstance:getInstance has no offline answer");
    expect(cli.unanswered.stderr).toContain(`at ${rel("unanswered-output.ts")}:2`);
  });
});

describe("built-in answers", () => {
  it("the README's table lists every built-in answer", () => {
    const readme = readFileSync(path.join(repo, "README.md"), "utf8");
    const table = readme.slice(readme.indexOf("### Invokes answered offline"), readme.indexOf("### The tripwire"));
    for (const token of Object.keys(INVOKES)) {
      // aws:ec2/getVpc:getVpc → aws.ec2.getVpc; aws:index/getRegion:getRegion → aws.getRegion; awsx:ec2:getDefaultVpc → awsx.ec2.getDefaultVpc
      const provider = /^pulumi:providers:(\w+)\/(\w+)$/.exec(token);
      const [pkg, mod, fn] = token.split(":");
      const name = provider ? `${provider[1]}.Provider#${provider[2]}` : [pkg, ...(mod.split("/")[0] === "index" ? [] : [mod.split("/")[0]]), fn].join(".");
      expect(table, `README lists ${token} as ${name}`).toContain("`" + name + "`");
    }
  });

  it("answers getVpc only for the default VPC; a VPC found by tags is the account's own", () => {
    expect(answerInvoke("aws:ec2/getVpc:getVpc", { default: true }, ctx).result).toMatchObject({ cidrBlock: "172.31.0.0/16", default: true });
    expect(() => answerInvoke("aws:ec2/getVpc:getVpc", { tags: { Name: "prod" } }, ctx)).toThrow(/getVpc has no offline answer \(a VPC found by tags/);
    expect(() => answerInvoke("aws:ec2/getVpc:getVpc", { id: "vpc-0123456789abcdef0" }, ctx)).toThrow(/is not the default VPC/);
  });

  it("lists the default subnets of the default VPC, one /20 per zone, all public; another VPC's subnets are unanswered", () => {
    const vpcId = String(answerInvoke("aws:ec2/getVpc:getVpc", { default: true }, { ...ctx, region: "eu-west-1" }).result.id);
    const ids = answerInvoke("aws:ec2/getSubnets:getSubnets", { filters: [{ name: "vpc-id", values: [vpcId] }] }, { ...ctx, region: "eu-west-1" }).result.ids as string[];
    expect(ids).toHaveLength(3);
    const cidrs = ids.map((id) => answerInvoke("aws:ec2/getSubnet:getSubnet", { id }, { ...ctx, region: "eu-west-1" }).result);
    expect(cidrs.map((s) => s.cidrBlock)).toEqual(["172.31.0.0/20", "172.31.16.0/20", "172.31.32.0/20"]);
    expect(cidrs.every((s) => s.mapPublicIpOnLaunch === true && s.vpcId === vpcId)).toBe(true);
    expect(() => answerInvoke("aws:ec2/getSubnets:getSubnets", { filters: [{ name: "vpc-id", values: ["vpc-0other"] }] }, ctx)).toThrow(/not the default VPC/);
    expect(() => answerInvoke("aws:ec2/getSubnets:getSubnets", { filters: [{ name: "tag:Tier", values: ["private"] }] }, ctx)).toThrow(/filtered on "tag:Tier"/);
    // @pulumi/aws 6's getSubnetIds
    expect(answerInvoke("aws:ec2/getSubnetIds:getSubnetIds", { vpcId: String(answerInvoke("aws:ec2/getVpc:getVpc", { default: true }, ctx).result.id) }, ctx).result.ids).toHaveLength(6);
  });

  it("answers awsx's getDefaultVpc with the default subnets as public ones, and the default VPC's internet gateway", () => {
    const vpcId = String(answerInvoke("aws:ec2/getVpc:getVpc", { default: true }, ctx).result.id);
    const awsx = answerInvoke("awsx:ec2:getDefaultVpc", {}, ctx).result;
    expect(awsx).toMatchObject({ vpcId, privateSubnetIds: [] });
    expect(awsx.publicSubnetIds).toEqual(answerInvoke("aws:ec2/getSubnets:getSubnets", { filters: [{ name: "vpc-id", values: [vpcId] }] }, ctx).result.ids);
    expect(answerInvoke("aws:ec2/getInternetGateway:getInternetGateway", { filters: [{ name: "attachment.vpc-id", values: [vpcId] }] }, ctx).result.attachments).toEqual([{ state: "available", vpcId }]);
    expect(() => answerInvoke("aws:ec2/getInternetGateway:getInternetGateway", { filters: [{ name: "attachment.vpc-id", values: ["vpc-0other"] }] }, ctx)).toThrow(/not attached to the default VPC/);
  });

  it("answers a VPC's default security group, not any other group", () => {
    const sg = answerInvoke("aws:ec2/getSecurityGroup:getSecurityGroup", { name: "default", vpcId: "vpc-0abc" }, ctx).result;
    expect(sg).toMatchObject({ name: "default", vpcId: "vpc-0abc" });
    expect(() => answerInvoke("aws:ec2/getSecurityGroup:getSecurityGroup", { name: "web" }, ctx)).toThrow(/not a VPC's default group/);
  });
});

describe("--invokes FILE", () => {
  it("answers from the file before the built-ins, matched on a subset of the arguments", () => {
    const { run } = ok("user-answered.ts");
    const app = run.resources.find((r) => r.name === "app")!;
    expect(app.inputs.vpcId).toBe("vpc-0prod0000000000000");
    expect((app.inputs.ingress as any)[0].cidrBlocks).toEqual(["10.40.0.0/16"]);
    expect(run.outputs.instanceSubnet).toBe("subnet-0aaaabbbbccccdddd");
    expect(run.invokes!.map((i) => i.answeredBy)).toContain(`${path.join(dir, "answers.yaml")}: aws:ec2/getVpc:getVpc[0]`);
  });

  it("an entry whose match fails falls back to the built-in answer, else names the entries that did not match", () => {
    const user = parseUserInvokes({ "aws:ec2/getVpc:getVpc": [{ match: { tags: { Name: "prod" } }, result: { id: "vpc-1" } }] }, "a.yaml");
    expect(answerInvoke("aws:ec2/getVpc:getVpc", { default: true }, ctx, user).answeredBy).toBe("built-in");
    expect(() => answerInvoke("aws:ec2/getVpc:getVpc", { tags: { Name: "stage" } }, ctx, user)).toThrow(
      /none of the --invokes answers a\.yaml: aws:ec2\/getVpc:getVpc\[0\] matches its arguments/,
    );
    const err = (() => {
      try {
        answerInvoke("aws:rds/getInstance:getInstance", {}, ctx, user);
      } catch (e) {
        return e;
      }
    })();
    expect(err).toBeInstanceOf(UnansweredInvokeError);
  });

  it("rejects a bad file with every problem at once: which entry, which field, the fix (a usage error: exit 2)", () => {
    let e = "";
    try {
      readInvokesFile(path.join(dir, "bad-answers.yaml"));
    } catch (err) {
      expect(err).toBeInstanceOf(UsageError);
      e = (err as Error).message;
    }
    expect(e).toContain("aws:ec2/getInstance:getInstance[0].match: must be an object of arguments");
    expect(e).toContain("aws:ec2/getInstance:getInstance[1].result: must be an object of the invoke's outputs");
    expect(e).toContain("aws:ec2/getInstance:getInstance[2].reslt: unknown field");
    expect(e).toContain("aws:ec2/getInstance:getInstance[2].result: missing");
    expect(e).toContain('"getVpc": not an invoke token');
    expect(() => readInvokesFile(path.join(dir, "no-such.yaml"))).toThrow(/does not exist/);
    expect(() => parseUserInvokes(["x"], "l.yaml")).toThrow(/must be a map of invoke token to answer/);
  });
});

describe("what the pack knows of answered subnets (policies/model/offline-facts.ts)", () => {
  // https://docs.aws.amazon.com/vpc/latest/userguide/default-vpc.html: default subnets assign public IPv4
  // addresses; an instance launched there without associatePublicIpAddress: false gets one.
  it.each(["defaultSubnet", "defaultSubnetIsolated"])("%s: an instance in a default subnet is a public workload; opted out or in a subnet described private, it is not", (key) => {
    const r = results[key];
    if (!r.ok) throw new Error(r.message);
    const publicIp = r.check!.violations.filter((v) => v.policy === "public-ip-only-bastion-lb");
    expect(publicIp.map((v) => `${v.resource.name} ${v.enforcement}`)).toEqual(["in-default mandatory"]);
    expect(publicIp[0].message).toContain("a default subnet of the default VPC, which assigns public IPs");
    expect(publicIp[0].resource.source).toBe(`${rel("default-subnet.ts")}:11`);
  });
});
