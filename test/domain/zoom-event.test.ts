// The one value for the Zoom event a registrant belongs to: for a webinar, every name built from it stays what it was
// before the value existed (workflow ids, Zoom's paths, callbacks, search attributes), so running webinar
// workflows, the app and the API see no difference; a meeting gets its own where the app or Zoom reads the kind.
import {
  describeZoomEvent,
  isZoomEvent,
  sameZoomEvent,
  zoomEventIdField,
  zoomEventOfIdField,
  zoomEventPath,
  zoomMeeting,
  zoomWebinar,
} from '../../src/domain/zoom-event';
import { appCallbackSchema } from '../../src/domain/callbacks';
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

const meeting = zoomMeeting('85746065000');

test.each([
  // Kind-agnostic: a meeting converted to a webinar keeps its id and registrants, so the same story goes on.
  ['the workflow id, by id alone', registrantWorkflowId(meeting, 'reg1'), 'zoom-registrant/85746065000/reg1'],
  ["Zoom's REST path (and ours under /api/v1)", zoomEventPath(meeting), '/meetings/85746065000'],
  ['the search attribute', zoomEventIdAttribute(meeting.kind).name, 'ZoomMeetingId'],
  ['what people read', describeZoomEvent(meeting), 'meeting 85746065000'],
])('a meeting has %s', (_what, built, expected) => {
  expect(built).toBe(expected);
});

test("a meeting's callback names it meeting_id, never webinar_id; the callback schema takes exactly one", () => {
  const registrant = { id: 'reg1', email: 'ada@example.com', first_name: 'Ada', last_name: 'L' };
  const subject = { zoomEvent: meeting, registrantId: 'reg1', eventTs: 5, occurrenceId: null, registrant };
  const { webhookId, callback } = callbackAbout(subject, { type: 'registrant.created' });
  expect(webhookId).toBe('zr_85746065000_reg1_5_created');
  expect(callback.data).toEqual({ meeting_id: '85746065000', occurrence_id: null, registrant, event_ts: 5 });
  expect(zoomEventOfIdField(callback.data)).toEqual(meeting);
  expect(appCallbackSchema.safeParse(callback).success).toBe(true);
  const both = { ...callback, data: { ...callback.data, webinar_id: '85746065000' } };
  expect(appCallbackSchema.safeParse(both).success).toBe(false);
  const neither = { ...callback, data: { occurrence_id: null, registrant, event_ts: 5 } };
  expect(appCallbackSchema.safeParse(neither).success).toBe(false);
});
