// The gateway's client of Temporal.
import { Client, Connection } from '@temporalio/client';

/**
 * The gateway's client: lazy, so that the gateway starts (and answers 503) while Temporal is down; and without the
 * SDK's gRPC retries, because every call must end within the webhook's deadline and Zoom redelivers what got a 503.
 */
export function createGatewayClient(
  address: string,
  namespace = 'default',
): { client: Client; connection: Connection } {
  const connection = Connection.lazy({ address, interceptors: [] });
  return { client: new Client({ connection, namespace }), connection };
}
