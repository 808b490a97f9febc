/**
 * Offline answers to provider function calls (invokes). Every answer is what AWS would return for a
 * plain account in the configured region; the README's "Invokes answered offline" table is this file.
 * An invoke not listed here fails the run with its token named: a silent `{}` would let a program
 * build resources from values nobody checked.
 */
import { createHash } from "node:crypto";

export interface InvokeContext {
  region: string;
  accountId: string;
}

export const DEFAULT_ACCOUNT_ID = "123456789012";
export const DEFAULT_REGION = "us-east-1";

type InvokeAnswer = (inputs: Record<string, any>, ctx: InvokeContext) => Record<string, unknown>;

function zoneLetters(region: string): string[] {
  // us-east-1 has six zones, most regions three; the offline answer uses three everywhere but us-east-1.
  return region === "us-east-1" ? ["a", "b", "c", "d", "e", "f"] : ["a", "b", "c"];
}

function zoneIdPrefix(region: string): string {
  const [geo, dir, num] = region.split("-");
  return `${geo}${(dir ?? "x").slice(0, 1)}${num ?? "1"}`;
}

function stableHex(seed: string, length: number): string {
  return createHash("sha256").update(seed).digest("hex").slice(0, length);
}

/** A statement of aws.iam.getPolicyDocument rendered exactly as the AWS provider renders it. */
function renderStatement(s: Record<string, any>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  if (s.sid) out.Sid = s.sid;
  out.Effect = s.effect ?? "Allow";
  const one = (xs: unknown[] | undefined) => (xs && xs.length === 1 ? xs[0] : xs);
  if (s.actions?.length) out.Action = one(s.actions);
  if (s.notActions?.length) out.NotAction = one(s.notActions);
  if (s.resources?.length) out.Resource = one(s.resources);
  if (s.notResources?.length) out.NotResource = one(s.notResources);
  const principals = (list: Array<{ type: string; identifiers: string[] }> | undefined) => {
    if (!list?.length) return undefined;
    const p: Record<string, unknown> = {};
    for (const { type, identifiers } of list) {
      if (type === "*") return "*";
      p[type] = one(identifiers);
    }
    return p;
  };
  const pr = principals(s.principals);
  if (pr) out.Principal = pr;
  const npr = principals(s.notPrincipals);
  if (npr) out.NotPrincipal = npr;
  if (s.conditions?.length) {
    const cond: Record<string, Record<string, unknown>> = {};
    for (const c of s.conditions as Array<{ test: string; variable: string; values: string[] }>) {
      (cond[c.test] ??= {})[c.variable] = one(c.values);
    }
    out.Condition = cond;
  }
  return out;
}

export const INVOKES: Record<string, { answer: InvokeAnswer; returns: string }> = {
  "aws:index/getAvailabilityZones:getAvailabilityZones": {
    returns: "names/zoneIds of the region's zones (us-east-1: a–f, elsewhere a–c)",
    answer: (_in, { region }) => {
      const letters = zoneLetters(region);
      return {
        id: region,
        names: letters.map((l) => `${region}${l}`),
        zoneIds: letters.map((_, i) => `${zoneIdPrefix(region)}-az${i + 1}`),
        groupNames: [region],
        state: "available",
      };
    },
  },
  "aws:index/getAvailabilityZone:getAvailabilityZone": {
    returns: "the named zone in the region",
    answer: (inputs, { region }) => {
      const name = inputs.name ?? `${region}a`;
      return { id: name, name, region, zoneId: `${zoneIdPrefix(region)}-az1`, state: "available", groupName: region };
    },
  },
  "aws:index/getRegion:getRegion": {
    returns: "the configured region (aws:region, default us-east-1)",
    answer: (inputs, { region }) => {
      const name = inputs.region ?? inputs.name ?? region;
      return { id: name, name, region: name, endpoint: `ec2.${name}.amazonaws.com`, description: name };
    },
  },
  "aws:index/getCallerIdentity:getCallerIdentity": {
    returns: "account 123456789012, an assumed-role ARN",
    answer: (_in, { accountId }) => ({
      id: accountId,
      accountId,
      arn: `arn:aws:sts::${accountId}:assumed-role/bulkhead-offline/preview`,
      userId: "AROAOFFLINEPREVIEW:preview",
    }),
  },
  "aws:index/getPartition:getPartition": {
    returns: "partition aws, dnsSuffix amazonaws.com",
    answer: () => ({ id: "aws", partition: "aws", dnsSuffix: "amazonaws.com", reverseDnsPrefix: "com.amazonaws" }),
  },
  "aws:ec2/getAmi:getAmi": {
    returns: "a deterministic ami-… id derived from the filters, x86_64, hvm, ebs",
    answer: (inputs) => {
      const id = `ami-${stableHex(JSON.stringify(inputs), 17)}`;
      return {
        id,
        imageId: id,
        architecture: "x86_64",
        name: "al2023-ami-offline-x86_64",
        ownerId: "137112412989",
        rootDeviceName: "/dev/xvda",
        rootDeviceType: "ebs",
        virtualizationType: "hvm",
        state: "available",
        blockDeviceMappings: [],
      };
    },
  },
  "aws:ssm/getParameter:getParameter": {
    returns: "AMI parameters (/aws/service/…ami…) give an ami-… id; any other parameter fails (its value is yours, not AWS's)",
    answer: (inputs) => {
      const name = String(inputs.name ?? "");
      if (!/^\/aws\/service\/.*ami/.test(name)) {
        throw new Error(
          `invoke aws:ssm/getParameter:getParameter for "${name}" has no offline answer: only public AMI parameters (/aws/service/…ami…) are answered. Pass the value through stack config instead.`,
        );
      }
      const value = `ami-${stableHex(name, 17)}`;
      return { id: name, name, type: "String", value, insecureValue: value, version: 1, arn: `arn:aws:ssm:::parameter${name}` };
    },
  },
  "aws:iam/getPolicyDocument:getPolicyDocument": {
    returns: "the policy JSON rendered from the statements, as the provider does",
    answer: (inputs) => {
      const doc = {
        Version: inputs.version ?? "2012-10-17",
        ...(inputs.policyId ? { Id: inputs.policyId } : {}),
        Statement: (inputs.statements ?? []).map(renderStatement),
      };
      const json = JSON.stringify(doc, null, 2);
      return { id: stableHex(json, 10), json, minifiedJson: JSON.stringify(doc) };
    },
  },
  "aws:elb/getServiceAccount:getServiceAccount": {
    returns: "the us-east-1 ELB log-delivery account",
    answer: () => ({ id: "127311923021", arn: "arn:aws:iam::127311923021:root" }),
  },
  "aws:ec2/getManagedPrefixList:getManagedPrefixList": {
    returns: "the named AWS-managed prefix list with a deterministic id",
    answer: (inputs, { region }) => {
      const name = inputs.name ?? `com.amazonaws.${region}.s3`;
      return { id: `pl-${stableHex(name, 8)}`, name, addressFamily: "IPv4", maxEntries: 0, entries: [], ownerId: "AWS" };
    },
  },
};

export class UnknownInvokeError extends Error {
  constructor(public readonly token: string) {
    super(
      `invoke ${token} has no offline answer. The offline engine answers: ${Object.keys(INVOKES).join(", ")}. ` +
        "Pass the value through stack config, or add an answer to cli/engine/invokes.ts.",
    );
  }
}

export function answerInvoke(token: string, inputs: Record<string, any>, ctx: InvokeContext): Record<string, unknown> {
  const entry = INVOKES[token];
  if (!entry) throw new UnknownInvokeError(token);
  return entry.answer(inputs, ctx);
}
