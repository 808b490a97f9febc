/** Every rule of the pack, in report order (mandatory first, then advisory). */
import type { RuleDefinition } from "../model";
import { ADVISORY_RULE_IDS, MANDATORY_RULE_IDS } from "./ids";
import { rule as bastionOnlyAdmin } from "./bastion-only-admin";
import { rule as customerManagedKms } from "./customer-managed-kms";
import { rule as dataPortsTenantOnly } from "./data-ports-tenant-only";
import { rule as defaultNaclNoRules } from "./default-nacl-no-rules";
import { rule as defaultSgNoRules } from "./default-sg-no-rules";
import { rule as ebsEncryption } from "./ebs-encryption";
import { rule as exemptionValid } from "./exemption-valid";
import { rule as imdsv2Required } from "./imdsv2-required";
import { rule as naclNoWorldAdmin } from "./nacl-no-world-admin";
import { rule as noAdminWorkloads } from "./no-admin-workloads";
import { rule as noHiddenInternetPaths } from "./no-hidden-internet-paths";
import { rule as noPublicDatabases } from "./no-public-databases";
import { rule as noPublicEntryPoints } from "./no-public-entry-points";
import { rule as noPublicResourcePolicy } from "./no-public-resource-policy";
import { rule as noTypedInCredentials } from "./no-typed-in-credentials";
import { rule as noWorkloadAdminTools } from "./no-workload-admin-tools";
import { rule as noWorldOpenSensitivePort } from "./no-world-open-sensitive-port";
import { rule as onlyLbsFaceWorld } from "./only-lbs-face-world";
import { rule as privateEksApi } from "./private-eks-api";
import { rule as publicIpOnlyBastionLb } from "./public-ip-only-bastion-lb";
import { rule as rdsDeletionProtection } from "./rds-deletion-protection";
import { rule as rdsStorageEncrypted } from "./rds-storage-encrypted";
import { rule as secretsRotation } from "./secrets-rotation";
import { rule as sessionManagerLogging } from "./session-manager-logging";
import { rule as tenantIsolation } from "./tenant-isolation";
import { rule as vpcFlowLogs } from "./vpc-flow-logs";

const byId = new Map<string, RuleDefinition>([
  [bastionOnlyAdmin.meta.id, bastionOnlyAdmin],
  [customerManagedKms.meta.id, customerManagedKms],
  [dataPortsTenantOnly.meta.id, dataPortsTenantOnly],
  [defaultNaclNoRules.meta.id, defaultNaclNoRules],
  [defaultSgNoRules.meta.id, defaultSgNoRules],
  [ebsEncryption.meta.id, ebsEncryption],
  [exemptionValid.meta.id, exemptionValid],
  [imdsv2Required.meta.id, imdsv2Required],
  [naclNoWorldAdmin.meta.id, naclNoWorldAdmin],
  [noAdminWorkloads.meta.id, noAdminWorkloads],
  [noHiddenInternetPaths.meta.id, noHiddenInternetPaths],
  [noPublicDatabases.meta.id, noPublicDatabases],
  [noPublicEntryPoints.meta.id, noPublicEntryPoints],
  [noPublicResourcePolicy.meta.id, noPublicResourcePolicy],
  [noTypedInCredentials.meta.id, noTypedInCredentials],
  [noWorkloadAdminTools.meta.id, noWorkloadAdminTools],
  [noWorldOpenSensitivePort.meta.id, noWorldOpenSensitivePort],
  [onlyLbsFaceWorld.meta.id, onlyLbsFaceWorld],
  [privateEksApi.meta.id, privateEksApi],
  [publicIpOnlyBastionLb.meta.id, publicIpOnlyBastionLb],
  [rdsDeletionProtection.meta.id, rdsDeletionProtection],
  [rdsStorageEncrypted.meta.id, rdsStorageEncrypted],
  [secretsRotation.meta.id, secretsRotation],
  [sessionManagerLogging.meta.id, sessionManagerLogging],
  [tenantIsolation.meta.id, tenantIsolation],
  [vpcFlowLogs.meta.id, vpcFlowLogs],
]);

/** All rules, ordered as the fixed id lists; fails at load time if a rule file and the id list disagree. */
export const rules: RuleDefinition[] = [...MANDATORY_RULE_IDS, ...ADVISORY_RULE_IDS].map((id) => {
  const r = byId.get(id);
  if (!r) throw new Error(`bulkhead pack: no rule file defines "${id}"`);
  return r;
});
if (byId.size !== rules.length) throw new Error("bulkhead pack: a rule file defines an id missing from rules/ids.ts");

export { RULE_IDS, MANDATORY_RULE_IDS, ADVISORY_RULE_IDS } from "./ids";
