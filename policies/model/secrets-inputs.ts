/**
 * How the credential rule treats the provider's secret-marked inputs (policies/model/secrets-provider.ts, generated).
 * By default a secret-marked input is a credential and is judged by provenance; a NEW secret-marked input of a new
 * provider version is therefore judged without anyone adding it. Two kinds of exception, each with its reason
 * (docs/coverage.md lists them):
 * - inputs the provider marks secret that are not credentials (public certificates, ids, banners): not judged;
 * - maps and documents of settings: judged entry by entry like environment variables (name and value rules).
 */

/** Secret-marked inputs that are not credentials, by type, with the reason. */
const NOT_A_CREDENTIAL: Record<string, { inputs: string[]; why: string }> = {
  "aws:pinpoint/apnsChannel:ApnsChannel": { inputs: ["bundleId", "teamId", "tokenKeyId", "certificate"], why: "bundleId, teamId, tokenKeyId: app and team identifiers; certificate: the public certificate" },
  "aws:pinpoint/apnsSandboxChannel:ApnsSandboxChannel": { inputs: ["bundleId", "teamId", "tokenKeyId", "certificate"], why: "bundleId, teamId, tokenKeyId: app and team identifiers; certificate: the public certificate" },
  "aws:pinpoint/apnsVoipChannel:ApnsVoipChannel": { inputs: ["bundleId", "teamId", "tokenKeyId", "certificate"], why: "bundleId, teamId, tokenKeyId: app and team identifiers; certificate: the public certificate" },
  "aws:pinpoint/apnsVoipSandboxChannel:ApnsVoipSandboxChannel": { inputs: ["bundleId", "teamId", "tokenKeyId", "certificate"], why: "bundleId, teamId, tokenKeyId: app and team identifiers; certificate: the public certificate" },
  "aws:pinpoint/admChannel:AdmChannel": { inputs: ["clientId"], why: "clientId: the OAuth client's identifier" },
  "aws:redshiftserverless/namespace:Namespace": { inputs: ["adminUsername"], why: "adminUsername: a user name" },
  "aws:iot/certificate:Certificate": { inputs: ["caPem", "certificatePem"], why: "caPem, certificatePem: public certificates" },
  "aws:iot/caCertificate:CaCertificate": { inputs: ["caCertificatePem", "verificationCertificatePem"], why: "caCertificatePem, verificationCertificatePem: public certificates" },
  "aws:iot/authorizer:Authorizer": { inputs: ["tokenSigningPublicKeys"], why: "tokenSigningPublicKeys: public keys" },
  "aws:dms/certificate:Certificate": { inputs: ["certificatePem"], why: "certificatePem: a public certificate" },
  "aws:transfer/certificate:Certificate": { inputs: ["certificate", "certificateChain"], why: "certificate, certificateChain: public certificates" },
  "aws:transfer/server:Server": { inputs: ["preAuthenticationLoginBanner", "postAuthenticationLoginBanner"], why: "preAuthenticationLoginBanner, postAuthenticationLoginBanner: text shown to users" },
  "aws:directoryservice/sharedDirectory:SharedDirectory": { inputs: ["notes"], why: "notes: a message to the account the directory is shared with" },
  "aws:cloudcontrol/resource:Resource": { inputs: ["schema"], why: "schema: the resource type's JSON schema" },
  "aws:s3/objectCopy:ObjectCopy": { inputs: ["kmsKeyId", "kmsEncryptionContext"], why: "kmsKeyId, kmsEncryptionContext: a key reference and its context" },
  "aws:s3/bucketObjectLockConfiguration:BucketObjectLockConfiguration": { inputs: ["token"], why: "token: the Object Lock enablement token AWS Support issues, not a credential" },
  "aws:s3/bucketObjectLockConfigurationV2:BucketObjectLockConfigurationV2": { inputs: ["token"], why: "token: the Object Lock enablement token AWS Support issues, not a credential" },
  "aws:s3/bucketReplicationConfig:BucketReplicationConfig": { inputs: ["token"], why: "token: the Object Lock token for replication, not a credential" },
  "aws:sns/platformApplication:PlatformApplication": { inputs: ["platformPrincipal"], why: "platformPrincipal: the APNs certificate or the FCM/Baidu principal, public" },
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
  const e = NOT_A_CREDENTIAL[type];
  return e?.inputs.includes(input) ? e.why : undefined;
}

/** True when a secret-marked input is a settings map judged entry by entry. */
export function judgedByEntry(type: string, input: string): boolean {
  return JUDGED_BY_ENTRY[type]?.includes(input) ?? false;
}

/** Every exception, for the coverage doc and its test (each must name a real secret-marked input). */
export function secretInputExceptions(): { type: string; input: string; treatment: "not a credential" | "judged by entry"; why: string }[] {
  const out: { type: string; input: string; treatment: "not a credential" | "judged by entry"; why: string }[] = [];
  for (const [type, e] of Object.entries(NOT_A_CREDENTIAL)) for (const input of e.inputs) out.push({ type, input, treatment: "not a credential", why: e.why });
  for (const [type, inputs] of Object.entries(JUDGED_BY_ENTRY)) for (const input of inputs) out.push({ type, input, treatment: "judged by entry", why: "a map or document of settings: each entry is judged by its name and value like an environment variable" });
  return out;
}
