import { faultSuite } from './faultSuite';

faultSuite('kiosk_reload');
