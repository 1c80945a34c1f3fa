import { faultSuite } from './faultSuite';

faultSuite('worker_kill');
