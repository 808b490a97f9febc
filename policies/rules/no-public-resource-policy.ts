import { DEFERRED_KIND, isUnknown, type NetworkModel, type RuleDefinition, type StackResource } from "../model";
import { externalGrants, IAM, list, parsePolicy, statementRef, trustZone, unpinnedFederation, type ExternalGrant, type PolicyDocument, type Statement, type TrustZone } from "../model/iam";
import { Findings } from "./util";

/**
 * Every resource type that carries a resource-based policy, with the property holding it and the services whose
 * actions that policy governs (a resource policy's "*" only reaches its own service's actions).
 * Service Authorization Reference per service: https://docs.aws.amazon.com/service-authorization/latest/reference/
 */
export const POLICY_TYPES: Array<{ type: string; prop: string; services: string[]; what: string }> = [
  { type: "aws:s3/bucketPolicy:BucketPolicy", prop: "policy", services: ["s3"], what: "bucket policy" },
  { type: "aws:s3/bucket:Bucket", prop: "policy", services: ["s3"], what: "bucket policy" },
  { type: "aws:s3/bucketV2:BucketV2", prop: "policy", services: ["s3"], what: "bucket policy" },
  { type: "aws:s3control/bucketPolicy:BucketPolicy", prop: "policy", services: ["s3"], what: "bucket policy" },
  { type: "aws:s3/accessPoint:AccessPoint", prop: "policy", services: ["s3"], what: "access point policy" },
  { type: "aws:s3control/accessPointPolicy:AccessPointPolicy", prop: "policy", services: ["s3"], what: "access point policy" },
  { type: "aws:ecr/repositoryPolicy:RepositoryPolicy", prop: "policy", services: ["ecr"], what: "repository policy" },
  { type: "aws:ecr/registryPolicy:RegistryPolicy", prop: "policy", services: ["ecr"], what: "registry policy" },
  { type: "aws:sqs/queuePolicy:QueuePolicy", prop: "policy", services: ["sqs"], what: "queue policy" },
  { type: "aws:sqs/queue:Queue", prop: "policy", services: ["sqs"], what: "queue policy" },
  { type: "aws:sns/topicPolicy:TopicPolicy", prop: "policy", services: ["sns"], what: "topic policy" },
  { type: "aws:sns/topic:Topic", prop: "policy", services: ["sns"], what: "topic policy" },
  { type: "aws:kms/key:Key", prop: "policy", services: ["kms"], what: "key policy" },
  { type: "aws:kms/keyPolicy:KeyPolicy", prop: "policy", services: ["kms"], what: "key policy" },
  { type: "aws:kms/replicaKey:ReplicaKey", prop: "policy", services: ["kms"], what: "key policy" },
  { type: "aws:secretsmanager/secretPolicy:SecretPolicy", prop: "policy", services: ["secretsmanager"], what: "secret policy" },
  { type: "aws:secretsmanager/secret:Secret", prop: "policy", services: ["secretsmanager"], what: "secret policy" },
  { type: "aws:opensearch/domainPolicy:DomainPolicy", prop: "accessPolicies", services: ["es"], what: "domain access policy" },
  { type: "aws:opensearch/domain:Domain", prop: "accessPolicies", services: ["es"], what: "domain access policy" },
  { type: "aws:elasticsearch/domainPolicy:DomainPolicy", prop: "accessPolicies", services: ["es"], what: "domain access policy" },
  { type: "aws:elasticsearch/domain:Domain", prop: "accessPolicies", services: ["es"], what: "domain access policy" },
  { type: "aws:efs/fileSystemPolicy:FileSystemPolicy", prop: "policy", services: ["elasticfilesystem"], what: "file system policy" },
  { type: "aws:apigateway/restApiPolicy:RestApiPolicy", prop: "policy", services: ["execute-api"], what: "REST API policy" },
  { type: "aws:apigateway/restApi:RestApi", prop: "policy", services: ["execute-api"], what: "REST API policy" },
  { type: "aws:cloudwatch/eventBusPolicy:EventBusPolicy", prop: "policy", services: ["events"], what: "event bus policy" },
  { type: "aws:backup/vaultPolicy:VaultPolicy", prop: "policy", services: ["backup"], what: "backup vault policy" },
  { type: "aws:glacier/vault:Vault", prop: "accessPolicy", services: ["glacier"], what: "vault access policy" },
  { type: "aws:dynamodb/resourcePolicy:ResourcePolicy", prop: "policy", services: ["dynamodb"], what: "table resource policy" },
  { type: "aws:kinesis/resourcePolicy:ResourcePolicy", prop: "policy", services: ["kinesis"], what: "stream resource policy" },
  { type: "aws:cloudwatch/logResourcePolicy:LogResourcePolicy", prop: "policyDocument", services: ["logs"], what: "CloudWatch Logs resource policy" },
  { type: "aws:cloudwatch/logDestinationPolicy:LogDestinationPolicy", prop: "accessPolicy", services: ["logs"], what: "log destination policy" },
  { type: "aws:glue/resourcePolicy:ResourcePolicy", prop: "policy", services: ["glue"], what: "Data Catalog resource policy" },
  { type: "aws:codeartifact/repositoryPermissionsPolicy:RepositoryPermissionsPolicy", prop: "policyDocument", services: ["codeartifact"], what: "CodeArtifact repository policy" },
  { type: "aws:codeartifact/domainPermissions:DomainPermissions", prop: "policyDocument", services: ["codeartifact"], what: "CodeArtifact domain policy" },
  { type: "aws:schemas/registryPolicy:RegistryPolicy", prop: "policy", services: ["schemas"], what: "schema registry policy" },
  { type: "aws:networkfirewall/resourcePolicy:ResourcePolicy", prop: "policy", services: ["network-firewall"], what: "firewall policy sharing policy" },
  { type: "aws:s3control/objectLambdaAccessPointPolicy:ObjectLambdaAccessPointPolicy", prop: "policy", services: ["s3-object-lambda"], what: "Object Lambda access point policy" },
  { type: "aws:vpclattice/resourcePolicy:ResourcePolicy", prop: "policy", services: ["vpc-lattice"], what: "VPC Lattice sharing policy" },
  { type: IAM.role, prop: "assumeRolePolicy", services: ["sts"], what: "trust policy" },
];

