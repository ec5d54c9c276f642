// The dev world's stand-in for the operators' channel: it takes what the worker's own alert client posts (as a
// Slack-compatible hook would, or the worker records the alert as failed) and hands the text on to be printed.
import { zoomWebinar } from '../../../src/domain/zoom-event';
import { OperatorAlerts } from '../../../src/notifications/operator-alerts';
import { AlertHook, printedAlert } from '../../../tools/dev/alert-hook';

describe('the stand-in alert hook', () => {
  const hook = new AlertHook();
  const handed: string[] = [];
  let url: string;
  beforeAll(async () => {
    hook.onAlert = (text) => handed.push(text);
    url = await hook.start();
  });
  afterAll(() => hook.stop());

  test("accepts the worker's alert and hands its text on", async () => {
    const alerts = new OperatorAlerts({ url, uiUrl: 'http://localhost:8233' });
    const alert = {
      id: 'zr_81234567890_hedy_1_needs_review',
      kind: 'needs_review' as const,
      zoomEvent: zoomWebinar('81234567890'),
      registrantId: 'hedy',
      why: 'Zoom does not know the webinar (deleted or expired)',
    };
    await alerts.post(alert, { namespace: 'default', workflowId: 'zoom-registrant/81234567890/hedy' });
    expect(handed).toHaveLength(1);
    expect(handed[0]).toMatch(/^\*Needs review\*: webinar 81234567890, registrant hedy: Zoom does not know/);
    expect(hook.texts).toEqual(handed);
  });

  test('refuses what is not {"text": …}, handing nothing on', async () => {
    const before = handed.length;
    const answer = await fetch(url, { method: 'POST', body: '{"blocks": []}' });
    expect(answer.status).toBe(400);
    expect(handed).toHaveLength(before);
  });
});

test('an alert is printed labelled, its later lines under its first', () => {
  expect(printedAlert('*Needs review*: webinar 1\nDecide who cancelled\nIn the Web UI: http://x').split('\n')).toEqual([
    '[ops alert] *Needs review*: webinar 1',
    '            Decide who cancelled',
    '            In the Web UI: http://x',
  ]);
});
