/**
 * How the credential rule treats the provider's secret-marked inputs (policies/model/secrets-provider.ts, generated).
 * By default a secret-marked input is a credential and is judged by provenance; a NEW secret-marked input of a new
 * provider version is therefore judged without anyone adding it. Two kinds of exception, each with its reason
 * (docs/coverage.md lists them):
 * - inputs the provider marks secret that are not credentials (public certificates, ids, banners): not judged;
 * - maps and documents of settings: judged entry by entry like environment variables (name and value rules).
 */

const NOT_A_CREDENTIAL: Record<string, string> = {
  "aws:pinpoint/apnsChannel:ApnsChannel": "bundleId, teamId, tokenKeyId: app and team identifiers; certificate: the public certificate",
  "aws:pinpoint/apnsSandboxChannel:ApnsSandboxChannel": "bundleId, teamId, tokenKeyId: app and team identifiers; certificate: the public certificate",
  "aws:pinpoint/apnsVoipChannel:ApnsVoipChannel": "bundleId, teamId, tokenKeyId: app and team identifiers; certificate: the public certificate",
  "aws:pinpoint/apnsVoipSandboxChannel:ApnsVoipSandboxChannel": "bundleId, teamId, tokenKeyId: app and team identifiers; certificate: the public certificate",
  "aws:pinpoint/admChannel:AdmChannel": "clientId: the OAuth client's identifier",
  "aws:redshiftserverless/namespace:Namespace": "adminUsername: a user name",
  "aws:iot/certificate:Certificate": "caPem, certificatePem: public certificates",
  "aws:iot/caCertificate:CaCertificate": "caCertificatePem, verificationCertificatePem: public certificates",
  "aws:iot/authorizer:Authorizer": "tokenSigningPublicKeys: public keys",
  "aws:dms/certificate:Certificate": "certificatePem: a public certificate",
  "aws:transfer/certificate:Certificate": "certificate, certificateChain: public certificates",
  "aws:transfer/server:Server": "preAuthenticationLoginBanner, postAuthenticationLoginBanner: text shown to users",
  "aws:directoryservice/sharedDirectory:SharedDirectory": "notes: a message to the account the directory is shared with",
  "aws:cloudcontrol/resource:Resource": "schema: the resource type's JSON schema",
  "aws:s3/objectCopy:ObjectCopy": "kmsKeyId, kmsEncryptionContext: a key reference and its context",
  "aws:s3/bucketObjectLockConfiguration:BucketObjectLockConfiguration": "token: the Object Lock enablement token AWS Support issues, not a credential",
  "aws:s3/bucketObjectLockConfigurationV2:BucketObjectLockConfigurationV2": "token: the Object Lock enablement token AWS Support issues, not a credential",
  "aws:s3/bucketReplicationConfig:BucketReplicationConfig": "token: the Object Lock token for replication, not a credential",
  "aws:sns/platformApplication:PlatformApplication": "platformPrincipal: the APNs certificate or the FCM/Baidu principal, public",
};
const NOT_A_CREDENTIAL_INPUTS: Record<string, string[]> = {
  "aws:pinpoint/apnsChannel:ApnsChannel": ["bundleId", "teamId", "tokenKeyId", "certificate"],
  "aws:pinpoint/apnsSandboxChannel:ApnsSandboxChannel": ["bundleId", "teamId", "tokenKeyId", "certificate"],
  "aws:pinpoint/apnsVoipChannel:ApnsVoipChannel": ["bundleId", "teamId", "tokenKeyId", "certificate"],
  "aws:pinpoint/apnsVoipSandboxChannel:ApnsVoipSandboxChannel": ["bundleId", "teamId", "tokenKeyId", "certificate"],
  "aws:pinpoint/admChannel:AdmChannel": ["clientId"],
  "aws:redshiftserverless/namespace:Namespace": ["adminUsername"],
  "aws:iot/certificate:Certificate": ["caPem", "certificatePem"],
  "aws:iot/caCertificate:CaCertificate": ["caCertificatePem", "verificationCertificatePem"],
  "aws:iot/authorizer:Authorizer": ["tokenSigningPublicKeys"],
  "aws:dms/certificate:Certificate": ["certificatePem"],
  "aws:transfer/certificate:Certificate": ["certificate", "certificateChain"],
  "aws:transfer/server:Server": ["preAuthenticationLoginBanner", "postAuthenticationLoginBanner"],
  "aws:directoryservice/sharedDirectory:SharedDirectory": ["notes"],
  "aws:cloudcontrol/resource:Resource": ["schema"],
  "aws:s3/objectCopy:ObjectCopy": ["kmsKeyId", "kmsEncryptionContext"],
  "aws:s3/bucketObjectLockConfiguration:BucketObjectLockConfiguration": ["token"],
  "aws:s3/bucketObjectLockConfigurationV2:BucketObjectLockConfigurationV2": ["token"],
  "aws:s3/bucketReplicationConfig:BucketReplicationConfig": ["token"],
  "aws:sns/platformApplication:PlatformApplication": ["platformPrincipal"],
};

/** Secret-marked settings maps/documents: each entry is judged by its name and value, not the whole by provenance. */
const JUDGED_BY_ENTRY: Record<string, string[]> = {
  "aws:glue/connection:Connection": ["connectionProperties", "athenaProperties"],
  "aws:mwaa/environment:Environment": ["airflowConfigurationOptions"],
  "aws:bedrock/agentcoreHarness:AgentcoreHarness": ["environmentVariables"],
  "aws:appconfig/hostedConfigurationVersion:HostedConfigurationVersion": ["content"],
};

/** SSM parameters are secret-marked whatever their type; only a SecureString holds a secret by declaration. */
export const SSM_PARAMETER = "aws:ssm/parameter:Parameter";

/** Why a secret-marked input is not judged as a credential, or undefined when it is one. */
export function notACredential(type: string, input: string): string | undefined {
  return NOT_A_CREDENTIAL_INPUTS[type]?.includes(input) ? NOT_A_CREDENTIAL[type] : undefined;
}

/** True when a secret-marked input is a settings map judged entry by entry. */
export function judgedByEntry(type: string, input: string): boolean {
  return JUDGED_BY_ENTRY[type]?.includes(input) ?? false;
}

/** Every exception, for the coverage doc and its test (each must name a real secret-marked input). */
export function secretInputExceptions(): { type: string; input: string; treatment: "not a credential" | "judged by entry"; why: string }[] {
  const out: { type: string; input: string; treatment: "not a credential" | "judged by entry"; why: string }[] = [];
  for (const [type, inputs] of Object.entries(NOT_A_CREDENTIAL_INPUTS)) for (const input of inputs) out.push({ type, input, treatment: "not a credential", why: NOT_A_CREDENTIAL[type] });
  for (const [type, inputs] of Object.entries(JUDGED_BY_ENTRY)) for (const input of inputs) out.push({ type, input, treatment: "judged by entry", why: "a map or document of settings: each entry is judged by its name and value like an environment variable" });
  return out;
}