const BUCKETS = ["aws:s3/bucket:Bucket", "aws:s3/bucketV2:BucketV2"];
const ACLS = ["aws:s3/bucketAclV2:BucketAclV2", "aws:s3/bucketAcl:BucketAcl"];
const BUCKET_BPA = "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock";
const ACCOUNT_BPA = "aws:s3/accountPublicAccessBlock:AccountPublicAccessBlock";
const OWNERSHIP = "aws:s3/bucketOwnershipControls:BucketOwnershipControls";
const LAMBDA_PERMISSION = "aws:lambda/permission:Permission";
const LAYER_PERMISSION = "aws:lambda/layerVersionPermission:LayerVersionPermission";
const KMS_GRANT = "aws:kms/grant:Grant";
const ALL_USERS = /acs\.amazonaws\.com\/groups\/global\/(AllUsers|AuthenticatedUsers)$/;
/** Canned ACLs that grant the AllUsers / AuthenticatedUsers groups (https://docs.aws.amazon.com/AmazonS3/latest/userguide/acl-overview.html#canned-acl). */
const PUBLIC_CANNED = new Set(["public-read", "public-read-write", "authenticated-read"]);
/** Trust-policy condition keys that pin a NAMED outside account: the external id a third party must present. */
const TRUST_PINS = new Set(["sts:externalid"]);
const ASSUME = /^sts:AssumeRole/i;

const sample = (g: ExternalGrant) => g.actions.slice(0, 4).map((a) => a.name);

/** S3 Block Public Access that makes AWS reject or ignore public policies / ACLs of a bucket. */
function bucketBpa(model: NetworkModel, bucketUrns: string[]): { policy: boolean; acl: boolean } {
  let policy = false;
  let acl = false;
  for (const a of model.ofType(ACCOUNT_BPA)) {
    policy ||= a.props.blockPublicPolicy === true || a.props.restrictPublicBuckets === true;
    acl ||= a.props.blockPublicAcls === true || a.props.ignorePublicAcls === true;
  }
  for (const b of model.ofType(BUCKET_BPA)) {
    if (!model.resolve(b, "bucket", b.props.bucket, BUCKETS).urns.some((u) => bucketUrns.includes(u))) continue;
    policy ||= b.props.blockPublicPolicy === true || b.props.restrictPublicBuckets === true;
    acl ||= b.props.blockPublicAcls === true || b.props.ignorePublicAcls === true;
  }
  return { policy, acl };
}

