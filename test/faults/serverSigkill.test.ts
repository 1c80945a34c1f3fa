import { faultSuite } from './faultSuite';

faultSuite('server_sigkill');
