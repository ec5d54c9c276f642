// Delivers one callback to the app, signed per Standard Webhooks. The body and webhook-id come from the workflow,
// so every retry sends the same message and the app can de-duplicate on the id.
import { ApplicationFailure } from '@temporalio/common';
import { log } from '@temporalio/activity';
import axios, { type AxiosInstance } from 'axios';
import { Webhook } from 'standardwebhooks';
import type { Outbound } from '../domain/callbacks';
import { zoomEventOfIdField } from '../domain/zoom-event';
import { unreachableDetail } from '../http';

export interface AppCallbackTarget {
  url: string;
  secret: string;
}

export class AppNotifier {
  private readonly http: AxiosInstance = axios.create({ timeout: 10_000, validateStatus: () => true });
  private readonly signer: Webhook | null;

  constructor(private readonly target: AppCallbackTarget | null) {
    this.signer = target ? new Webhook(target.secret) : null;
  }

  async notify({ webhookId, callback, correlationId }: Outbound): Promise<void> {
    const ids = {
      correlationId,
      webhookId,
      type: callback.type,
      zoomEvent: zoomEventOfIdField(callback.data),
      registrantId: callback.data.registrant.id,
    };
    if (!this.target || !this.signer) {
      log.info('outcome (APP_CALLBACK_URL is not set, so it is only logged)', ids);
      return;
    }
    const body = JSON.stringify(callback);
    const sentAt = new Date();
    let status: number;
    try {
      const response = await this.http.post(this.target.url, body, {
        headers: {
          ...signedCallbackHeaders(this.signer, webhookId, sentAt, body),
          ...(correlationId === undefined ? {} : { 'x-correlation-id': correlationId }),
        },
      });
      status = response.status;
    } catch (err) {
      const detail = unreachableDetail(err);
      throw ApplicationFailure.create({
        type: 'AppCallbackFailed',
        message: `the app could not be reached: ${detail}`,
      });
    }
    if (status < 200 || status >= 300) {
      throw ApplicationFailure.create({ type: 'AppCallbackFailed', message: `the app answered HTTP ${status}` });
    }
    log.info('app notified', ids);
  }
}

/** A callback's Standard Webhooks headers: its id, when it was sent, and the signature over both and the body. */
export function signedCallbackHeaders(signer: Webhook, webhookId: string, sentAt: Date, body: string) {
  return {
    'content-type': 'application/json',
    'webhook-id': webhookId,
    'webhook-timestamp': String(Math.floor(sentAt.getTime() / 1000)),
    'webhook-signature': signer.sign(webhookId, sentAt, body),
  };
}
