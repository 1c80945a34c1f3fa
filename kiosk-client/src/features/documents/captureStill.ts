// ImageCapture is not in TypeScript's DOM library yet.
interface PhotoCapabilities {
  readonly imageWidth?: { readonly max?: number };
  readonly imageHeight?: { readonly max?: number };
}
interface ImageCaptureLike {
  getPhotoCapabilities(): Promise<PhotoCapabilities>;
  takePhoto(settings?: { imageWidth?: number; imageHeight?: number }): Promise<Blob>;
}
type ImageCaptureConstructor = new (track: MediaStreamTrack) => ImageCaptureLike;

const PHOTO_TIMEOUT_MS = 5_000;

function withTimeout<T>(promise: Promise<T>): Promise<T> {
  return Promise.race([
    promise,
    new Promise<T>((_, reject) => setTimeout(() => reject(new Error('timeout')), PHOTO_TIMEOUT_MS)),
  ]);
}

/** The camera's own still photo at its highest resolution, where the browser offers it. */
async function takePhoto(track: MediaStreamTrack): Promise<ImageBitmap | null> {
  const ImageCapture = (window as unknown as { ImageCapture?: ImageCaptureConstructor })
    .ImageCapture;
  if (!ImageCapture) return null;
  try {
    const capture = new ImageCapture(track);
    const caps = await withTimeout(capture.getPhotoCapabilities()).catch(() => null);
    const width = caps?.imageWidth?.max;
    const height = caps?.imageHeight?.max;
    const blob = await withTimeout(
      capture.takePhoto(width && height ? { imageWidth: width, imageHeight: height } : undefined),
    );
    return await createImageBitmap(blob);
  } catch {
    return null;
  }
}

/** A frame of the live picture, at the track's own resolution. */
async function grabFrame(stream: MediaStream): Promise<ImageBitmap> {
  const video = document.createElement('video');
  video.muted = true;
  video.playsInline = true;
  video.srcObject = stream;
  try {
    await video.play();
    if (video.videoWidth === 0)
      await new Promise((resolve) => video.addEventListener('resize', resolve, { once: true }));
    return await createImageBitmap(video);
  } finally {
    video.srcObject = null;
  }
}

/**
 * A still of the document held up to the camera, as JPEG: the camera's photo mode where it has
 * one (usually far sharper than the call's 640x480), else a frame of the call's own picture.
 */
export async function captureStill(stream: MediaStream): Promise<Blob> {
  const track = stream.getVideoTracks()[0];
  if (!track || track.readyState !== 'live') throw new Error('no live camera');
  const bitmap = (await takePhoto(track)) ?? (await grabFrame(new MediaStream([track])));
  const canvas = document.createElement('canvas');
  canvas.width = bitmap.width;
  canvas.height = bitmap.height;
  canvas.getContext('2d')?.drawImage(bitmap, 0, 0);
  bitmap.close();
  const blob = await new Promise<Blob | null>((resolve) =>
    canvas.toBlob(resolve, 'image/jpeg', 0.92),
  );
  canvas.width = 0;
  canvas.height = 0;
  if (!blob) throw new Error('JPEG encoding failed');
  return blob;
}
