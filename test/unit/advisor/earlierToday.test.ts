import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { AppointmentStatus, AppointmentView, Outcome } from '@visio/shared/protocol';
import { splitEarlier } from '../../../advisor-client/src/features/agenda/earlierToday';

function appointment(
  status: AppointmentStatus,
  hour: number,
  outcome: Outcome | null = null,
): AppointmentView {
  return {
    id: randomUUID(),
    kind: 'appointment',
    status,
    service: { id: randomUUID(), name: 'CAF', colour: '#0b3d91' },
    advisor: { id: randomUUID(), name: 'Anne' },
    kiosk: { id: randomUUID(), name: 'Borne 1', siteName: 'Mairie' },
    startsAt: `2026-11-27T${String(hour).padStart(2, '0')}:00:00+01:00`,
    durationMin: 30,
    citizenRef: `ref-${hour}`,
    signOrLipReading: false,
    checkedInAt: null,
    outcome,
    openToService: false,
    linkGrade: null,
  };
}

describe("the advisor agenda's earlier appointments", () => {
  it('folds what is over, keeps what is to come or under way, both in time order', () => {
    const day = [
      appointment('completed', 8, 'resolved'),
      appointment('no_show', 9),
      appointment('in_call', 10),
      appointment('cancelled', 11),
      appointment('checked_in', 12),
      appointment('failed', 13, 'not_resolved'),
      appointment('scheduled', 14),
    ];
    const { earlier, current } = splitEarlier(day);
    expect(earlier.map((a) => a.citizenRef)).toEqual(['ref-8', 'ref-9', 'ref-11', 'ref-13']);
    expect(current.map((a) => a.citizenRef)).toEqual(['ref-10', 'ref-12', 'ref-14']);
  });

  it('counts the finished calls whose outcome is still to record', () => {
    const day = [
      appointment('completed', 8),
      appointment('completed', 9, 'resolved'),
      appointment('failed', 10),
      appointment('no_show', 11),
      appointment('cancelled', 12),
    ];
    expect(splitEarlier(day).outcomesToRecord).toBe(2);
  });

  it('moves an appointment to the earlier ones when its status changes live', () => {
    const live = appointment('in_call', 10);
    expect(splitEarlier([live]).current).toEqual([live]);
    const ended = { ...live, status: 'completed' as const };
    expect(splitEarlier([ended])).toEqual({ earlier: [ended], current: [], outcomesToRecord: 1 });
  });
});
