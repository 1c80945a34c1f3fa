import { useEffect, useRef, useState } from 'react';
import { useT } from '../../i18n/useT';

/**
 * CSS pixels per PDF point: a form's 12 pt body text is drawn 24 px high, the kiosk's smallest
 * text. Wider than a portrait screen for an A4 page: the pages scroll both ways.
 */
const SCALE = 2;

interface RenderedPage {
  readonly canvas: HTMLCanvasElement;
  readonly text: string;
}

/**
 * A PDF's pages drawn here by pdf.js (from npm, its worker served by our own origin): the same in
 * every kiosk whatever its browser's PDF viewer, at a size a citizen reads. Each page is an image
 * named "page n of N", with its text beside it for screen readers and read-aloud.
 */
export function PdfPages({ bytes, name }: { readonly bytes: ArrayBuffer; readonly name: string }) {
  const t = useT();
  const [pages, setPages] = useState<readonly RenderedPage[] | null>(null);
  const [failed, setFailed] = useState(false);

  useEffect(() => {
    let cancelled = false;
    let destroy: (() => Promise<void>) | null = null;
    void (async () => {
      try {
        const pdfjs = await import('./pdfjs');
        const task = pdfjs.open(bytes);
        destroy = () => task.destroy();
        const doc = await task.promise;
        const rendered: RenderedPage[] = [];
        for (let n = 1; n <= doc.numPages && !cancelled; n++) {
          const page = await doc.getPage(n);
          const ratio = window.devicePixelRatio || 1;
          const viewport = page.getViewport({ scale: SCALE * ratio });
          const canvas = document.createElement('canvas');
          canvas.width = Math.ceil(viewport.width);
          canvas.height = Math.ceil(viewport.height);
          canvas.style.width = `${Math.ceil(viewport.width / ratio)}px`;
          await page.render({ canvas, viewport }).promise;
          const content = await page.getTextContent();
          const text = content.items.map((item) => ('str' in item ? item.str : '')).join(' ');
          rendered.push({ canvas, text });
        }
        if (!cancelled) setPages(rendered);
      } catch {
        if (!cancelled) setFailed(true);
      }
    })();
    return () => {
      cancelled = true;
      void destroy?.();
    };
  }, [bytes]);

  if (failed)
    return (
      <p className="notice notice--warning" role="alert" data-testid="signature-pages-failed">
        {t('signature.pagesFailed')}
      </p>
    );
  if (!pages) return <p aria-busy="true">{t('documents.loading')}</p>;
  return (
    <div className="pdf-pages" data-testid="signature-pages" data-pages={pages.length}>
      {pages.map((page, i) => (
        <figure key={i} className="pdf-pages__page">
          <PageCanvas
            canvas={page.canvas}
            label={t('signature.page', { page: i + 1, pages: pages.length, name })}
          />
          <figcaption className="visually-hidden">{page.text}</figcaption>
        </figure>
      ))}
    </div>
  );
}

/** A rendered page's canvas, placed in the page (drawn once, outside React). */
function PageCanvas({
  canvas,
  label,
}: {
  readonly canvas: HTMLCanvasElement;
  readonly label: string;
}) {
  const holder = useRef<HTMLDivElement>(null);
  useEffect(() => {
    canvas.setAttribute('role', 'img');
    canvas.setAttribute('aria-label', label);
    holder.current?.replaceChildren(canvas);
  }, [canvas, label]);
  return <div ref={holder} className="pdf-pages__canvas" />;
}
