import { createServer } from 'node:net';

/** libvirt's default range of ports for incoming migrations (migration_port_min/max). */
export const MIGRATION_PORT_MIN = 49152;
export const MIGRATION_PORT_MAX = 49215;

function canListen(port: number, host: string): Promise<boolean> {
  return new Promise((resolve) => {
    const srv = createServer();
    srv.once('error', () => resolve(false));
    srv.listen({ port, host, exclusive: true }, () => srv.close(() => resolve(true)));
  });
}

/** A port of the range nobody listens on now, tried from a random start so two roots rarely pick the same. */
export async function freeMigrationPort(host: string): Promise<number | undefined> {
  const span = MIGRATION_PORT_MAX - MIGRATION_PORT_MIN + 1;
  const start = Math.floor(Math.random() * span);
  for (let i = 0; i < span; i++) {
    const port = MIGRATION_PORT_MIN + ((start + i) % span);
    if (await canListen(port, host)) return port;
  }
  return undefined;
}
