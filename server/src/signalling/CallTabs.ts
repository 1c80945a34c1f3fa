import { AsyncLocalStorage } from 'node:async_hooks';

/**
 * Which socket (browser tab) runs each party's media in a call, keyed by call id and forgotten
 * when the call ends. An advisor may have the app open in several tabs, and a second tab's
 * media:join would cut the first one's media off: so the call runs in the tab that admitted the
 * citizen, a tab opened meanwhile stays out of it, and when the call's tab goes, the newest other
 * tab takes it over. A kiosk has one socket at a time; the same rules keep its entry right.
 * Decisions only: the signalling server tells the sockets.
 */
export class CallTabs {
  /** call id → party id → the socket its media runs in. */
  private readonly tabs = new Map<string, Map<string, string>>();
  /**
   * The tab whose admit request is running. The call starts (and is announced) before the
   * request returns, so the tab travels with the request's own async context rather than
   * through the call service, which knows no sockets.
   */
  private readonly admitting = new AsyncLocalStorage<string>();

  /** Runs an admission requested from `socketId`: the call it starts runs in that tab. */
  admitFrom<T>(socketId: string, admit: () => Promise<T>): Promise<T> {
    return this.admitting.run(socketId, admit);
  }

  /**
   * A call started. Started by an admission from a tab, the advisor's media runs there; the
   * answer is that tab, or undefined when no tab admitted (every tab is told then).
   */
  callStarted(callId: string, advisorId: string): string | undefined {
    const socketId = this.admitting.getStore();
    if (socketId) this.runIn(callId, advisorId, socketId);
    return socketId;
  }

  /** The socket running the party's media in the call, if one does. */
  tabOf(callId: string, partyId: string): string | undefined {
    return this.tabs.get(callId)?.get(partyId);
  }

  /**
   * A socket of a party in the call connected (a reload, another tab). It takes the call unless
   * the call's own tab is still connected; when it does, it is the call's tab from now on.
   */
  connected(
    callId: string,
    partyId: string,
    socketId: string,
    isConnected: (socketId: string) => boolean,
  ): boolean {
    const owner = this.tabOf(callId, partyId);
    if (owner && owner !== socketId && isConnected(owner)) return false;
    this.runIn(callId, partyId, socketId);
    return true;
  }

  /**
   * A socket of the party went while others stay open (oldest first). If it ran the call, the
   * newest other one takes it: the answer is that socket, to be told.
   */
  disconnected(
    callId: string,
    partyId: string,
    socketId: string,
    remaining: readonly string[],
  ): string | undefined {
    if (this.tabOf(callId, partyId) !== socketId) return undefined;
    const newest = remaining.at(-1);
    if (newest) this.runIn(callId, partyId, newest);
    return newest;
  }

  /** The call ended. */
  forget(callId: string): void {
    this.tabs.delete(callId);
  }

  private runIn(callId: string, partyId: string, socketId: string): void {
    let parties = this.tabs.get(callId);
    if (!parties) {
      parties = new Map();
      this.tabs.set(callId, parties);
    }
    parties.set(partyId, socketId);
  }
}
