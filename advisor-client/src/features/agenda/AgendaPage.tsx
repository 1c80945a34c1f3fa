import { useStore } from '@visio/shared/ui';
import { DevicePanel } from '../devices/DevicePanel';
import type { Agenda } from './Agenda';
import { AgendaProblemAlert } from './AgendaProblemAlert';
import { AgendaTable } from './AgendaTable';
import { ArrivalNotice } from './ArrivalNotice';
import { AvailabilityToggle } from './AvailabilityToggle';
import { NotificationsButton } from './NotificationsButton';
import { OutcomeDialog } from './OutcomeDialog';
import { QueueSection } from './QueueSection';

/** The advisor's desk: today's appointments, the service queue, and who is arriving. */
export function AgendaPage({ agenda }: { readonly agenda: Agenda }) {
  const outcomeFor = useStore(agenda.store, (s) => s.outcomeFor);
  return (
    <div className="home">
      <div className="home__main">
        <div className="toolbar">
          <AvailabilityToggle agenda={agenda} />
          <NotificationsButton />
        </div>
        <ArrivalNotice agenda={agenda} />
        <AgendaProblemAlert agenda={agenda} />
        <AgendaTable agenda={agenda} />
        <QueueSection agenda={agenda} />
      </div>
      <DevicePanel />
      {outcomeFor ? <OutcomeDialog agenda={agenda} appointment={outcomeFor} /> : null}
    </div>
  );
}
