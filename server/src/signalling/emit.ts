import type { AnyEventDef, PayloadOf } from '@visio/shared/protocol';

interface Emitter {
  emit(event: string, payload: unknown): unknown;
}

/** Typed emit: the payload must match the event's schema type. */
export function emit<D extends AnyEventDef>(target: Emitter, def: D, payload: PayloadOf<D>): void {
  target.emit(def.name, payload);
}
