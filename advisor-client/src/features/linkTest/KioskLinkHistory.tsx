import { useEffect, useState } from 'react';
import type { LinkPath, LinkTestResult } from '@visio/shared/protocol';
import type { Translate } from '../../i18n/translate';
import { useFormat } from '../../i18n/useFormat';
import { useT } from '../../i18n/useT';
import { Button } from '../../primitives/Button';
import { DataTable } from '../../primitives/DataTable';
import { Dialog } from '../../primitives/Dialog';
import { LinkGradeBadge } from './LinkGradeBadge';

type Loaded =
  | { readonly state: 'loading' }
  | { readonly state: 'failed' }
  | { readonly state: 'loaded'; readonly results: readonly LinkTestResult[] };

const PATHS: readonly LinkPath[] = ['udp', 'tcp', 'turn'];

/** "UDP unreachable, TCP reachable, TURN relay not offered": the paths in words. */
export function pathsText(t: Translate, result: LinkTestResult): string {
  return PATHS.map((p) => {
    const path = t(`linkTest.path.${p}`);
    const reachable = result.reachable[p];
    if (reachable === null) return t('linkTest.notOffered', { path });
    return t(reachable ? 'linkTest.reachable' : 'linkTest.unreachable', { path });
  }).join(', ');
}

/**
 * One kiosk's last link tests, newest first: when, which paths were reachable, round trip, loss,
 * upload and grade — so that "UDP blocked since Tuesday" reads as a column that changed.
 */
export function KioskLinkHistory({
  kioskName,
  load,
  onClose,
}: {
  readonly kioskName: string;
  readonly load: () => Promise<readonly LinkTestResult[]>;
  readonly onClose: () => void;
}) {
  const t = useT();
  const format = useFormat();
  const [loaded, setLoaded] = useState<Loaded>({ state: 'loading' });
  useEffect(() => {
    let live = true;
    load().then(
      (results) => live && setLoaded({ state: 'loaded', results }),
      () => live && setLoaded({ state: 'failed' }),
    );
    return () => {
      live = false;
    };
  }, [load]);
  const none = '—';
  return (
    <Dialog
      title={t('linkTest.title', { name: kioskName })}
      onClose={onClose}
      testId="link-history"
      className="dialog--wide"
    >
      {loaded.state === 'loading' ? <p role="status">{t('linkTest.loading')}</p> : null}
      {loaded.state === 'failed' ? <p role="alert">{t('linkTest.error')}</p> : null}
      {loaded.state === 'loaded' ? (
        <DataTable
          empty={loaded.results.length === 0 ? t('linkTest.empty') : null}
          columns={[
            t('linkTest.col.date'),
            t('linkTest.col.paths'),
            t('linkTest.col.rtt'),
            t('linkTest.col.loss'),
            t('linkTest.col.throughput'),
            t('linkTest.col.grade'),
          ]}
        >
          {loaded.results.map((r) => (
            <tr
              key={r.id}
              data-testid="link-history-row"
              data-udp={String(r.reachable.udp)}
              data-tcp={String(r.reachable.tcp)}
              data-grade={r.grade}
            >
              <th scope="row">{format.dateTime(r.at)}</th>
              <td>{pathsText(t, r)}</td>
              <td>{r.rttMs === null ? none : `${r.rttMs} ms`}</td>
              <td>{r.lossPct === null ? none : `${r.lossPct} %`}</td>
              <td>{r.throughputKbps === null ? none : `${r.throughputKbps} kbit/s`}</td>
              <td>
                <LinkGradeBadge grade={r.grade} />
              </td>
            </tr>
          ))}
        </DataTable>
      ) : null}
      <Button variant="secondary" testId="link-history-close" onClick={onClose}>
        {t('linkTest.close')}
      </Button>
    </Dialog>
  );
}
