import type { LinkGrade } from '@visio/shared/protocol';
import { useT } from '../../i18n/useT';

/** A link grade in words (never a colour alone), for the agenda, the queue and the console. */
export function LinkGradeBadge({
  grade,
  testId,
}: {
  readonly grade: LinkGrade;
  readonly testId?: string;
}) {
  const t = useT();
  return (
    <span
      className={`link-grade link-grade--${grade}`}
      data-testid={testId}
      data-grade={grade}
      title={t(`linkTest.grade.${grade}`)}
    >
      {t(`linkTest.grade.${grade}`)}
    </span>
  );
}
