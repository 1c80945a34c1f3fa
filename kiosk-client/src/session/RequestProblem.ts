// Shared with the staff app: see shared/src/client.
export { requestProblem, type RequestProblem } from '@visio/shared/client';
