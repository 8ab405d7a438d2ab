import type { RequestHandler } from 'express';
import helmet from 'helmet';

/**
 * helmet for the console, with a strict Content-Security-Policy: scripts, styles and images from
 * the console itself only (no inline script or style anywhere, not even an attribute), forms post
 * only here, no framing, no <base>. Helmet's other headers (nosniff, Referrer-Policy: no-referrer —
 * invitation links carry a token —, frame and opener policies) come with it; HSTS and
 * upgrade-insecure-requests only in production, where the console is served over https.
 */
export function securityHeaders(production: boolean): RequestHandler {
  return helmet({
    contentSecurityPolicy: {
      useDefaults: false,
      directives: {
        'default-src': ["'self'"],
        'script-src': ["'self'"],
        'style-src': ["'self'"],
        'img-src': ["'self'", 'data:'],
        'form-action': ["'self'"],
        'frame-ancestors': ["'none'"],
        'base-uri': ["'none'"],
        'object-src': ["'none'"],
        ...(production ? { 'upgrade-insecure-requests': [] } : {}),
      },
    },
    // Old browsers that ignore frame-ancestors: no framing at all there either.
    xFrameOptions: { action: 'deny' },
    strictTransportSecurity: production ? { maxAge: 365 * 24 * 3600, includeSubDomains: true } : false,
  });
}
