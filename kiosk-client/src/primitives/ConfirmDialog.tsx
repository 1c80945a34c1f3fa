// Shared with the other app: see shared/src/ui.
export { ConfirmDialog, type ConfirmDialogProps } from '@visio/shared/ui';
