// Shared with the other app: see shared/src/ui.
export { VideoView, type VideoViewProps } from '@visio/shared/ui';
