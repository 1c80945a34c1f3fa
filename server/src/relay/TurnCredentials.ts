import { createHmac } from 'node:crypto';
import type { IceServer } from '@visio/shared/protocol';
import type { TurnRelayConfig } from '../config/config';

/**
 * Short-lived TURN credentials in the TURN REST scheme (draft-uberti-behave-turn-rest-00), the
 * one coturn checks with `use-auth-secret` + `static-auth-secret`: the username is
 * `<expiry, unix seconds>:<party id>` and the password is base64(HMAC-SHA1(secret, username)).
 * coturn recomputes the HMAC from its copy of the secret and refuses a username whose expiry has
 * passed, so nothing is stored and a leaked credential dies within the TTL.
 *
 * The party id is the kiosk's or staff account's random id, never a name: coturn logs usernames.
 */
export class TurnCredentials {
  constructor(
    private readonly relay: TurnRelayConfig,
    private readonly now: () => number = Date.now,
  ) {}

  /** The relay to hand one party of a call: every URL with one credential valid for the TTL. */
  iceServersFor(partyId: string): IceServer[] {
    const expiry = Math.floor(this.now() / 1000) + this.relay.credentialTtlS;
    const username = `${expiry}:${partyId}`;
    return [
      {
        urls: [...this.relay.urls],
        username,
        credential: turnRestPassword(this.relay.secret, username),
      },
    ];
  }
}

/** base64(HMAC-SHA1(secret, username)): coturn's password for a REST-scheme username. */
export function turnRestPassword(secret: string, username: string): string {
  return createHmac('sha1', secret).update(username).digest('base64');
}
