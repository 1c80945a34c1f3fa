// Shared with the other app: see shared/src/ui.
export { Icon, type IconName } from '@visio/shared/ui';
