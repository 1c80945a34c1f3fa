import { useEffect, useRef, useState } from 'react';
import type { DocumentInfo } from '@visio/shared/protocol';
import { useT } from '../../i18n/useT';
import { Button } from '../../primitives/Button';
import { useStore } from '@visio/shared/ui';
import type { InCallDesk } from '@visio/shared/client';

const ZOOMS = [0.5, 0.75, 1, 1.25, 1.5, 2, 3];

/** One document of the call, from its blob URL: images zoom and rotate, PDFs in the browser's viewer. */
export function DocumentViewer({
  desk,
  document,
}: {
  readonly desk: InCallDesk;
  readonly document: DocumentInfo;
}) {
  const t = useT();
  const url = useStore(desk.store, (s) => s.documentUrls[document.id] ?? null);
  const [zoom, setZoom] = useState(2);
  const [rotation, setRotation] = useState(0);
  const headingRef = useRef<HTMLHeadingElement>(null);
  const isImage = document.type !== 'application/pdf';

  // Mounted anew for each document (keyed by id): start at 100 %, upright, with the focus here.
  useEffect(() => headingRef.current?.focus(), []);

  return (
    <section
      className="viewer"
      data-testid="document-viewer"
      data-zoom={ZOOMS[zoom]}
      data-rotation={rotation}
      aria-labelledby="viewer-title"
    >
      <h4 id="viewer-title" ref={headingRef} tabIndex={-1}>
        {t('viewer.title', { name: document.name })}
      </h4>
      <div
        className="viewer__tools"
        role="toolbar"
        aria-label={t('viewer.title', { name: document.name })}
      >
        {isImage ? (
          <>
            <Button
              variant="secondary"
              testId="viewer-zoom-out"
              disabled={zoom === 0}
              onClick={() => setZoom((z) => Math.max(0, z - 1))}
            >
              {t('viewer.zoomOut')}
            </Button>
            <span aria-live="polite">
              {t('viewer.zoom', { percent: Math.round(ZOOMS[zoom]! * 100) })}
            </span>
            <Button
              variant="secondary"
              testId="viewer-zoom-in"
              disabled={zoom === ZOOMS.length - 1}
              onClick={() => setZoom((z) => Math.min(ZOOMS.length - 1, z + 1))}
            >
              {t('viewer.zoomIn')}
            </Button>
            <Button
              variant="secondary"
              testId="viewer-rotate"
              onClick={() => setRotation((r) => (r + 90) % 360)}
            >
              {t('viewer.rotate')}
            </Button>
          </>
        ) : null}
        {url ? (
          <a
            className="button button--secondary"
            href={url}
            download={document.name}
            data-testid="viewer-download"
          >
            <span className="button__label">{t('viewer.download')}</span>
          </a>
        ) : null}
        <Button variant="secondary" testId="viewer-close" onClick={() => desk.closeViewer()}>
          {t('viewer.close')}
        </Button>
      </div>
      <div className="viewer__frame">
        {!url ? (
          <p aria-busy="true">{t('viewer.loading')}</p>
        ) : isImage ? (
          <img
            src={url}
            alt={document.name}
            data-testid="viewer-image"
            style={{ transform: `rotate(${rotation}deg) scale(${ZOOMS[zoom]})` }}
          />
        ) : (
          <iframe src={url} title={document.name} data-testid="viewer-pdf" />
        )}
      </div>
    </section>
  );
}
