import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { SignallingClient } from '@visio/shared/client';
import {
  AppError,
  transferEvents,
  transferRequests,
  type TransferColleague,
  type TransferOffered,
} from '@visio/shared/protocol';
import { TransferDesk } from '../../../advisor-client/src/features/transfer/TransferDesk';
import { transferProblemKey } from '../../../advisor-client/src/features/transfer/transferProblemKey';
import { en } from '../../../advisor-client/src/i18n/en';
import { fr } from '../../../advisor-client/src/i18n/fr';

const colleague: TransferColleague = {
  advisorId: randomUUID(),
  name: 'Bruno',
  services: [{ id: randomUUID(), name: 'Retraites' }],
};

/**
 * The desk over a signalling stand-in: requests answer what `answers` says (or throw it), and
 * `tell` delivers a server event to the handlers the desk registered.
 */
function deskWith(answers: Record<string, unknown>) {
  const handlers = new Map<string, ((payload: unknown) => void)[]>();
  const offered: TransferOffered[] = [];
  const signalling = {
    on: (definition: { name: string }, handler: (payload: unknown) => void) => {
      handlers.set(definition.name, [...(handlers.get(definition.name) ?? []), handler]);
      return () => undefined;
    },
    request: async (definition: { name: string }) => {
      const answer = answers[definition.name];
      if (answer instanceof Error) throw answer;
      return answer;
    },
  } as unknown as SignallingClient;
  const desk = new TransferDesk(signalling, { onOffered: (offer) => offered.push(offer) });
  desk.attach();
  const tell = (definition: { name: string }, payload: unknown) => {
    for (const handler of handlers.get(definition.name) ?? []) handler(payload);
  };
  return { desk, tell, offered };
}

function offerOf(callId: string): TransferOffered {
  return {
    transferId: randomUUID(),
    callId,
    fromAdvisorName: 'Anne',
    fromServiceName: 'CAF',
    serviceName: 'Retraites',
    kioskName: 'Borne 1',
    siteName: 'Mairie',
    note: 'Dossier en cours',
    expiresAt: new Date().toISOString(),
  };
}

describe('the transfer desk', () => {
  it('says the call went to the colleague even when the call’s end comes before the outcome', async () => {
    const transferId = randomUUID();
    const callId = randomUUID();
    const { desk, tell } = deskWith({
      [transferRequests.offer.name]: { transferId, expiresAt: new Date().toISOString() },
    });
    expect(await desk.offer(callId, colleague, colleague.services[0]!.id, 'note')).toBe(true);
    expect(desk.store.get().pending).toMatchObject({
      transferId,
      colleagueName: 'Bruno',
      serviceName: 'Retraites',
    });
    // The server ends the call for us (transferred), then says how the offer ended.
    desk.callEnded(callId);
    tell(transferEvents.outcome, {
      callId,
      transferId,
      outcome: 'accepted',
      colleagueName: 'Bruno',
    });
    expect(desk.store.get().pending).toBeNull();
    expect(desk.store.get().lastOutcome).toEqual({ outcome: 'accepted', colleagueName: 'Bruno' });
    // Another offer's outcome is none of ours.
    tell(transferEvents.outcome, {
      callId,
      transferId: randomUUID(),
      outcome: 'declined',
      colleagueName: 'Bruno',
    });
    expect(desk.store.get().lastOutcome?.outcome).toBe('accepted');
  });

  it('shows our offer still waiting when the call is told again after a reload', () => {
    const { desk, tell } = deskWith({});
    const transferId = randomUUID();
    const callId = randomUUID();
    desk.callStarted({
      callId,
      kioskId: randomUUID(),
      advisorId: randomUUID(),
      peerName: 'Borne 1',
      appointmentId: null,
      rtpCapabilities: { codecs: [], headerExtensions: [] },
      mediaEpoch: 1,
      transfer: {
        transferId,
        colleagueName: 'Bruno',
        serviceName: 'Retraites',
        expiresAt: new Date().toISOString(),
      },
    });
    expect(desk.store.get().pending).toEqual({
      transferId,
      callId,
      colleagueName: 'Bruno',
      serviceName: 'Retraites',
    });
    tell(transferEvents.outcome, {
      callId,
      transferId,
      outcome: 'expired',
      colleagueName: 'Bruno',
    });
    expect(desk.store.get().pending).toBeNull();
    expect(desk.store.get().lastOutcome?.outcome).toBe('expired');
  });

  it('words a refused offer by its reason, in both languages', async () => {
    const { desk } = deskWith({
      [transferRequests.offer.name]: AppError.withReason('CONFLICT', 'colleague_in_call', 'busy'),
    });
    expect(await desk.offer(randomUUID(), colleague, colleague.services[0]!.id, '')).toBe(false);
    const problem = desk.store.get().problem!;
    expect(problem).toMatchObject({
      context: 'offer',
      code: 'CONFLICT',
      reason: 'colleague_in_call',
    });
    const key = transferProblemKey(problem);
    expect(key).toBe('transfer.error.colleague_in_call');
    expect(fr[key]).not.toBe(en[key]);
    expect(desk.store.get().pending).toBeNull();
  });

  it('shows a colleague’s offer until it is answered or closed; a vanished one goes with a word', async () => {
    const { desk, tell, offered } = deskWith({
      [transferRequests.accept.name]: new AppError('NOT_FOUND', 'gone'),
      [transferRequests.decline.name]: {},
    });
    const first = offerOf(randomUUID());
    const second = offerOf(randomUUID());
    tell(transferEvents.offered, first);
    tell(transferEvents.offered, second);
    expect(offered.map((o) => o.transferId)).toEqual([first.transferId, second.transferId]);
    expect(desk.store.get().incoming.map((o) => o.note)).toEqual([
      'Dossier en cours',
      'Dossier en cours',
    ]);
    tell(transferEvents.closed, { transferId: first.transferId, outcome: 'cancelled' });
    expect(desk.store.get().incoming.map((o) => o.transferId)).toEqual([second.transferId]);
    await desk.accept(second);
    expect(desk.store.get().incoming).toEqual([]);
    expect(transferProblemKey(desk.store.get().problem!)).toBe('transfer.offer.error');
    const third = offerOf(randomUUID());
    tell(transferEvents.offered, third);
    await desk.decline(third);
    expect(desk.store.get().incoming).toEqual([]);
  });
});