/** Public (Principal "*") grants AWS itself refuses or ignores for this resource, and why. */
function publicBlocked(model: NetworkModel, r: StackResource): string | undefined {
  if (BUCKETS.includes(r.type)) return bucketBpa(model, [r.urn]).policy ? "S3 Block Public Access" : undefined;
  if (r.type === "aws:s3/bucketPolicy:BucketPolicy") return bucketBpa(model, model.resolve(r, "bucket", r.props.bucket, BUCKETS).urns).policy ? "S3 Block Public Access" : undefined;
  // Access points block public access unless their configuration turns it off (the default is on), and S3 rejects a
  // public policy put on such an access point
  // (https://docs.aws.amazon.com/AmazonS3/latest/userguide/access-control-block-public-access.html#access-control-block-public-access-options).
  const apBlocks = (ap: StackResource) => {
    const c = ap.props.publicAccessBlockConfiguration;
    // Unknown at preview: the block can't be relied on, so the policy is judged as written (fail closed).
    if (isUnknown(c) || isUnknown(c?.blockPublicPolicy) || isUnknown(c?.restrictPublicBuckets)) return false;
    return !(c?.blockPublicPolicy === false && c?.restrictPublicBuckets === false);
  };
  if (r.type === "aws:s3/accessPoint:AccessPoint") return apBlocks(r) ? "the access point's Block Public Access" : undefined;
  if (r.type === "aws:s3control/accessPointPolicy:AccessPointPolicy") {
    const aps = model.resolve(r, "accessPointArn", r.props.accessPointArn, ["aws:s3/accessPoint:AccessPoint"]).urns.map((u) => model.byUrn(u)!);
    return aps.length > 0 && aps.every(apBlocks) ? "the access point's Block Public Access" : undefined;
  }
  if (r.type === "aws:secretsmanager/secretPolicy:SecretPolicy") return r.props.blockPublicPolicy === true ? "blockPublicPolicy" : undefined;
  return undefined;
}

/** Domains inside a VPC are reached only through the VPC; their policy does not face outsiders. */
function inVpc(model: NetworkModel, r: StackResource): boolean {
  const domainTypes = ["aws:opensearch/domain:Domain", "aws:elasticsearch/domain:Domain"];
  const domains = domainTypes.includes(r.type) ? [r] : r.type.endsWith("/domainPolicy:DomainPolicy") ? model.resolve(r, "domainName", r.props.domainName, domainTypes).urns.map((u) => model.byUrn(u)!) : [];
  return domains.length > 0 && domains.every((d) => d.props.vpcOptions?.subnetIds !== undefined && list(d.props.vpcOptions.subnetIds).length > 0);
}

/** A REST API's policy only guards a PRIVATE API; a regional/edge API is public by its endpoint type. */
function regionalApi(model: NetworkModel, r: StackResource): boolean {
  const apiType = "aws:apigateway/restApi:RestApi";
  const apis = r.type === apiType ? [r] : r.type === "aws:apigateway/restApiPolicy:RestApiPolicy" ? model.resolve(r, "restApiId", r.props.restApiId, [apiType]).urns.map((u) => model.byUrn(u)!) : [];
  if (!apis.length) return false;
  return apis.every((a) => {
    const types = a.props.endpointConfiguration?.types;
    return !isUnknown(types) && !list(types).some((t) => t === "PRIVATE");
  });
}

/**
 * True when the unknown parts of a policy property come only from resources of this stack: their ARNs, ids and
 * names are inside the stack's account, so an unknown principal or condition value built from them names no outsider.
 */
function fromStack(model: NetworkModel, r: StackResource, prop: string): boolean {
  const deps = r.propertyDependencies?.[prop] ?? [];
  // Another stack's outputs (StackReference) may name any account.
  return deps.length > 0 && deps.every((u) => {
    const d = model.byUrn(u);
    return d !== undefined && d.type !== "pulumi:pulumi:StackReference";
  });
}

