import { beforeAll, describe, expect, it } from "vitest";
import * as pulumi from "@pulumi/pulumi";
import * as aws from "@pulumi/aws";
import * as mod from "../../components/DatabaseRotation";

Error.stackTraceLimit = 0;

interface Registered {
  type: string;
  name: string;
  inputs: Record<string, any>;
}

const SECRET = "arn:aws:secretsmanager:eu-west-1:111122223333:secret:acme/db/app-AbCdEf";
const MASTER = "arn:aws:secretsmanager:eu-west-1:111122223333:secret:rds!db-1234-XyZ";
const KEY = "arn:aws:kms:eu-west-1:111122223333:key/0000-1111";

let registered: Registered[] = [];

function happyArgs(): mod.DatabaseRotationArgs {
  return {
    tenantId: "acme",
    secretArn: SECRET,
    masterSecretArn: MASTER,
    kmsKeyArn: KEY,
    vpcId: "vpc-1",
    subnetIds: ["subnet-a", "subnet-b"],
    databaseSecurityGroupId: "sg-db",
    databasePort: 5432,
    secretsManagerEndpointSecurityGroupId: "sg-sm",
    tags: { "bulkhead:tenant": "acme", team: "platform" },
  };
}

async function settle(): Promise<void> {
  // Registration is asynchronous: wait until no new resource arrives for a few ticks.
  let seen = -1;
  while (seen !== registered.length) {
    seen = registered.length;
    await new Promise((r) => setTimeout(r, 30));
  }
}

beforeAll(async () => {
  pulumi.runtime.setMocks(
    {
      newResource(args) {
        registered.push({ type: args.type, name: args.name, inputs: args.inputs });
        const arnOf: Record<string, string> = {
          "aws:cloudwatch/logGroup:LogGroup": `arn:aws:logs:eu-west-1:111122223333:log-group:${args.inputs.name}`,
          "aws:lambda/function:Function": `arn:aws:lambda:eu-west-1:111122223333:function:${args.inputs.name}`,
          "aws:iam/role:Role": `arn:aws:iam::111122223333:role/${args.name}`,
        };
        return { id: `${args.name}-id`, state: { ...args.inputs, ...(arnOf[args.type] ? { arn: arnOf[args.type] } : {}) } };
      },
      call: () => ({}),
    },
    "bulkhead",
    "test",
    false,
  );
  new mod.DatabaseRotation("acme-db-rotation", happyArgs());
  await settle();
}, 60_000);

const byType = (type: string) => registered.filter((r) => r.type === type);
const one = (type: string) => {
  const list = byType(type);
  expect(list, type).toHaveLength(1);
  return list[0]!;
};

