/** Every rule id of the pack (fixed: pack, corpus and reports use exactly these). */
export const MANDATORY_RULE_IDS = [
  "no-world-open-sensitive-port",
  "bastion-only-admin",
  "data-ports-tenant-only",
  "only-lbs-face-world",
  "no-public-databases",
  "public-ip-only-bastion-lb",
  "imdsv2-required",
  "no-typed-in-credentials",
  "no-admin-workloads",
  "no-public-resource-policy",
  "tenant-isolation",
  "private-eks-api",
  "no-public-entry-points",
  "no-workload-admin-tools",
  "no-hidden-internet-paths",
  "exemption-valid",
] as const;

export const ADVISORY_RULE_IDS = [
  "vpc-flow-logs",
  "default-sg-no-rules",
  "default-nacl-no-rules",
  "nacl-no-world-admin",
  "secrets-rotation",
  "customer-managed-kms",
  "rds-storage-encrypted",
  "rds-deletion-protection",
  "ebs-encryption",
  "session-manager-logging",
] as const;

export const RULE_IDS: ReadonlySet<string> = new Set<string>([...MANDATORY_RULE_IDS, ...ADVISORY_RULE_IDS]);
