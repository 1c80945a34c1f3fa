import { faultSuite } from './faultSuite';

faultSuite('kiosk_network_cut_10s');
