import { useT } from '../../i18n/useT';

/**
 * The original document's SHA-256, in groups of eight so that a citizen can compare it with the
 * one the advisor reads out (and the one stamped under the signature).
 */
export function Fingerprint({
  sha256,
  testId,
}: {
  readonly sha256: string;
  readonly testId: string;
}) {
  const t = useT();
  const groups = sha256.match(/.{1,8}/g) ?? [];
  return (
    <p className="fingerprint">
      <span className="fingerprint__label">{t('signature.fingerprint')}</span>{' '}
      <code className="fingerprint__value" data-testid={testId} data-sha256={sha256}>
        {groups.join(' ')}
      </code>
    </p>
  );
}
