// Which of the ports a local world needs are taken already (by an earlier `npm run dev` that is still running, say).
import { createServer } from 'node:net';

function isFree(port: number, host: string): Promise<boolean> {
  return new Promise((resolve) => {
    const probe = createServer();
    probe.once('error', () => resolve(false));
    probe.listen(port, host, () => probe.close(() => resolve(true)));
  });
}

export async function portsInUse(
  ports: Record<string, number>,
  host: string,
): Promise<Array<{ name: string; port: number }>> {
  const checked = await Promise.all(
    Object.entries(ports).map(async ([name, port]) => ({ name, port, free: await isFree(port, host) })),
  );
  return checked.filter((p) => !p.free).map(({ name, port }) => ({ name, port }));
}
