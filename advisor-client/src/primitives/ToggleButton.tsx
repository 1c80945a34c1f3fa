// Shared with the other app: see shared/src/ui.
export { ToggleButton, type ToggleButtonProps } from '@visio/shared/ui';
