// Shared with the other app: see shared/src/ui.
export { useNow, formatClock } from '@visio/shared/ui';