/** A lambda.Permission / LayerVersionPermission is one statement of the function's (layer's) policy. */
function permissionStatement(r: StackResource): Statement | "unknown" {
  const p = r.props;
  const principal = p.principal;
  if (isUnknown(principal)) return "unknown";
  const spec = { star: false, aws: [] as string[], service: [] as string[], federated: [] as string[], canonicalUser: [] as string[], unknown: false };
  if (principal === "*") spec.star = true;
  else if (typeof principal === "string" && /\.amazonaws\.com$|\.amazon\.com$/.test(principal)) spec.service.push(principal);
  else if (typeof principal === "string") spec.aws.push(principal);
  const conditions: Statement["conditions"] = [];
  const cond = (operator: string, base: string, keyText: string, v: unknown) => {
    if (v === undefined || v === null || v === "") return;
    conditions.push({ operator, base, ifExists: false, keyText, key: keyText.toLowerCase(), values: isUnknown(v) ? [] : [String(v)], unknown: isUnknown(v) });
  };
  cond("ArnLike", "ArnLike", "AWS:SourceArn", p.sourceArn);
  cond("StringEquals", "StringEquals", "AWS:SourceAccount", p.sourceAccount);
  cond("StringEquals", "StringEquals", "aws:PrincipalOrgID", p.principalOrgId ?? p.organizationId);
  if (p.functionUrlAuthType === "AWS_IAM") cond("StringEquals", "StringEquals", "lambda:FunctionUrlAuthType", "AWS_IAM");
  const action = typeof p.action === "string" && !isUnknown(p.action) ? p.action : "lambda:*";
  return { index: 0, ...(typeof p.statementId === "string" ? { sid: p.statementId } : {}), effect: "Allow", principal: spec, action: [action], conditions, unknown: isUnknown(p.action) ? ["Action"] : [] };
}

