import type { DocumentInfo } from '@visio/shared/protocol';

const SIGNATURES: { type: DocumentInfo['type']; bytes: number[] }[] = [
  { type: 'application/pdf', bytes: [0x25, 0x50, 0x44, 0x46, 0x2d] }, // %PDF-
  { type: 'image/jpeg', bytes: [0xff, 0xd8, 0xff] },
  { type: 'image/png', bytes: [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a] },
];

/**
 * The document's type from its first bytes, never from its name or the declared content type:
 * anything but a PDF, a JPEG or a PNG is refused.
 */
export function sniffType(bytes: Uint8Array): DocumentInfo['type'] | undefined {
  return SIGNATURES.find((s) => s.bytes.every((b, i) => bytes[i] === b))?.type;
}
