/** Error classification shared by the rotate modules. */

/** An error that means the caller's credentials, region or permissions are wrong: nothing can be selected. */
export class CredentialError extends Error {}

const CREDENTIAL_ERRORS = new Set([
  "CredentialsProviderError",
  "UnrecognizedClientException",
  "InvalidClientTokenId",
  "InvalidSignatureException",
  "ExpiredTokenException",
  "ExpiredToken",
  "AccessDeniedException",
  "IncompleteSignature",
  "MissingAuthenticationToken",
]);

export function errorText(err: unknown): string {
  const e = err as { name?: string; message?: string };
  if (!e?.message) return String(err);
  // The function's own errors already say which step failed; AWS errors are named by their type.
  if (e.name === "RotationStepError") return e.message;
  return e.name && e.name !== "Error" && !e.message.startsWith(e.name) ? `${e.name}: ${e.message}` : e.message;
}

export function isCredentialError(err: unknown): boolean {
  const e = err as { name?: string; message?: string };
  return CREDENTIAL_ERRORS.has(e?.name ?? "") || /Region is missing|Could not load credentials/i.test(e?.message ?? "");
}
