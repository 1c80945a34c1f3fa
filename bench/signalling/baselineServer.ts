/**
 * Baseline for the signalling benchmark: a plain socket.io 4.8 server with nothing of Visio-Public
 * in it — no authentication, database, validation, logging or scheduling. Same namespaces and
 * engine settings as SignallingServer. A "kiosk" emits `checkin` with an ack; the server sends
 * `arrived` to the room of the target "advisor" (joined on connection from `auth.id`) and acks.
 *
 *   node --import tsx bench/signalling/baselineServer.ts   (prints `LISTENING <port>`)
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { Server } from 'socket.io';

const httpServer = http.createServer((req, res) => {
  res.writeHead(req.url === '/readyz' ? 200 : 404).end();
});
// As in server/src/signalling/SignallingServer.ts.
const io = new Server(httpServer, {
  maxHttpBufferSize: 1_000_000,
  pingInterval: 10_000,
  pingTimeout: 10_000,
  serveClient: false,
  cors: { origin: false },
});
const kiosks = io.of('/kiosk');
const staff = io.of('/staff');

staff.on('connection', (socket) => {
  const id: unknown = (socket.handshake.auth as Record<string, unknown>).id;
  if (typeof id === 'string') void socket.join(`party:${id}`);
});

kiosks.on('connection', (socket) => {
  const kioskId: unknown = (socket.handshake.auth as Record<string, unknown>).id;
  socket.on('checkin', (payload: unknown, ack: unknown) => {
    if (typeof ack !== 'function') return;
    const p = payload as { appointmentId?: unknown; advisorId?: unknown };
    if (typeof p?.appointmentId !== 'string' || typeof p.advisorId !== 'string') {
      ack({ ok: false });
      return;
    }
    // A notification shaped (and sized) like the real one, an AppointmentView.
    const now = new Date().toISOString();
    staff.to(`party:${p.advisorId}`).emit('arrived', {
      id: p.appointmentId,
      kind: 'appointment',
      status: 'checked_in',
      service: {
        id: '00000000-0000-4000-8000-000000000000',
        name: 'Bench service',
        colour: '#0b5cad',
      },
      advisor: { id: p.advisorId, name: 'Advisor' },
      kiosk: { id: String(kioskId), name: 'Bench kiosk', siteName: 'Bench site' },
      startsAt: now,
      durationMin: 30,
      citizenRef: 'BENCH',
      checkedInAt: now,
      outcome: null,
      openToService: false,
    });
    ack({ ok: true });
  });
});

httpServer.listen(Number(process.env.PORT ?? 0), '127.0.0.1', () => {
  console.log(`LISTENING ${(httpServer.address() as AddressInfo).port}`);
});

for (const signal of ['SIGTERM', 'SIGINT'] as const) {
  process.on(signal, () => {
    void io.close(() => process.exit(0));
    setTimeout(() => process.exit(0), 2_000).unref();
  });
}
