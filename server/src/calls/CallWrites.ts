/**
 * A call's store writes, in the order they happened: its record and live row, then its messages,
 * documents, incidents and media moves, then its end. Writes of one call run one after another
 * (a message is never inserted before its call's row, an end never overtaken by the start it
 * closes); writes of different calls run side by side. A write that fails is reported to its
 * `onError` and does not hold back the next one.
 */
export class CallWrites {
  private readonly tails = new Map<string, Promise<void>>();
  private readonly pending = new Set<Promise<void>>();

  /** Queues `write` after the call's earlier writes; settles once it is written (or failed). */
  run(
    callId: string,
    write: () => Promise<unknown>,
    onError: (err: unknown) => void,
  ): Promise<void> {
    const previous = this.tails.get(callId) ?? Promise.resolve();
    const done = previous.then(write).then(
      () => undefined,
      (err: unknown) => void onError(err),
    );
    this.tails.set(callId, done);
    this.pending.add(done);
    void done.finally(() => {
      this.pending.delete(done);
      if (this.tails.get(callId) === done) this.tails.delete(callId);
    });
    return done;
  }

  /** Settles once every write queued so far has (a stop waits for it before closing the store). */
  async settled(): Promise<void> {
    while (this.pending.size > 0) await Promise.all([...this.pending]);
  }
}