describe("DatabaseRotation component", () => {
  it("creates exactly the documented resources", () => {
    expect(registered.map((r) => r.type).sort()).toEqual([
      "aws:cloudwatch/logGroup:LogGroup",
      "aws:ec2/securityGroup:SecurityGroup",
      "aws:iam/role:Role",
      "aws:iam/rolePolicy:RolePolicy",
      "aws:lambda/function:Function",
      "aws:lambda/permission:Permission",
      "aws:secretsmanager/secretRotation:SecretRotation",
      "aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule",
      "aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule",
      "bulkhead:data:DatabaseRotation",
    ]);
  });

  it("runs a bundled nodejs22.x function in the data tier with its own group", async () => {
    const fn = one("aws:lambda/function:Function").inputs;
    expect(fn.runtime).toBe("nodejs22.x");
    expect(fn.handler).toBe("index.handler");
    expect(fn.vpcConfig).toEqual({ subnetIds: ["subnet-a", "subnet-b"], securityGroupIds: ["acme-db-rotation-sg-id"] });
    expect(fn.kmsKeyArn).toBe(KEY);
    expect(fn.name).toMatch(/^acme-db-rotation-[0-9a-f]{7}$/);
    const assets = await fn.code.assets;
    expect(Object.keys(assets)).toEqual(["index.js"]);
    expect(await assets["index.js"].text).toBe(mod.bundleRotationHandler());
    expect(mod.bundleRotationHandler()).toContain("finishSecret");
    expect(fn.environment.variables).not.toHaveProperty("SECRETS_MANAGER_ENDPOINT");
  });

  it("gives the group no ingress and egress only to the database port and the endpoint on 443", () => {
    const sg = one("aws:ec2/securityGroup:SecurityGroup").inputs;
    expect(sg.ingress ?? []).toEqual([]);
    expect(sg.egress ?? []).toEqual([]);
    const rules = byType("aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule").map((r) => r.inputs);
    expect(rules.map((r) => [r.referencedSecurityGroupId, r.ipProtocol, r.fromPort, r.toPort, r.cidrIpv4]).sort()).toEqual([
      ["sg-db", "tcp", 5432, 5432, undefined],
      ["sg-sm", "tcp", 443, 443, undefined],
    ]);
    expect(new Set(rules.map((r) => r.securityGroupId))).toEqual(new Set(["acme-db-rotation-sg-id"]));
  });

  it("lets only Lambda assume the role, scoped to the secret, the master secret and the tenant key", () => {
    const trust = JSON.parse(one("aws:iam/role:Role").inputs.assumeRolePolicy);
    expect(trust.Statement).toEqual([{ Effect: "Allow", Principal: { Service: "lambda.amazonaws.com" }, Action: "sts:AssumeRole" }]);
    const raw = one("aws:iam/rolePolicy:RolePolicy").inputs.policy;
    const policy = typeof raw === "string" ? JSON.parse(raw) : raw;
    const statements: Array<{ Action: string | string[]; Resource: string | string[] }> = policy.Statement;
    const resourcesOf = (prefix: string) =>
      statements.filter((s) => [s.Action].flat().some((a) => a.startsWith(prefix))).flatMap((s) => [s.Resource].flat());
    expect(new Set(resourcesOf("secretsmanager:"))).toEqual(new Set([SECRET, MASTER]));
    const writes = statements.filter((s) => [s.Action].flat().some((a) => a === "secretsmanager:PutSecretValue"));
    expect(writes.flatMap((s) => [s.Resource].flat())).toEqual([SECRET]);
    // Breach mode lists the version ids of both (rotation/handler.ts inventory); only RDS changes the master.
    const onMaster = statements.filter((s) => [s.Resource].flat().includes(MASTER)).flatMap((s) => [s.Action].flat());
    expect(onMaster.sort()).toEqual(["secretsmanager:DescribeSecret", "secretsmanager:GetSecretValue", "secretsmanager:ListSecretVersionIds"]);
    const lists = statements.filter((s) => [s.Action].flat().includes("secretsmanager:ListSecretVersionIds")).flatMap((s) => [s.Resource].flat());
    expect(lists.sort()).toEqual([MASTER, SECRET].sort());
    expect(resourcesOf("kms:")).toEqual([KEY]);
    expect(resourcesOf("logs:")).toEqual([`arn:aws:logs:eu-west-1:111122223333:log-group:/aws/lambda/${one("aws:lambda/function:Function").inputs.name}:*`]);
    for (const s of statements) {
      expect([s.Action].flat()).not.toContain("*");
      if ([s.Resource].flat().includes("*")) expect([s.Action].flat().every((a) => a.startsWith("ec2:Describe"))).toBe(true);
    }
  });

  it("logs to /aws/lambda/<function> encrypted with the tenant key", () => {
    const lg = one("aws:cloudwatch/logGroup:LogGroup").inputs;
    expect(lg.name).toBe(`/aws/lambda/${one("aws:lambda/function:Function").inputs.name}`);
    expect(lg.kmsKeyId).toBe(KEY);
    expect(lg.retentionInDays).toBeGreaterThan(0);
  });

  it("lets only Secrets Manager invoke it for this secret and schedules rotation every 30 days", () => {
    const perm = one("aws:lambda/permission:Permission").inputs;
    expect([perm.principal, perm.action, perm.sourceArn, perm.sourceAccount]).toEqual([
      "secretsmanager.amazonaws.com",
      "lambda:InvokeFunction",
      SECRET,
      "111122223333",
    ]);
    const rot = one("aws:secretsmanager/secretRotation:SecretRotation").inputs;
    expect(rot.secretId).toBe(SECRET);
    expect(rot.rotationLambdaArn).toMatch(/^arn:aws:lambda:.*:function:acme-db-rotation-/);
    expect(rot.rotationRules).toEqual({ automaticallyAfterDays: 30 });
  });

  it("tags every taggable resource with the tenant and the caller's tags", () => {
    const taggable = registered.filter((r) => r.inputs.tags !== undefined || /SecurityGroup|LogGroup|Role$|Function$|EgressRule/.test(r.type));
    expect(taggable).toHaveLength(6);
    for (const r of taggable) expect(r.inputs.tags, r.name).toMatchObject({ "bulkhead:tenant": "acme", team: "platform" });
  });

  it("bundles the handler deterministically", () => {
    expect(mod.bundleRotationHandler()).toBe(mod.bundleRotationHandler());
  });
});

