export { WorkerPool, type WorkerPoolOptions } from './WorkerPool';
export { MediaRoom, type MediaCounts, type TransportListenOptions } from './MediaRoom';
