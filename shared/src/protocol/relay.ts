import { z } from 'zod';

/**
 * A TURN relay the browser may fall back to, in RTCIceServer's own shape: every URL shares one
 * short-lived credential (TURN REST scheme: username `<expiry unix s>:<party id>`, credential
 * base64(HMAC-SHA1(secret, username))). Handed out by the server, never configured in a client.
 */
export const IceServerSchema = z.object({
  urls: z
    .array(
      z
        .string()
        .max(512)
        .regex(/^turns?:[^\s?]+(\?transport=(udp|tcp))?$/),
    )
    .min(1)
    .max(8),
  username: z.string().min(1).max(256),
  credential: z.string().min(1).max(256),
});
export type IceServer = z.infer<typeof IceServerSchema>;

/** Empty when the server has no relay configured: the browser then uses the SFU's own candidates. */
export const IceServersSchema = z
  .array(IceServerSchema)
  .max(4)
  .describe(
    'TURN relays for RTCPeerConnection (iceTransportPolicy "all": a fallback the browser picks only when no direct candidate pair works); credentials expire after TURN_CREDENTIAL_TTL_S.',
  );
export type IceServers = z.infer<typeof IceServersSchema>;
