// The one definition of each Zoom id this service accepts from outside (API paths, the ops CLI, the settings).
// Zoom's webinar ids are int64 digits; registrant ids are URL-safe base64-like strings.
import { z } from 'zod';

export const ZOOM_EVENT_ID_PATTERN = /^\d{1,20}$/;
export const REGISTRANT_ID_PATTERN = /^[A-Za-z0-9_-]{1,64}$/;

export const zoomEventIdSchema = z.string().regex(ZOOM_EVENT_ID_PATTERN, 'must be Zoom digits');
export const registrantIdSchema = z
  .string()
  .regex(REGISTRANT_ID_PATTERN, "must be a Zoom registrant id (letters, digits, '-', '_')");
