import fs from 'node:fs';

/** The Linux limits on a socket's buffers that an unprivileged SO_RCVBUF / SO_SNDBUF cannot pass. */
const LIMITS = ['net.core.rmem_max', 'net.core.wmem_max'] as const;

export interface CappedLimit {
  readonly sysctl: (typeof LIMITS)[number];
  readonly bytes: number;
}

/**
 * Which of the kernel's limits would cap socket buffers of `wanted` bytes (the kernel cuts the
 * request silently). Empty where the limits cannot be read (not Linux): nothing to say then.
 */
export function cappedSocketBuffers(
  wanted: number,
  read: (file: string) => string = (file) => fs.readFileSync(file, 'utf8'),
): CappedLimit[] {
  const capped: CappedLimit[] = [];
  for (const sysctl of LIMITS) {
    let bytes: number;
    try {
      bytes = Number(read(`/proc/sys/${sysctl.replaceAll('.', '/')}`).trim());
    } catch {
      continue;
    }
    if (Number.isFinite(bytes) && bytes < wanted) capped.push({ sysctl, bytes });
  }
  return capped;
}
