// Shared with the other app: see shared/src/ui.
export { Button, type ButtonProps } from '@visio/shared/ui';
