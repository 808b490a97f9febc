/**
 * Resource-based policies, one table per service, each case written from AWS's policy-language pages and the
 * service's own resource-policy page (cited per table):
 *   Principal "*": https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_principal.html#principal-anonymous
 *   NotPrincipal with Allow (everyone but the named principal): https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_notprincipal.html
 *   aws:PrincipalOrgID (an organization id is `o-` and 10–32 lowercase letters or digits:
 *   https://docs.aws.amazon.com/organizations/latest/APIReference/API_Organization.html) and aws:SourceAccount:
 *   https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html
 * Every case asserts the exact mandatory findings of the policy's resource as `rule resource kind`.
 */
import { describe, expect, it } from "vitest";
import { evaluate } from "../../policies/pack";
import { hardened, Stack, UNKNOWN } from "./fixtures";

const nameOf = (urn?: string) => (urn ? urn.slice(urn.lastIndexOf("::") + 2) : "<stack>");
const mandatory = (s: Stack) => [...new Set(evaluate(s.resources).filter((d) => d.enforcement === "mandatory").map((d) => `${d.policy} ${nameOf(d.urn)} ${d.kind}`))].sort();
const doc = (statement: Record<string, unknown>) => JSON.stringify({ Version: "2012-10-17", Statement: [statement] });

interface Service {
  title: string;
  doc: string;
  type: string;
  action: string;
  resource: string;
  /** Extra props of the policy resource. */
  extra?: Record<string, unknown>;
}

const SERVICES: Service[] = [
  { title: "SQS queue policy", doc: "https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/sqs-basic-examples-of-sqs-policies.html", type: "aws:sqs/queuePolicy:QueuePolicy", action: "sqs:SendMessage", resource: "arn:aws:sqs:eu-west-1:123456789012:acme-jobs", extra: { queueUrl: "https://sqs.eu-west-1.amazonaws.com/123456789012/acme-jobs" } },
  { title: "SNS topic policy", doc: "https://docs.aws.amazon.com/sns/latest/dg/sns-access-policy-use-cases.html", type: "aws:sns/topicPolicy:TopicPolicy", action: "sns:Publish", resource: "arn:aws:sns:eu-west-1:123456789012:acme-events", extra: { arn: "arn:aws:sns:eu-west-1:123456789012:acme-events" } },
  { title: "KMS key policy", doc: "https://docs.aws.amazon.com/kms/latest/developerguide/key-policies.html", type: "aws:kms/keyPolicy:KeyPolicy", action: "kms:Decrypt", resource: "*", extra: { keyId: UNKNOWN } },
  { title: "Secrets Manager secret policy (without blockPublicPolicy)", doc: "https://docs.aws.amazon.com/secretsmanager/latest/userguide/auth-and-access_resource-policies.html", type: "aws:secretsmanager/secretPolicy:SecretPolicy", action: "secretsmanager:GetSecretValue", resource: "*", extra: { secretArn: UNKNOWN } },
  { title: "EFS file system policy", doc: "https://docs.aws.amazon.com/efs/latest/ug/iam-access-control-nfs-efs.html", type: "aws:efs/fileSystemPolicy:FileSystemPolicy", action: "elasticfilesystem:ClientMount", resource: "*", extra: { fileSystemId: UNKNOWN } },
];

const ORG = "o-a1b2c3d4e5";
type Case = [title: string, statement: (svc: Service) => Record<string, unknown>, insecure: boolean];
const CASES: Case[] = [
  ["insecure: Principal \"*\" with no condition", (v) => ({ Effect: "Allow", Principal: "*", Action: v.action, Resource: v.resource }), true],
  [
    "insecure: Principal {AWS: \"*\"} with StringLike aws:PrincipalArn over every account (a wildcard account pins nothing)",
    (v) => ({ Effect: "Allow", Principal: { AWS: "*" }, Action: v.action, Resource: v.resource, Condition: { StringLike: { "aws:PrincipalArn": "arn:aws:iam::*:role/*" } } }),
    true,
  ],
  ["insecure: Allow with NotPrincipal naming the own account (everyone else is allowed)", (v) => ({ Effect: "Allow", NotPrincipal: { AWS: "arn:aws:iam::123456789012:root" }, Action: v.action, Resource: v.resource }), true],
  [`secure: Principal "*" pinned by StringEquals aws:PrincipalOrgID ${ORG}`, (v) => ({ Effect: "Allow", Principal: "*", Action: v.action, Resource: v.resource, Condition: { StringEquals: { "aws:PrincipalOrgID": ORG } } }), false],
  [
    "secure: a service principal pinned to the own account by aws:SourceAccount (confused-deputy protection)",
    (v) => ({ Effect: "Allow", Principal: { Service: "events.amazonaws.com" }, Action: v.action, Resource: v.resource, Condition: { StringEquals: { "aws:SourceAccount": "123456789012" } } }),
    false,
  ],
];