describe("validateDatabaseRotationArgs", () => {
  it("accepts the happy arguments", () => {
    expect(mod.validateDatabaseRotationArgs(happyArgs())).toEqual([]);
  });

  it.each([
    ["rotationDays", { rotationDays: 0 }, /^rotationDays: 0 is out of range/],
    ["rotationDays", { rotationDays: 1001 }, /^rotationDays: 1001 is out of range/],
    ["rotationDays", { rotationDays: 7.5 }, /^rotationDays: 7.5 is out of range/],
    ["databasePort", { databasePort: 0 }, /^databasePort: 0 is not a TCP port/],
    ["databasePort", { databasePort: 65536 }, /^databasePort: 65536 is not a TCP port/],
    ["tenantId", { tenantId: "", tags: {} }, /^tenantId: "" is not a usable tenant id/],
    ["subnetIds", { subnetIds: [] }, /^subnetIds: \[\] is empty/],
    ["tags", { tags: { "bulkhead:tenant": "other" } }, /^tags\["bulkhead:tenant"\]: "other" differs from tenantId "acme"/],
    ["tags", { tags: { "aws:x": "v" } }, /^tags: key "aws:x" is not a valid tag key/],
  ])("rejects a bad %s (%j)", (_field, change, message) => {
    const problems = mod.validateDatabaseRotationArgs({ ...happyArgs(), ...change });
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(message);
  });

  it("collects every problem into one error thrown by the constructor", () => {
    expect(() => new mod.DatabaseRotation("bad", { ...happyArgs(), rotationDays: 0, databasePort: 70000 })).toThrow(
      /^DatabaseRotation bad: invalid arguments:\n  - databasePort: 70000 is not a TCP port.*\n  - rotationDays: 0 is out of range/,
    );
    expect(mod.validateDatabaseRotationArgs({ ...happyArgs(), rotationDays: 0, databasePort: 70000 })).toHaveLength(2);
  });

  it("uses the given rotationDays", async () => {
    const before = registered.length;
    new mod.DatabaseRotation("seven", { ...happyArgs(), rotationDays: 7, secretsManagerEndpoint: "https://vpce-1.secretsmanager.eu-west-1.vpce.amazonaws.com" });
    await settle();
    const added = registered.slice(before);
    expect(added.find((r) => r.type === "aws:secretsmanager/secretRotation:SecretRotation")!.inputs.rotationRules).toEqual({ automaticallyAfterDays: 7 });
    expect(added.find((r) => r.type === "aws:lambda/function:Function")!.inputs.environment.variables.SECRETS_MANAGER_ENDPOINT).toBe(
      "https://vpce-1.secretsmanager.eu-west-1.vpce.amazonaws.com",
    );
  });
});

describe("DatabaseRotation at preview", () => {
  it("keeps the role policy's statements checkable although every ARN is still unknown", async () => {
    const seen: Registered[] = [];
    pulumi.runtime.setMocks(
      {
        newResource(args) {
          seen.push({ type: args.type, name: args.name, inputs: args.inputs });
          return { id: undefined as unknown as string, state: {} };
        },
        call: () => ({}),
      },
      "bulkhead",
      "preview",
      true,
    );
    // Outputs of resources not created yet: unknown at preview, as in a first `pulumi preview`.
    const secret = new aws.secretsmanager.Secret("pv-app", {});
    const key = new aws.kms.Key("pv-key", {});
    new mod.DatabaseRotation("pv", { ...happyArgs(), secretArn: secret.arn, masterSecretArn: secret.arn, kmsKeyArn: key.arn, subnetIds: [secret.id] });
    let count = -1;
    while (count !== seen.length) {
      count = seen.length;
      await new Promise((r) => setTimeout(r, 30));
    }
    const doc = seen.find((r) => r.type === "aws:iam/rolePolicy:RolePolicy")!.inputs.policy;
    const isUnknown = (v: unknown) => typeof v === "object" && v !== null && (v as { __pulumiUnknown?: boolean }).__pulumiUnknown === true;
    expect(isUnknown(doc)).toBe(false);
    expect(doc.Statement).toHaveLength(7);
    for (const st of doc.Statement as Array<Record<string, unknown>>) {
      for (const [field, value] of Object.entries(st)) expect(isUnknown(value), `${st.Sid}.${field}`).toBe(false);
      const actions = st.Action as string[];
      expect(actions.length).toBeGreaterThan(0);
      for (const a of actions) expect(a).toMatch(/^[a-z0-9]+:[A-Za-z]+$/);
      const resources = st.Resource as unknown[];
      if (resources.includes("*")) expect(st.Sid).toBe("DescribeEnis");
    }
  });
});
