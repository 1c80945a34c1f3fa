import { faultSuite } from './faultSuite';

faultSuite('server_sigterm_drain');
