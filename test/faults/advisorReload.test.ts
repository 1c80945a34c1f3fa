import { faultSuite } from './faultSuite';

faultSuite('advisor_reload');
