import type { SignallingClient } from '@visio/shared/client';
import { staffMonitoringEvents, type LiveCallMedia } from '@visio/shared/protocol';
import { connectClient } from '../support/socketClient';
import type { CallRig } from './CallRig';

/**
 * What a technician's console is told of the live calls during a trial: a `/staff` socket of the
 * technician, open from before the fault, recording every `calls:changed` media record of a call
 * in progress, in order (the console shows the last one it got).
 */
export class ConsoleWatch {
  readonly seen: LiveCallMedia[] = [];

  private constructor(private readonly technician: SignallingClient) {
    technician.on(staffMonitoringEvents.callsChanged, ({ status, call }) => {
      if (status === 'active') this.seen.push(call.media);
    });
  }

  static async open(rig: CallRig): Promise<ConsoleWatch> {
    return new ConsoleWatch(
      await connectClient(rig.server.url, '/staff', rig.fixtures.technician.token),
    );
  }

  /** The states the console went through, without repeats: `rehoming(worker_died)@0`, `flowing@1`… */
  get states(): string[] {
    const words = this.seen.map((m) => `${m.state}${m.cause ? `(${m.cause})` : ''}@${m.epoch}`);
    return words.filter((word, i) => word !== words[i - 1]);
  }

  close(): void {
    this.technician.socket.close();
  }
}
