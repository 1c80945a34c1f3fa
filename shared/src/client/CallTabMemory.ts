import type { ResponseParser } from './RestClient';

const PREFIX = 'visio.call.';

/**
 * What one call keeps in this browser tab (`sessionStorage`) so that a reload of the tab, which
 * lands back in the same call, finds it again: the advisor's private notes, the text chat seen so
 * far. Never sent anywhere; forgotten when the call ends, and by the kiosk's privacy wipe (which
 * clears the whole storage). What is read back is validated like any other input: a tab's storage
 * can hold anything.
 */
export class CallTabMemory<T> {
  private readonly key: string;

  constructor(
    what: string,
    callId: string,
    private readonly parser: ResponseParser<T>,
  ) {
    this.key = `${PREFIX}${what}.${callId}`;
    // Left by a call that ended while this tab was away (closed, reloading): nobody reads it now.
    for (const key of storedKeys()) {
      if (key.startsWith(`${PREFIX}${what}.`) && key !== this.key) remove(key);
    }
  }

  read(): T | null {
    let raw: string | null;
    try {
      raw = window.sessionStorage.getItem(this.key);
    } catch {
      return null; // storage disabled: nothing kept, nothing to read
    }
    if (raw === null) return null;
    let value: unknown;
    try {
      value = JSON.parse(raw);
    } catch {
      return null;
    }
    const parsed = this.parser.safeParse(value);
    return parsed.success ? parsed.data : null;
  }

  write(value: T): void {
    try {
      window.sessionStorage.setItem(this.key, JSON.stringify(value));
    } catch {
      // Storage disabled or full: a reload then loses it, the call itself goes on.
    }
  }

  forget(): void {
    remove(this.key);
  }
}

function storedKeys(): string[] {
  try {
    const storage = window.sessionStorage;
    return Array.from({ length: storage.length }, (_, i) => storage.key(i) ?? '');
  } catch {
    return [];
  }
}

function remove(key: string): void {
  try {
    window.sessionStorage.removeItem(key);
  } catch {
    // Storage disabled: there is nothing in it either.
  }
}
