import { createHmac, randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { ConfigError } from '../config/config';

const FILE_NAME = 'server-secret';
const SECRET_BYTES = 32;
const HEX_SECRET = /^[0-9a-f]{64}$/;

/**
 * The server's own 32-byte key, for HMACs of short codes (enrolment codes, check-in codes): a
 * stolen database alone cannot brute-force them offline. In production it comes from the
 * environment (SERVER_SECRET), apart from the data; elsewhere it may be kept beside the database,
 * readable by the server's user only, created on first start. Never rotated silently (rotation
 * would void every outstanding code).
 */
export class ServerSecret {
  private readonly derivedKeys = new Map<string, Buffer>();

  private constructor(private readonly key: Buffer) {}

  /**
   * The configured secret (64 hex digits) if there is one; else reads `${dataDir}/server-secret`,
   * creating it (mode 0600) if it does not exist yet.
   */
  static async loadOrCreate(dataDir: string, configured?: string): Promise<ServerSecret> {
    const file = path.join(dataDir, FILE_NAME);
    if (configured !== undefined) return ServerSecret.configured(file, configured);
    await fs.promises.mkdir(dataDir, { recursive: true });
    try {
      return await ServerSecret.read(file);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    }
    await ServerSecret.createAtomically(file);
    return ServerSecret.read(file);
  }

  /** A secret held in memory only (unit tests). */
  static fromKey(key: Buffer): ServerSecret {
    if (key.length !== SECRET_BYTES) throw new Error(`A server secret is ${SECRET_BYTES} bytes`);
    return new ServerSecret(Buffer.from(key));
  }

  /**
   * HMAC-SHA256 of `value`, base64url. `purpose` separates uses, so that a check-in code and an
   * enrolment code with the same characters never share a hash.
   */
  hmac(purpose: string, value: string): string {
    return createHmac('sha256', this.derivedKey(purpose)).update(value).digest('base64url');
  }

  /**
   * A 32-byte key derived for one purpose (e.g. `check-in-codes`), for modules that compute their
   * own HMACs: each purpose gets its own key, and none of them reveals the server secret.
   */
  keyFor(purpose: string): Buffer {
    return Buffer.from(this.derivedKey(purpose)); // a copy: callers cannot alter the cached key
  }

  private derivedKey(purpose: string): Buffer {
    let key = this.derivedKeys.get(purpose);
    if (!key) {
      key = createHmac('sha256', this.key).update(purpose).digest();
      this.derivedKeys.set(purpose, key);
    }
    return key;
  }

  /**
   * A data directory that kept a different secret has codes out that this one would void: say so
   * rather than rotate silently (moving the file's secret to SERVER_SECRET is the usual fix).
   */
  private static async configured(file: string, hex: string): Promise<ServerSecret> {
    if (!HEX_SECRET.test(hex)) throw new ConfigError('SERVER_SECRET must be 64 hex digits');
    const kept = await fs.promises.readFile(file, 'utf8').catch((error: unknown) => {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw error;
    });
    if (kept !== undefined && kept.trim() !== hex) {
      throw new ConfigError(
        `SERVER_SECRET differs from the secret kept in ${file}: set SERVER_SECRET to that file's content, or delete the file to rotate (outstanding enrolment and check-in codes will stop working)`,
      );
    }
    return new ServerSecret(Buffer.from(hex, 'hex'));
  }

  private static async read(file: string): Promise<ServerSecret> {
    const stat = await fs.promises.stat(file);
    // Someone loosened the permissions (a copy, a restore): tighten them rather than run exposed.
    if ((stat.mode & 0o077) !== 0) await fs.promises.chmod(file, 0o600);
    const text = (await fs.promises.readFile(file, 'utf8')).trim();
    if (!HEX_SECRET.test(text)) {
      throw new Error(
        `${file} is not a server secret (64 hex characters expected); restore it from a backup, or delete it to create a new one (outstanding enrolment and check-in codes will stop working)`,
      );
    }
    return new ServerSecret(Buffer.from(text, 'hex'));
  }

  /**
   * Writes a temporary file and hard-links it into place: the link fails if another process won
   * the race, so two servers starting on the same data directory end up with the same secret,
   * and nobody ever reads a half-written file.
   */
  private static async createAtomically(file: string): Promise<void> {
    const temporary = `${file}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
    await fs.promises.writeFile(temporary, `${randomBytes(SECRET_BYTES).toString('hex')}\n`, {
      mode: 0o600,
      flag: 'wx',
    });
    try {
      await fs.promises.link(temporary, file);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    } finally {
      await fs.promises.unlink(temporary);
    }
  }
}
