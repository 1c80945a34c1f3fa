// Accessible UI primitives both apps share (React). App-specific primitives stay in each app.
export * from './Store';
export * from './Button';
export * from './ToggleButton';
export * from './Icon';
export * from './useNow';
export * from './useCallSnapshot';
export * from './useCallMedia';
export * from './usePartyCall';
export * from './PeerAwayBanner';
export * from './VideoView';
export * from './MicCameraToggles';
export * from './LiveAnnouncer';
export * from './Dialog';
export * from './ConfirmDialog';
export * from './SelfView';
