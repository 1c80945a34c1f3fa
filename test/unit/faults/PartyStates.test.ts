import { describe, expect, it } from 'vitest';
import type { PageReading } from '../../faults/pageProbes';
import { advisorView, kioskView, partyStates, serverView } from '../../faults/PartyStates';

const page = (fields: Partial<PageReading>): PageReading => ({
  streams: [],
  kioskScreen: null,
  advisorCallView: false,
  callState: null,
  rowStatus: null,
  earlierShown: false,
  ...fields,
});

describe('the three parties on one appointment', () => {
  it('agree when the kiosk, the advisor and the server all hold the call', () => {
    const states = partyStates(
      kioskView(page({ kioskScreen: 'call' })),
      advisorView(page({ advisorCallView: true, callState: 'connected' })),
      serverView('in_call', true),
    );
    expect(states.agree).toBe(true);
    expect(states.server.phase).toBe('in_call');
  });

  it('disagree when the kiosk asks for the survey while the server put the citizen back in the queue', () => {
    const states = partyStates(
      kioskView(page({ kioskScreen: 'survey' })),
      advisorView(page({ rowStatus: 'checked_in' })),
      serverView('checked_in', false),
    );
    expect([states.kiosk.phase, states.advisor.phase, states.server.phase]).toEqual([
      'ended',
      'waiting',
      'waiting',
    ]);
    expect(states.agree).toBe(false);
  });

  it('sees an appointment in a call that the running server does not hold as in no phase', () => {
    expect(serverView('in_call', false).phase).toBe('in_call_without_call');
    // With the server down, its database is all there is to go by.
    expect(serverView('in_call', null).phase).toBe('in_call');
  });

  it('reads an appointment folded under "Earlier today" as over, and a page that does not answer as loading', () => {
    expect(advisorView(page({ earlierShown: true })).phase).toBe('ended');
    expect(advisorView(null).phase).toBe('loading');
    expect(kioskView(null).phase).toBe('loading');
    expect(kioskView(page({ kioskScreen: 'offline' })).phase).toBe('offline');
  });
});
