import { errorMessageKey } from '../../i18n/errorMessage';
import { useT } from '../../i18n/useT';
import { Button } from '../../primitives/Button';
import { useStaffSession, useStaffState } from '../../session/StaffSessionContext';

/** The last failed request, as a translated sentence; never the server's raw message. */
export function ErrorAlert() {
  const t = useT();
  const session = useStaffSession();
  const error = useStaffState((s) => s.error);
  if (!error) return null;
  return (
    <div className="alert" role="alert" data-testid="error" data-code={error.code}>
      <p>{t(errorMessageKey(error.context, error.code))}</p>
      <Button variant="secondary" onClick={() => session.dismissError()}>
        {t('errors.dismiss')}
      </Button>
    </div>
  );
}
