// Public API of the browser call engine. UI code imports from here, never from mediasoup-client.
export * from './CallSession';
export * from './CallSignature';
export * from './CallStats';
export * from './CallTabMemory';
export * from './DegradationController';
export * from './DegradationPolicy';
export * from './IceRestarter';
export * from './InCallDesk';
export * from './LocalMedia';
export * from './PartyCall';
export * from './RemoteMedia';
export * from './RestClient';
export * from './SignallingClient';
export * from './SignallingSocket';
export * from './Store';
export * from './TypedEmitter';
export * from './LinkTester';
