// What an operator reads in the alert channel: what happened, to whom, why, the command, and the Web UI's page.
import { alertText } from '../../src/notifications/operator-alerts';
import { zoomMeeting, zoomWebinar } from '../../src/domain/zoom-event';

const origin = { namespace: 'prod', workflowId: 'zoom-registrant/81234567890/abc' };

test('needs review: the reason and the resolve command, with the Web UI page when its address is known', () => {
  const alert = { id: 'x', kind: 'needs_review' as const, zoomEvent: zoomWebinar('81234567890'), registrantId: 'abc' };
  expect(alertText({ ...alert, why: 'Zoom refused the lookup' }, origin, 'https://temporal.example.com/')).toBe(
    [
      '*Needs review*: webinar 81234567890, registrant abc: Zoom refused the lookup.',
      'Decide who cancelled: `npm run ops -- resolve 81234567890 abc admin` (or `registrant`).',
      'In the Web UI: https://temporal.example.com/namespaces/prod/workflows/zoom-registrant%2F81234567890%2Fabc',
    ].join('\n'),
  );
});

test('a callback waiting for a re-drive: the redrive command; no link without TEMPORAL_UI_URL', () => {
  const alert = {
    id: 'x',
    kind: 'callback_waiting' as const,
    zoomEvent: zoomMeeting('85746065000'),
    registrantId: 'abc',
    why: 'the app refused registrant.cancelled: the app answered HTTP 500',
  };
  expect(alertText(alert, origin, null)).toBe(
    [
      '*A callback waits for a re-drive*: meeting 85746065000, registrant abc: the app refused registrant.cancelled: the app answered HTTP 500.',
      'Fix the app, then: `npm run ops -- redrive 85746065000 abc`.',
    ].join('\n'),
  );
});
