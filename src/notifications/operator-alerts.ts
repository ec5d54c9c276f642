// Alerts to the operators: a Slack-compatible incoming webhook (`{"text": …}`, which Slack, Mattermost and
// Rocket.Chat accept) gets one message per case that needs a person, saying what, why and the command that acts on it.
import { ApplicationFailure } from '@temporalio/common';
import axios, { type AxiosInstance } from 'axios';
import type { AlertNotice } from '../domain/notices';
import { describeZoomEvent, zoomEventKey } from '../domain/zoom-event';
import { unreachableDetail } from '../http';

export interface AlertTarget {
  /** OPS_ALERT_WEBHOOK_URL. */
  url: string;
  /** TEMPORAL_UI_URL: the workflow's page is linked when it is set. */
  uiUrl: string | null;
}

/** Where the alert's workflow is: the Web UI links it by namespace and workflow id. */
export interface AlertOrigin {
  namespace: string;
  workflowId: string | null;
}

export class OperatorAlerts {
  private readonly http: AxiosInstance = axios.create({ timeout: 10_000, validateStatus: () => true });

  constructor(private readonly target: AlertTarget) {}

  async post(alert: AlertNotice, origin: AlertOrigin): Promise<void> {
    const text = alertText(alert, origin, this.target.uiUrl);
    let status: number;
    try {
      status = (await this.http.post(this.target.url, { text })).status;
    } catch (err) {
      throw ApplicationFailure.create({ type: 'AlertFailed', message: `unreachable: ${unreachableDetail(err)}` });
    }
    if (status < 200 || status >= 300) {
      throw ApplicationFailure.create({ type: 'AlertFailed', message: `the alert hook answered HTTP ${status}` });
    }
  }
}

/** The alert's text (Slack's mrkdwn, which Mattermost and Rocket.Chat read too): what, why, and what to run. */
export function alertText(alert: AlertNotice, origin: AlertOrigin, uiUrl: string | null): string {
  const { zoomEvent, registrantId, why } = alert;
  const where = `${describeZoomEvent(zoomEvent)}, registrant ${registrantId}`;
  // The workflow id holds the key alone, whatever the kind: ops finds a meeting's registrant by it too.
  const arg = zoomEventKey(zoomEvent);
  const lines =
    alert.kind === 'needs_review'
      ? [
          `*Needs review*: ${where}: ${why}.`,
          `Decide who cancelled: \`npm run ops -- resolve ${arg} ${registrantId} admin\` (or \`registrant\`).`,
        ]
      : [
          `*A callback waits for a re-drive*: ${where}: ${why}.`,
          `Fix the app, then: \`npm run ops -- redrive ${arg} ${registrantId}\`.`,
        ];
  if (uiUrl && origin.workflowId) {
    const page = `${uiUrl.replace(/\/+$/, '')}/namespaces/${encodeURIComponent(origin.namespace)}/workflows/${encodeURIComponent(origin.workflowId)}`;
    lines.push(`In the Web UI: ${page}`);
  }
  return lines.join('\n');
}