for (const svc of SERVICES) {
  describe(`${svc.title} (${svc.doc})`, () => {
    for (const [title, statement, insecure] of CASES)
      it(title, () => {
        const s = hardened();
        s.add(svc.type, "res-policy", { ...svc.extra, policy: doc(statement(svc)) });
        expect(mandatory(s)).toEqual(insecure ? ["no-public-resource-policy res-policy public-access"] : []);
      });
  });
}

// https://docs.aws.amazon.com/AmazonS3/latest/userguide/access-points-policies.html and
// https://docs.aws.amazon.com/AmazonS3/latest/userguide/access-control-block-public-access.html: an access point's Block
// Public Access is on unless its configuration turns it off, and then S3 rejects a public access point policy.
describe("S3 access point policy (AccessPointPolicy on an access point of the stack)", () => {
  const OFF = { publicAccessBlockConfiguration: { blockPublicAcls: false, blockPublicPolicy: false, ignorePublicAcls: false, restrictPublicBuckets: false } };
  const RES = "arn:aws:s3:eu-west-1:123456789012:accesspoint/acme-ap/object/*";
  const build = (apProps: Record<string, unknown>, statement: Record<string, unknown>) => {
    const s = hardened();
    s.add("aws:s3/accessPoint:AccessPoint", "acme-ap", { bucket: "acme-assets", name: "acme-ap", ...apProps });
    s.add("aws:s3control/accessPointPolicy:AccessPointPolicy", "acme-ap-policy", { accessPointArn: UNKNOWN, policy: doc(statement) }, { accessPointArn: ["acme-ap"] });
    return s;
  };
  const cases: Array<[string, Record<string, unknown>, Record<string, unknown>, string[]]> = [
    ["insecure: Block Public Access turned off and Principal \"*\" may GetObject", OFF, { Effect: "Allow", Principal: "*", Action: "s3:GetObject", Resource: RES }, ["no-public-resource-policy acme-ap-policy public-access"]],
    ["insecure: Block Public Access turned off and Principal {AWS: \"*\"} may PutObject", OFF, { Effect: "Allow", Principal: { AWS: "*" }, Action: "s3:PutObject", Resource: RES }, ["no-public-resource-policy acme-ap-policy public-access"]],
    ["insecure: Block Public Access turned off and NotPrincipal allows everyone but the own account", OFF, { Effect: "Allow", NotPrincipal: { AWS: "arn:aws:iam::123456789012:root" }, Action: "s3:GetObject", Resource: RES }, ["no-public-resource-policy acme-ap-policy public-access"]],
    [
      "insecure: the access point's Block Public Access settings are unknown at preview, so the public statement is judged as written",
      { publicAccessBlockConfiguration: { blockPublicAcls: true, blockPublicPolicy: UNKNOWN, ignorePublicAcls: true, restrictPublicBuckets: UNKNOWN } },
      { Effect: "Allow", Principal: "*", Action: "s3:GetObject", Resource: RES },
      ["no-public-resource-policy acme-ap-policy public-access"],
    ],
    ["secure: Principal \"*\" on an access point with its default Block Public Access (S3 rejects the policy)", {}, { Effect: "Allow", Principal: "*", Action: "s3:GetObject", Resource: RES }, []],
    [`secure: Block Public Access turned off but the statement is pinned by aws:PrincipalOrgID ${ORG}`, OFF, { Effect: "Allow", Principal: "*", Action: "s3:GetObject", Resource: RES, Condition: { StringEquals: { "aws:PrincipalOrgID": ORG } } }, []],
  ];
  for (const [title, ap, statement, expected] of cases) it(title, () => expect(mandatory(build(ap, statement))).toEqual(expected));
});
