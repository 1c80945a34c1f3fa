/** Why the camera or microphone could not be opened; apps translate these into sentences. */
export type LocalMediaErrorReason =
  | 'INSECURE_CONTEXT' // plain http on a non-localhost origin: no navigator.mediaDevices
  | 'PERMISSION_DENIED'
  | 'NOT_FOUND' // no camera or microphone plugged in
  | 'IN_USE' // another application holds the device
  | 'UNKNOWN';

export class LocalMediaError extends Error {
  override readonly name = 'LocalMediaError';
  constructor(
    readonly reason: LocalMediaErrorReason,
    message: string,
  ) {
    super(message);
  }
}

/** What both apps ask for: 640x480 is enough for a face and above EN 301 549's QVGA minimum. */
export const DEFAULT_MEDIA_CONSTRAINTS: MediaStreamConstraints = {
  audio: { echoCancellation: true, noiseSuppression: true, autoGainControl: true },
  video: { width: { ideal: 640 }, height: { ideal: 480 }, frameRate: { ideal: 25, max: 30 } },
};

/**
 * Opens the camera and microphone. The returned stream belongs to the caller, who stops its
 * tracks when done; a CallSession only sends copies of them.
 */
export async function acquireLocalMedia(
  constraints: MediaStreamConstraints = DEFAULT_MEDIA_CONSTRAINTS,
): Promise<MediaStream> {
  if (typeof navigator === 'undefined' || !navigator.mediaDevices?.getUserMedia) {
    throw new LocalMediaError(
      'INSECURE_CONTEXT',
      'navigator.mediaDevices is missing: serve the page over HTTPS or from localhost',
    );
  }
  try {
    return await navigator.mediaDevices.getUserMedia(constraints);
  } catch (error) {
    throw toLocalMediaError(error);
  }
}

/** Stops every track of a stream the app owns (e.g. when a page is left). */
export function stopLocalMedia(stream: MediaStream | null | undefined): void {
  for (const track of stream?.getTracks() ?? []) track.stop();
}

function toLocalMediaError(error: unknown): LocalMediaError {
  const name = error instanceof Error ? error.name : '';
  const message = error instanceof Error ? error.message : String(error);
  switch (name) {
    case 'NotAllowedError':
    case 'SecurityError':
      return new LocalMediaError('PERMISSION_DENIED', message);
    case 'NotFoundError':
    case 'OverconstrainedError':
      return new LocalMediaError('NOT_FOUND', message);
    case 'NotReadableError':
    case 'AbortError':
      return new LocalMediaError('IN_USE', message);
    default:
      return new LocalMediaError('UNKNOWN', message);
  }
}
