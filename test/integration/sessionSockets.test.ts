import { afterAll, beforeAll, expect, it } from 'vitest';
import { connect } from '../support/socketClient';
import { startTestServer, type TestServer } from '../support/testServer';

// Logging out ends the session everywhere: the sockets opened with it are closed at once, and
// a colleague's socket is left alone.

let t: TestServer;
beforeAll(async () => {
  t = await startTestServer();
});
afterAll(async () => {
  await t.stop();
});

it('closes the staff sockets of a session that logs out, and only those', async () => {
  const mine = await connect(t.url, '/staff', t.advisor.token);
  const colleague = await connect(t.url, '/staff', t.advisor2.token);
  try {
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
  } finally {
    mine.close();
    colleague.close();
  }
});