/** The issuer host an OIDC provider's claims are keyed by: from its ARN, else from the statement's claim keys. */
function providerHost(provider: string, s: Statement): string {
  if (/:oidc-provider\//.test(provider)) return provider.replace(/^.*:oidc-provider\//, "");
  if (!provider.startsWith("arn:")) return provider;
  const claim = s.conditions.find((e) => /^[^:]+\.[^:]+:(aud|sub|amr)$/.test(e.key));
  return claim ? claim.keyText.replace(/:[^:]+$/, "") : "<provider host>";
}

/**
 * A KMS grant is one more Allow on its key for the grantee principal
 * (https://docs.aws.amazon.com/kms/latest/developerguide/grants.html); IAM Access Analyzer judges grants with key
 * policies (https://docs.aws.amazon.com/access-analyzer/latest/APIReference/API_KmsGrantConfiguration.html). Grant
 * constraints bind the encryption context, not the caller, so they pin nothing.
 */
function grantStatement(r: StackResource): Statement {
  const p = r.props;
  const who = p.granteePrincipal;
  const known = typeof who === "string" && !isUnknown(who);
  const ops = isUnknown(p.operations) ? undefined : list(p.operations).filter((o): o is string => typeof o === "string" && !isUnknown(o));
  // An unknown grantee is judged by provenance like any unknown principal (an in-stack role's ARN is inside).
  const spec = { star: who === "*", aws: known && who !== "*" ? [who] : [], service: [] as string[], federated: [] as string[], canonicalUser: [] as string[], unknown: !known };
  return { index: 0, ...(typeof p.name === "string" ? { sid: p.name } : {}), effect: "Allow", principal: spec, action: ops ? ops.map((o) => `kms:${o}`) : ["kms:*"], conditions: [], unknown: [...(known ? [] : ["Principal"]), ...(ops ? [] : ["Action"])] };
}

const permissionTarget = (r: StackResource) => ({ prop: "principal", services: ["lambda"], what: r.type === LAMBDA_PERMISSION ? "lambda permission" : "layer permission" });

/**
 * Types whose public door Analyze can judge from the resource's own inputs. Pulumi runs a resource policy (Analyze)
 * on each resource with its inputs before the resource is created during `pulumi up`, and a mandatory violation
 * stops the update there; a stack policy sees every resource together, once they are all registered
 * (https://www.pulumi.com/docs/insights/policy/, resource vs stack validation policies:
 * https://www.pulumi.com/docs/discovery-governance/concepts/policy-as-code/policies/).
 * So a document of these types that is unknown at preview (built in an apply from ARNs created in the same run) is
 * deferred at preview, not blocked: `pulumi up` judges it, known, before it exists. Their public-access blockers are
 * the resource's own inputs: a secret's `blockPublicPolicy`
 * (https://docs.aws.amazon.com/secretsmanager/latest/apireference/API_PutResourcePolicy.html), an access point's
 * public access block, a domain's `vpcOptions`, a REST API's endpoint type.
 *
 * Not here, so an unknown document stays fail-closed (mandatory) at preview: bucket policies and buckets (whether
 * S3 Block Public Access refuses a public policy is decided by other resources, BucketPublicAccessBlock /
 * AccountPublicAccessBlock, https://docs.aws.amazon.com/AmazonS3/latest/userguide/access-control-block-public-access.html),
 * access point policies (the access point's block), domain policies (the domain's VPC placement) and REST API
 * policies (the API's endpoint type): Analyze of the policy alone sees none of them, so it cannot judge the door
 * before creation without blocking policies those resources make harmless.
 *
 * Which accounts are "ours" (cross-account grants), whether an unknown principal or condition value comes from the
 * stack's own resources, and federated trust are judged by the stack policy (they need the stack's other
 * resources or the dependencies Analyze does not carry), as before.
 */
const CONTEXT_TYPES: ReadonlySet<string> = new Set([
  ...BUCKETS,
  "aws:s3/bucketPolicy:BucketPolicy",
  "aws:s3control/accessPointPolicy:AccessPointPolicy",
  "aws:opensearch/domainPolicy:DomainPolicy",
  "aws:elasticsearch/domainPolicy:DomainPolicy",
  "aws:apigateway/restApiPolicy:RestApiPolicy",
]);
export const OWN_TYPES: ReadonlySet<string> = new Set([...POLICY_TYPES.map((t) => t.type).filter((t) => !CONTEXT_TYPES.has(t)), LAMBDA_PERMISSION, LAYER_PERMISSION]);

/**
 * Judges one policy document. "stack": everything but what the resource pass owns (an own-type document unknown at
 * preview, an own-type public door); "resource": exactly that, from the resource's own inputs.
 */
function judge(out: Findings, model: NetworkModel, zoneOf: () => TrustZone, r: StackResource, doc: PolicyDocument, t: { prop: string; services: string[]; what: string }, pass: "stack" | "resource"): void {
  const own = OWN_TYPES.has(r.type);
  const resource = model.label(r.urn);
  if (doc.kind === "unknown") {
    if (pass === "stack" && !own) out.report(r.urn, "unknown-policy", { resource, what: t.what }, t.prop);
    if (pass === "resource") out.report(r.urn, DEFERRED_KIND, { what: `${t.prop} (the ${t.what})`, how: "build the document from known values (names, the account id from getCallerIdentity)" }, t.prop);
    return;
  }
  if (doc.kind !== "known") return;
  const zone = zoneOf();
  const zoneText = zone.ownerKnown ? [...zone.accounts].join(", ") : "unknown";
  const trust = t.what === "trust policy";
  if (pass === "stack" && trust)
    for (const s of doc.statements) {
      const providers = unpinnedFederation(s);
      if (providers.length) out.report(r.urn, "unpinned-federation", { resource, statement: statementRef(s), providers, subKey: providers[0] === "cognito-identity.amazonaws.com" ? "cognito-identity.amazonaws.com:aud" : `${providerHost(providers[0], s)}:sub` }, t.prop);
    }
  const blocked = publicBlocked(model, r);
  const offNetwork = inVpc(model, r) || regionalApi(model, r);
  for (const g of externalGrants(doc, zone, t.services, trust ? TRUST_PINS : undefined)) {
    const actions = trust ? g.actions.filter((a) => ASSUME.test(a.name)) : g.actions;
    if (!actions.length) continue;
    const grant = { ...g, actions };
    const base = {
      resource,
      what: t.what,
      statement: statementRef(g.statement),
      levels: g.levels.join("/"),
      count: `${actions.length} action${actions.length === 1 ? "" : "s"}`,
      sample: sample(grant),
      conditions: g.verdict.unpinnedConditions.length ? ` - its conditions (${g.verdict.unpinnedConditions.join(", ")}) do not pin the caller` : "",
    };
    const publicDoor = g.verdict.who.kind === "public" && !g.verdict.pinUnknown;
    if (pass === "resource") {
      if (publicDoor && !blocked && !offNetwork) out.report(r.urn, "public-access", { ...base, principal: g.statement.notPrincipal ? "NotPrincipal" : "Principal \"*\"" }, t.prop);
      continue;
    }
    if (g.verdict.who.kind === "unknown") {
      // A principal built from this stack's own resources (role ARNs…) is inside the account.
      if (!fromStack(model, r, t.prop)) out.report(r.urn, "unknown-principal", base, t.prop);
    } else if (g.verdict.pinUnknown && !fromStack(model, r, t.prop)) out.report(r.urn, "unknown-condition", base, t.prop);
    else if (g.verdict.pinUnknown) continue;
    else if (g.verdict.who.kind === "accounts") out.report(r.urn, "cross-account-access", { ...base, accounts: g.verdict.who.accounts, zone: zoneText }, t.prop);
    else if (!own && !blocked && !offNetwork) out.report(r.urn, "public-access", { ...base, principal: g.statement.notPrincipal ? "NotPrincipal" : "Principal \"*\"" }, t.prop);
  }
}

export const rule: RuleDefinition = {
  meta: {
    id: "no-public-resource-policy",
    severity: "critical",
    enforcementLevel: "mandatory",
    controls: ["S3.2", "S3.3", "S3.8", "S3.19", "Lambda.1", "SNS.4", "SQS.3", "KMS.5", "Opensearch.2"],
    why: "A resource policy that lets in everyone, or an account outside yours, without a condition that pins the caller is an open door no security group guards: anonymous uploads, read-out secrets, keys and queues used from outside.",
    fix: "Name the principals that need access (roles of your account), or pin Principal \"*\" with a condition on the caller or source (aws:PrincipalOrgID, aws:PrincipalAccount, aws:SourceArn / aws:SourceAccount, aws:SourceVpce) with exact values; require sts:ExternalId for third-party roles; keep S3 Block Public Access on.",
    messages: {
      "public-access":
        "{resource}: {what} {statement} lets anyone ({principal}) call {levels} actions ({count}, e.g. {sample}){conditions}. Fix: name the principals that need access, or pin the statement with aws:PrincipalOrgID / aws:PrincipalAccount / aws:SourceArn / aws:SourceVpce using exact values.",
      "cross-account-access":
        "{resource}: {what} {statement} lets account(s) {accounts} outside this stack's account(s) ({zone}) call {levels} actions ({count}, e.g. {sample}){conditions}. Fix: grant only your own account's roles, pin the statement with a condition, or list the account in the rule's trustedAccounts config if it is yours.",
      "unpinned-federation":
        "{resource}: trust policy {statement} lets any identity of {providers} assume the role: no exact {subKey} condition says which identity. Fix: add StringEquals on that claim naming the one repository, service account or identity pool allowed.",
      "unknown-principal":
        "{resource}: {what} {statement} names a principal unknown at preview, so whether it lets in outsiders cannot be verified before deploy. Fix: build the principal from values the stack knows (account id, role names).",
      "unknown-condition":
        "{resource}: {what} {statement} lets outsiders in unless its condition pins them, and the condition's value is unknown at preview and comes from outside this stack, so this cannot be verified before deploy. Fix: build the condition from values the stack knows (this stack's ARNs, the account id).",
      "unknown-policy":
        "{resource}: the {what} is unknown at preview, so who it lets in cannot be verified before deploy. Fix: build the document from known values (names, the account id from getCallerIdentity) so it can be checked.",
      "public-acl":
        "{resource} grants {permission} to {grantee} through its ACL: anyone can {access} the bucket. Fix: use the \"private\" canned ACL (or BucketOwnershipControls BucketOwnerEnforced) and keep S3 Block Public Access on.",
    },
    configSchema: {
      trustedAccounts: { type: "array", items: { type: "string", pattern: "^\\d{12}$" }, description: "Account ids inside your zone of trust besides the stack's own (found from in-stack ARNs)." },
      trustedOrganizations: { type: "array", items: { type: "string", pattern: "^o-[a-z0-9]{10,32}$" }, description: "AWS Organizations ids whose aws:PrincipalOrgID conditions count as pinning (any exact org id counts when empty)." },
    },
  },
  check(model, config) {
    const out = new Findings();
    // The zone is read from the whole stack: only once a policy needs it.
    let zone: TrustZone | undefined;
    const zoneOf = () => (zone ??= trustZone(model, config));
    for (const t of POLICY_TYPES) {
      for (const r of model.ofType(t.type)) {
        const doc = parsePolicy(r.props[t.prop]);
        if (doc) judge(out, model, zoneOf, r, doc, t, "stack");
      }
    }
    for (const r of model.ofType(KMS_GRANT)) {
      judge(out, model, zoneOf, r, { kind: "known", statements: [grantStatement(r)] }, { prop: "granteePrincipal", services: ["kms"], what: "KMS grant" }, "stack");
    }
    for (const r of model.ofType(LAMBDA_PERMISSION, LAYER_PERMISSION)) {
      const s = permissionStatement(r);
      // An unknown principal, and the public door, are the resource pass's (see OWN_TYPES).
      if (s !== "unknown") judge(out, model, zoneOf, r, { kind: "known", statements: [s] }, permissionTarget(r), "stack");
    }

    // Bucket ACLs: AllUsers / AuthenticatedUsers grants are public (https://docs.aws.amazon.com/AmazonS3/latest/userguide/acl-overview.html).
    // BucketOwnerEnforced disables ACLs altogether (https://docs.aws.amazon.com/AmazonS3/latest/userguide/about-object-ownership.html).
    const aclsDisabled = new Set<string>();
    for (const o of model.ofType(OWNERSHIP)) if (o.props.rule?.objectOwnership === "BucketOwnerEnforced") model.resolve(o, "bucket", o.props.bucket, BUCKETS).urns.forEach((u) => aclsDisabled.add(u));
    for (const r of model.ofType(...BUCKETS, ...ACLS)) {
      const buckets = ACLS.includes(r.type) ? model.resolve(r, "bucket", r.props.bucket, BUCKETS).urns : [r.urn];
      if (bucketBpa(model, buckets).acl || (buckets.length && buckets.every((b) => aclsDisabled.has(b)))) continue;
      const resource = model.label(r.urn);
      const acl = r.props.acl;
      if (typeof acl === "string" && PUBLIC_CANNED.has(acl))
        out.report(r.urn, "public-acl", { resource, permission: `canned ACL "${acl}"`, grantee: acl === "authenticated-read" ? "every AWS account (AuthenticatedUsers)" : "everyone (AllUsers)", access: acl === "public-read-write" ? "write to and read" : "read" }, "acl");
      else if (isUnknown(acl)) out.report(r.urn, "unknown-policy", { resource, what: "canned ACL" }, "acl");
      const grants = r.props.accessControlPolicy?.grants ?? r.props.grants;
      list(grants).forEach((g: any, i) => {
        const uri = g?.grantee?.uri ?? g?.uri;
        const perms = [g?.permission, ...list(g?.permissions)].filter((p) => typeof p === "string") as string[];
        if (typeof uri !== "string" || !ALL_USERS.test(uri)) return;
        for (const perm of perms) {
          const access = /WRITE|FULL_CONTROL/.test(perm) ? "write to" : "read";
          out.report(r.urn, "public-acl", { resource, permission: perm, grantee: uri, access }, r.props.accessControlPolicy ? `accessControlPolicy.grants[${i}]` : `grants[${i}]`);
        }
      });
    }
    return out.list;
  },
  resource: {
    types: [...OWN_TYPES],
    check(r, model, config) {
      const out = new Findings();
      let zone: TrustZone | undefined;
      const zoneOf = () => (zone ??= trustZone(model, config));
      if (r.type === LAMBDA_PERMISSION || r.type === LAYER_PERMISSION) {
        const s = permissionStatement(r);
        if (s === "unknown") out.report(r.urn, DEFERRED_KIND, { what: "principal", how: "name the principal with a literal (a service principal, an account id)" }, "principal");
        else judge(out, model, zoneOf, r, { kind: "known", statements: [s] }, permissionTarget(r), "resource");
        return out.list;
      }
      for (const t of POLICY_TYPES) {
        if (t.type !== r.type) continue;
        const doc = parsePolicy(r.props[t.prop]);
        if (doc) judge(out, model, zoneOf, r, doc, t, "resource");
      }
      return out.list;
    },
  },
};
