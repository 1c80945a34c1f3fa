import { connect } from '../support/socketClient';
import { expect, test } from '../support/integrationTest';

// Logging out ends the session everywhere: the sockets opened with it are closed at once, and
// a colleague's socket is left alone.

test('closes the staff sockets of a session that logs out, and only those', async ({
  t,
  socket,
}) => {
  const mine = await socket('/staff', t.advisor.token);
  const colleague = await socket('/staff', t.advisor2.token);
  const closed = new Promise<string>((resolve) => mine.once('disconnect', resolve));
  const res = await fetch(`${t.url}/api/auth/logout`, {
    method: 'POST',
    headers: { cookie: `visio_session=${t.advisor.token}` },
  });
  expect(res.status).toBe(204);
  expect(await closed).toBe('io server disconnect');
  expect(colleague.connected).toBe(true);
  // The ended session cannot open a socket again.
  await expect(connect(t.url, '/staff', t.advisor.token)).rejects.toMatchObject({
    data: { code: 'UNAUTHORIZED' },
  });
});
