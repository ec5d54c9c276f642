// The one value for the Zoom event a registrant belongs to: for a webinar, every name built from it stays what it was
// before the value existed (workflow ids, Zoom's paths, callbacks, search attributes), so running webinar
// workflows, the app and the API see no difference.
import {
  describeZoomEvent,
  isZoomEvent,
  sameZoomEvent,
  zoomEventIdField,
  zoomEventOfIdField,
  zoomEventPath,
  zoomWebinar,
} from '../../src/domain/zoom-event';
import { callbackAbout } from '../../src/workflows/registrant/callbacks';
import { registrantWorkflowId, zoomEventIdAttribute } from '../../src/workflows/registrant/names';

const webinar = zoomWebinar('81234567890');

test.each([
  ['the workflow id', registrantWorkflowId(webinar, 'reg1'), 'zoom-registrant/81234567890/reg1'],
  ["Zoom's REST path (and ours under /api/v1)", zoomEventPath(webinar), '/webinars/81234567890'],
  ['the search attribute', zoomEventIdAttribute(webinar.kind).name, 'ZoomWebinarId'],
  ['what people read', describeZoomEvent(webinar), 'webinar 81234567890'],
])('a webinar keeps %s', (_what, built, before) => {
  expect(built).toBe(before);
});

test("a webinar's callback names it webinar_id, and its webhook-id is unchanged", () => {
  const registrant = { id: 'reg1', email: 'ada@example.com', first_name: 'Ada', last_name: 'L' };
  const subject = { zoomEvent: webinar, registrantId: 'reg1', eventTs: 5, occurrenceId: null, registrant };
  const { webhookId, callback } = callbackAbout(subject, { type: 'registrant.created' });
  expect(webhookId).toBe('zr_81234567890_reg1_5_created');
  expect(callback.data).toEqual({ webinar_id: '81234567890', occurrence_id: null, registrant, event_ts: 5 });
  expect(zoomEventOfIdField(callback.data)).toEqual(webinar);
});

test('the id field and its reverse agree; a hand-made value is checked', () => {
  expect(zoomEventOfIdField(zoomEventIdField(webinar))).toEqual(webinar);
  expect(sameZoomEvent(webinar, zoomWebinar('81234567890'))).toBe(true);
  expect(sameZoomEvent(webinar, zoomWebinar('1'))).toBe(false);
  expect(isZoomEvent({ kind: 'webinar', id: '1' })).toBe(true);
  expect(isZoomEvent({ kind: 'seminar', id: '1' })).toBe(false);
  expect(isZoomEvent('81234567890')).toBe(false);
});
