// The one definition of each Zoom id this service accepts from outside (API paths, the ops CLI, the settings).
// Zoom's webinar and meeting ids are int64 digits; registrant ids are URL-safe base64-like strings.
import { z } from 'zod';
import { ZOOM_EVENT_KINDS, zoomEventOf, type ZoomEventKind } from './zoom-event';

export const ZOOM_EVENT_ID_PATTERN = /^\d{1,20}$/;
export const REGISTRANT_ID_PATTERN = /^[A-Za-z0-9_-]{1,64}$/;

export const zoomEventIdSchema = z.string().regex(ZOOM_EVENT_ID_PATTERN, 'must be Zoom digits');
/**
 * A webinar or meeting on a command line: a webinar by its id alone (as before meetings), a meeting as
 * `meeting:<id>` (`webinar:<id>` is taken too).
 */
export const zoomEventArgSchema = z
  .string()
  .regex(
    new RegExp(`^(?:(?:${ZOOM_EVENT_KINDS.join('|')}):)?${ZOOM_EVENT_ID_PATTERN.source.slice(1, -1)}$`),
    'a webinar is its Zoom id (digits), a meeting meeting:<id>',
  )
  .transform((text) => {
    const [kind, id] = text.includes(':') ? (text.split(':') as [ZoomEventKind, string]) : (['webinar', text] as const);
    return zoomEventOf(kind, id);
  });

export const registrantIdSchema = z
  .string()
  .regex(REGISTRANT_ID_PATTERN, "must be a Zoom registrant id (letters, digits, '-', '_')");
