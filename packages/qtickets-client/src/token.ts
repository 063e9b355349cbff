/** A loggable stand-in for a secret: first 4 and last 4 characters (contract §2). Short secrets are fully masked. */
export function tokenFingerprint(token: string): string {
  if (token.length < 12) return '****';
  return `${token.slice(0, 4)}…${token.slice(-4)}`;
}

/** Replaces every occurrence of the secret in `text` with its fingerprint. */
export function scrubSecret(text: string, secret: string): string {
  if (secret.length === 0 || !text.includes(secret)) return text;
  return text.split(secret).join(tokenFingerprint(secret));
}
