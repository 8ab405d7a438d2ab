// twilio-node's webhook checks alone: the package's index loads its whole REST client (about 150 ms at start).
import { getExpectedTwilioSignature, validateRequest } from 'twilio/lib/webhooks/webhooks.js';

/**
 * True when `X-Twilio-Signature` is Twilio's HMAC-SHA1 (base64) of `url` followed by every POST
 * parameter name+value sorted by name, keyed with the auth token. twilio-node compares in
 * constant time and also tries the URL with and without the default port.
 * `url` must be the public URL Twilio called (from configuration), not what a proxy forwarded.
 *
 * @example isValidTwilioSignature(token, req.get('X-Twilio-Signature'), 'https://ruta.example/twilio/messages', params)
 */
export function isValidTwilioSignature(authToken: string, signature: string | undefined, url: string, params: Record<string, string>): boolean {
  if (!signature) return false;
  try {
    return validateRequest(authToken, signature, url, params);
  } catch {
    return false;
  }
}

/** Signs a request the way Twilio does (for the chat tool and tests). */
export function twilioSignature(authToken: string, url: string, params: Record<string, string>): string {
  return getExpectedTwilioSignature(authToken, url, params);
}
