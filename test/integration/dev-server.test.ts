// The dev server the tests, `npm run dev` and chaos start: a gRPC port already taken fails the start at once, with
// the CLI's own words naming the port, and is not tried again (another server is there).
import { createServer, type AddressInfo } from 'node:net';
import { startTemporalDevServer } from '../../tools/dev/temporal-server';

test('a taken gRPC port fails the start once, naming the port', async () => {
  const squatter = createServer((socket) => socket.destroy());
  await new Promise<void>((resolve) => squatter.listen(0, '127.0.0.1', resolve));
  const { port } = squatter.address() as AddressInfo;
  const log: string[] = [];
  try {
    await expect(startTemporalDevServer({ port, log: (line) => log.push(line) })).rejects.toThrow(
      `127.0.0.1:${port}: bind: address already in use`,
    );
    expect(log.filter((line) => line.includes('starting it again'))).toEqual([]);
  } finally {
    await new Promise((resolve) => squatter.close(resolve));
  }
});
