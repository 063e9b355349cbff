import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, expect, it } from 'vitest';
import { dockerEngineAvailable } from '../src/containers.ts';

describe('dockerEngineAvailable', () => {
  it('is false at once without a socket, and for a port nobody listens on', async () => {
    const t0 = Date.now();
    expect(await dockerEngineAvailable({ DOCKER_HOST: 'unix:///nonexistent/docker.sock' })).toBe(false);
    expect(await dockerEngineAvailable({ DOCKER_HOST: 'tcp://127.0.0.1:1' })).toBe(false);
    expect(await dockerEngineAvailable({ DOCKER_HOST: 'ssh://user@host' })).toBe(false);
    expect(Date.now() - t0).toBeLessThan(1_000);
  });

  it('is true when GET /_ping answers 200, false after the timeout when it hangs', async () => {
    const server = createServer((req, res) => {
      if (req.url === '/_ping') res.end('OK');
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const { port } = server.address() as AddressInfo;
    try {
      expect(await dockerEngineAvailable({ DOCKER_HOST: `tcp://127.0.0.1:${port}` })).toBe(true);
      const hung = createServer(() => {});
      await new Promise<void>((r) => hung.listen(0, '127.0.0.1', r));
      const t0 = Date.now();
      expect(await dockerEngineAvailable({ DOCKER_HOST: `tcp://127.0.0.1:${(hung.address() as AddressInfo).port}` }, 200)).toBe(false);
      expect(Date.now() - t0).toBeLessThan(1_000);
      hung.closeAllConnections();
      hung.close();
    } finally {
      server.close();
    }
  });
});
