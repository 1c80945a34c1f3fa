// Shared with the other app: see shared/src/ui.
export { LiveAnnouncer, type LiveAnnouncerProps } from '@visio/shared/ui';
