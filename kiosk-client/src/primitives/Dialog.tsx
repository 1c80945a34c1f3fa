// Shared with the other app: see shared/src/ui.
export { Dialog, type DialogProps } from '@visio/shared/ui';
