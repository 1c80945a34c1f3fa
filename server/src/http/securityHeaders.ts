import type { IncomingMessage } from 'node:http';
import type { RequestHandler, Response } from 'express';
import helmet from 'helmet';

/**
 * Browser features nobody here uses, refused on every response. The apps' pages allow back what
 * each one needs (`allowAppFeatures`), so a JSON answer or a document opened on its own gets none.
 */
const UNUSED_FEATURES = [
  'accelerometer',
  'autoplay',
  'bluetooth',
  'geolocation',
  'gyroscope',
  'hid',
  'magnetometer',
  'midi',
  'payment',
  'publickey-credentials-get',
  'serial',
  'usb',
];
const APP_FEATURES = ['camera', 'microphone', 'display-capture', 'speaker-selection'] as const;
type AppFeature = (typeof APP_FEATURES)[number];

/** What each app's page may ask the browser for: the kiosk never shares a screen. */
export const APP_PERMISSIONS: Record<'kiosk' | 'advisor', readonly AppFeature[]> = {
  kiosk: ['camera', 'microphone', 'speaker-selection'],
  advisor: ['camera', 'microphone', 'display-capture', 'speaker-selection'],
};

function permissionsPolicy(allowed: readonly AppFeature[]): string {
  return [
    ...UNUSED_FEATURES.map((f) => `${f}=()`),
    ...APP_FEATURES.map((f) => (allowed.includes(f) ? `${f}=(self)` : `${f}=()`)),
  ].join(', ');
}

/** Sets the Permissions-Policy of an app's page (camera and microphone for this origin only). */
export function allowAppFeatures(res: Response, app: keyof typeof APP_PERMISSIONS): void {
  res.setHeader('Permissions-Policy', permissionsPolicy(APP_PERMISSIONS[app]));
}

/** The page's own host over WebSocket (signalling); 'self' alone misses ws: in older browsers. */
const ownSockets = (req: IncomingMessage) => {
  const host = req.headers.host ?? '';
  return /^[\w.[\]:-]{1,300}$/.test(host) ? `ws://${host} wss://${host}` : '';
};

/**
 * Headers for every response: a Content-Security-Policy that fits both built apps and no more
 * (scripts and styles from our origin only, nothing inline; media, images and documents also
 * from blob: URLs, which is how call documents and scans are shown and printed; no framing by
 * anyone), no Referer ever (kiosk and staff URLs may carry a one-time code), and every browser
 * feature refused until an app's page allows its own.
 */
export function securityHeaders(options: { https: boolean }): RequestHandler[] {
  return [
    helmet({
      contentSecurityPolicy: {
        useDefaults: false,
        directives: {
          'default-src': ["'self'"],
          'script-src': ["'self'"],
          'script-src-attr': ["'none'"],
          'style-src': ["'self'"],
          'img-src': ["'self'", 'data:', 'blob:'],
          'media-src': ["'self'", 'blob:'],
          'font-src': ["'self'"],
          'connect-src': ["'self'", ownSockets],
          // A PDF of a call is shown in a frame from a blob: URL, by the browser's PDF viewer.
          'frame-src': ["'self'", 'blob:'],
          'object-src': ["'self'", 'blob:'],
          'worker-src': ["'self'"],
          'frame-ancestors': ["'none'"],
          'base-uri': ["'none'"],
          'form-action': ["'self'"],
        },
      },
      // Blob documents in frames must stay loadable; nothing here is embedded cross-origin.
      crossOriginEmbedderPolicy: false,
      referrerPolicy: { policy: 'no-referrer' },
      xFrameOptions: { action: 'deny' },
      // Only a server reached over HTTPS may ask browsers to insist on it.
      strictTransportSecurity: options.https
        ? { maxAge: 31_536_000, includeSubDomains: false }
        : false,
    }),
    (_req, res, next) => {
      res.setHeader('Permissions-Policy', permissionsPolicy([]));
      next();
    },
  ];
}
