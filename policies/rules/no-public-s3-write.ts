import { isUnknown, type RuleDefinition, type StackResource } from "../model";
import { actionRegex, cannotVerify, Findings, isPublicPrincipal, list, parseDoc } from "./util";

const BUCKETS = ["aws:s3/bucket:Bucket", "aws:s3/bucketV2:BucketV2"];
const ACLS = ["aws:s3/bucketAclV2:BucketAclV2", "aws:s3/bucketAcl:BucketAcl"];
const POLICY = "aws:s3/bucketPolicy:BucketPolicy";
const ALL_USERS = /acs\.amazonaws\.com\/groups\/global\/(AllUsers|AuthenticatedUsers)$/;

/** Representative S3 write actions; an action pattern that matches any of them is a write grant. */
const WRITE_ACTIONS = [
  "s3:PutObject",
  "s3:PutObjectAcl",
  "s3:DeleteObject",
  "s3:DeleteObjectVersion",
  "s3:DeleteBucket",
  "s3:PutBucketPolicy",
  "s3:PutBucketAcl",
  "s3:AbortMultipartUpload",
  "s3:RestoreObject",
  "s3:ReplicateObject",
];

/** Condition keys that pin a Principal "*" statement to our own network or organisation. */
const RESTRICTING_KEYS = ["aws:sourcevpc", "aws:sourcevpce", "aws:principalorgid", "aws:principalaccount", "aws:sourceaccount", "aws:sourcearn", "aws:principalarn"];

function restricted(cond: unknown): boolean {
  if (!cond || typeof cond !== "object") return false;
  return Object.values(cond).some((ops) => ops && typeof ops === "object" && Object.keys(ops).some((k) => RESTRICTING_KEYS.includes(k.toLowerCase())));
}

export const rule: RuleDefinition = {
  meta: {
    id: "no-public-s3-write",
    severity: "critical",
    enforcementLevel: "mandatory",
    controls: ["S3.3", "S3.2", "S3.8"],
    why: "A bucket anyone can write to serves malware under your name and lets attackers replace what your systems read.",
    fix: "Remove public-read-write / AllUsers WRITE grants and Principal \"*\" write statements; grant writes to specific roles, or pin the statement with aws:SourceVpce / aws:PrincipalOrgID conditions; keep S3 Block Public Access on.",
  },
  check(model) {
    const out = new Findings();
    const publicAcl = (r: StackResource) => {
      const acl = r.props.acl;
      if (acl === "public-read-write") out.add(r.urn, `${model.label(r.urn)} sets acl "public-read-write": anyone can write to the bucket. Fix: ${rule.meta.fix}`);
      else if (isUnknown(acl)) out.add(r.urn, `${model.label(r.urn)}: ${cannotVerify("acl", "use a literal canned ACL such as \"private\"")}. Fix: ${rule.meta.fix}`);
      const grants = r.props.accessControlPolicy?.grants ?? r.props.grants;
      for (const g of list(grants)) {
        const uri = (g as any)?.grantee?.uri ?? (g as any)?.uri;
        const perm = (g as any)?.permission ?? list((g as any)?.permissions).join(",");
        if (typeof uri === "string" && ALL_USERS.test(uri) && /^(WRITE|WRITE_ACP|FULL_CONTROL)$/.test(String(perm)))
          out.add(r.urn, `${model.label(r.urn)} grants ${perm} to ${uri}: anyone can write. Fix: ${rule.meta.fix}`);
      }
    };
    for (const r of model.ofType(...BUCKETS, ...ACLS)) publicAcl(r);

    const writeRegexes = (actions: unknown[]): string | undefined => {
      for (const a of actions) {
        if (typeof a !== "string") continue;
        const re = actionRegex(a);
        const hit = WRITE_ACTIONS.find((w) => re.test(w));
        if (hit) return a;
      }
      return undefined;
    };
    const checkPolicy = (r: StackResource, v: unknown) => {
      const doc = parseDoc(v);
      if (!doc || "invalid" in doc) return;
      if ("unknown" in doc) {
        out.add(r.urn, `${model.label(r.urn)}: ${cannotVerify("the bucket policy", "build it from known values (e.g. the bucket's explicit name) so it can be checked")}. Fix: ${rule.meta.fix}`);
        return;
      }
      for (const s of doc.statements) {
        if (s.Effect !== "Allow" || !isPublicPrincipal(s.Principal) || restricted(s.Condition)) continue;
        const action = s.NotAction !== undefined ? "NotAction" : writeRegexes(list(s.Action));
        if (action) out.add(r.urn, `${model.label(r.urn)} allows Principal "*" to ${action === "NotAction" ? "every action but a few (NotAction)" : `"${action}"`}: anyone can write to the bucket. Fix: ${rule.meta.fix}`);
      }
    };
    for (const r of model.ofType(POLICY)) checkPolicy(r, r.props.policy);
    for (const r of model.ofType(...BUCKETS)) if (r.props.policy !== undefined) checkPolicy(r, r.props.policy);
    return out.list;
  },
};
