/**
 * The one semantic call the door rules make about a grant they turn into a policy statement (launch permissions,
 * `lambda.Permission`, API resource policies…): does it reach outside the account without a condition that pins
 * it? Accounts and pinning conditions are judged by the IAM evaluation's `isExternalAccess` (Access Analyzer's
 * semantics, policies/model/iam/external.ts), so these doors follow exactly the resource-policy rule. Two readings
 * are added for entry points:
 *
 * - A named account (an account id or ARN) is sharing with that account on purpose and is not public; only
 *   everyone (`*`, a wildcard, a principal unknown at preview) is.
 * - An AWS service principal acts for whoever configures that service, in any account (the confused deputy:
 *   https://docs.aws.amazon.com/IAM/latest/UserGuide/confused-deputy.html), so it needs a source condition
 *   (aws:SourceArn / aws:SourceAccount / aws:SourceOwner / aws:SourceOrgID…) too.
 */
import type { NetworkModel } from "./index";
import { isExternalAccess as iamExternal, parsePolicy, pinnedBy, trustZone, type Statement, type TrustZone } from "./iam";

export type EntryVerdict = { external: false } | { external: true; who: "everyone" | "any-account-service"; principal: string };

const SOURCE_KEYS = new Set(["aws:sourcearn", "aws:sourceaccount", "aws:sourceowner", "aws:sourceorgid", "aws:sourceorgpaths"]);

const zones = new WeakMap<NetworkModel, TrustZone>();
export function zoneOf(model: NetworkModel): TrustZone {
  let z = zones.get(model);
  if (!z) zones.set(model, (z = trustZone(model)));
  return z;
}

/** Parses one raw statement (Principal, Condition as written) with the IAM evaluation's reader. */
export function statementOf(raw: Record<string, unknown>): Statement | undefined {
  const doc = parsePolicy({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: "*", Resource: "*", ...raw }] });
  return doc?.kind === "known" ? doc.statements[0] : undefined;
}

/** Is an Allow statement a public entry point: everyone, or an AWS service for any account, unpinned? */
export function entryExternal(model: NetworkModel, s: Statement): EntryVerdict {
  if (s.effect !== "Allow") return { external: false };
  const zone = zoneOf(model);
  const v = iamExternal(s, zone);
  if (v && v.who.kind !== "accounts") return { external: true, who: "everyone", principal: "*" };
  const services = s.principal?.service ?? [];
  if (services.length && !pinnedBy(s.conditions, zone, undefined, (e) => SOURCE_KEYS.has(e.key))) return { external: true, who: "any-account-service", principal: services[0] };
  return { external: false };
}
