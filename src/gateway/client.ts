// The gateway's client of Temporal.
import { Client, Connection, type WorkflowClientInterceptor } from '@temporalio/client';
import type { TemporalConnectionSettings } from '../config';
import { temporalTarget, type TemporalTarget } from '../temporal/connection';

/**
 * The gateway's client: lazy, so that the gateway starts (and answers 503) while Temporal is down; and without the
 * SDK's gRPC retries, because every call must end within the webhook's deadline and Zoom redelivers what got a 503.
 * The settings (and the certificate files they name) are read now: a mistake in them stops the gateway at start.
 */
export function createGatewayClient(
  config: TemporalConnectionSettings,
  interceptors: WorkflowClientInterceptor[] = [],
): {
  client: Client;
  connection: Connection;
  target: TemporalTarget;
} {
  const target = temporalTarget(config);
  const connection = Connection.lazy({ ...target.connection, interceptors: [] });
  const client = new Client({
    connection,
    namespace: target.namespace,
    dataConverter: target.dataConverter,
    interceptors: { workflow: interceptors },
  });
  return { client, connection, target };
}
