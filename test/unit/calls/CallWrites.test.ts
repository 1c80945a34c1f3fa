import { describe, expect, it } from 'vitest';
import { CallWrites } from '../../../server/src/calls/CallWrites';

/** A write that finishes when told to, recording when it started and ended. */
function gate(log: string[], name: string) {
  let open!: () => void;
  let fail!: (err: Error) => void;
  const done = new Promise<void>((resolve, reject) => {
    open = resolve;
    fail = reject;
  });
  return {
    write: async () => {
      log.push(`${name} start`);
      await done;
      log.push(`${name} end`);
    },
    open,
    fail,
  };
}

const tick = () => new Promise((resolve) => setImmediate(resolve));

describe('CallWrites', () => {
  it("runs one call's writes one after another, in the order they were queued", async () => {
    const writes = new CallWrites();
    const log: string[] = [];
    const started = gate(log, 'started');
    const message = gate(log, 'message');
    const a = writes.run('call-1', started.write, () => undefined);
    const b = writes.run('call-1', message.write, () => undefined);
    await tick();
    // The message waits for the call's row, however slow that is.
    expect(log).toEqual(['started start']);
    started.open();
    await a;
    await tick();
    expect(log).toEqual(['started start', 'started end', 'message start']);
    message.open();
    await b;
    expect(log.at(-1)).toBe('message end');
  });

  it("runs different calls' writes side by side", async () => {
    const writes = new CallWrites();
    const log: string[] = [];
    const one = gate(log, 'one');
    const two = gate(log, 'two');
    void writes.run('call-1', one.write, () => undefined);
    void writes.run('call-2', two.write, () => undefined);
    await tick();
    expect(log).toEqual(['one start', 'two start']);
    one.open();
    two.open();
    await writes.settled();
  });

  it('reports a failed write to its own handler and goes on with the next', async () => {
    const writes = new CallWrites();
    const log: string[] = [];
    const errors: unknown[] = [];
    const failing = gate(log, 'failing');
    const next = gate(log, 'next');
    const first = writes.run('call-1', failing.write, (err) => errors.push(err));
    const second = writes.run('call-1', next.write, () => errors.push('wrong handler'));
    failing.fail(new Error('store down'));
    await expect(first).resolves.toBeUndefined();
    next.open();
    await second;
    expect(errors).toEqual([new Error('store down')]);
    expect(log).toEqual(['failing start', 'next start', 'next end']);
  });

  it('settles only once every queued write has, including those queued meanwhile', async () => {
    const writes = new CallWrites();
    const log: string[] = [];
    const first = gate(log, 'first');
    const later = gate(log, 'later');
    void writes.run('call-1', first.write, () => undefined);
    let settled = false;
    const all = writes.settled().then(() => (settled = true));
    void writes.run('call-2', later.write, () => undefined);
    first.open();
    await tick();
    await tick();
    expect(settled).toBe(false);
    later.open();
    await all;
    expect(log).toEqual(['first start', 'later start', 'first end', 'later end']);
  });
});
