// What the rest of the server may use of media: plain data in, plain data out.
export {
  WorkerPool,
  type WorkerLoss,
  type WorkerPoolOptions,
  type WorkerUsage,
} from './WorkerPool';
export {
  type ConsumerOffer,
  MediaRoom,
  type MediaRoomCloseReason,
  type MediaRoomEvents,
  type PreparedTransports,
  type TransportListenOptions,
} from './MediaRoom';
export type { MediaCounts, MediaRoomObserverEvents, TransportTuple } from './MediaRoomObserver';
export type { ConsumerFigures, PeerFigures, ProducerFigures, RoomFigures } from './RoomFigures';
export type { PeerTraffic, RoomTraffic, TransportPath } from './PeerTraffic';
export {
  LinkProbe,
  type PathTally,
  type ProbeStreamParameters,
  type ProbeTransportParameters,
} from './LinkProbe';
export { MediaLoop, type LoopPathParameters, type LoopTransportParameters } from './MediaLoop';
