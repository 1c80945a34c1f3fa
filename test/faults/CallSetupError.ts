/**
 * A trial's call could not be set up (booking, check-in, admission or first media failed): the
 * fault was never played, so the trial says nothing about it and may be tried again.
 */
export class CallSetupError extends Error {
  override readonly name = 'CallSetupError';
}
