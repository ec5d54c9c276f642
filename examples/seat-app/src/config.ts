// The seat app's settings, all from the environment, checked at start: a wrong one stops it with one line naming it.
import { z } from 'zod';

/** `81234567890=50,85746065000=10`: seats per webinar or meeting id, where one differs from the default. */
const capacities = z
  .string()
  .trim()
  .regex(/^(\d+=\d+)(,\d+=\d+)*$/, 'must be id=seats pairs separated by commas, e.g. 81234567890=50,85746065000=10')
  .transform(
    (list) =>
      new Map(
        list.split(',').map((pair) => {
          const [id = '', seats = ''] = pair.split('=');
          return [id, Number(seats)] as const;
        }),
      ),
  );

/** SEAT_APP_CAPACITY's default, which `npm run dev` gives too: it runs the seat app in-process, without this config. */
export const DEFAULT_SEAT_CAPACITY = 100;

export const seatAppConfigSchema = z.object({
  // Beside `npm run dev`, whose processes take 3000 to 3002 (and 1025, 1080, 7233, 8233, 8888, 9090, 9464).
  SEAT_APP_PORT: z.coerce.number().int().min(0).max(65535).default(3003),
  SEAT_APP_HOST: z.string().min(1).default('127.0.0.1'),
  /** The worker's APP_CALLBACK_SECRET: the callbacks are signed with it. */
  APP_CALLBACK_SECRET: z
    .string({ error: 'is required: the worker APP_CALLBACK_SECRET, which signs the callbacks' })
    .startsWith('whsec_', 'must start with whsec_ (the worker APP_CALLBACK_SECRET)'),
  /** The gateway, for "cancel for them" (its /api/v1). */
  GATEWAY_URL: z.url().default('http://127.0.0.1:3000'),
  /** The gateway's API_TOKEN. */
  API_TOKEN: z.string({ error: 'is required: the gateway API_TOKEN, for "cancel for them"' }).min(1),
  /** A directory the database lives in (kept across restarts), or `memory` (gone when the app stops). */
  SEAT_APP_DATABASE: z.string().min(1).default('memory'),
  /** Seats per webinar or meeting, unless SEAT_APP_CAPACITIES says otherwise for one. */
  SEAT_APP_CAPACITY: z.coerce.number().int().min(0).default(DEFAULT_SEAT_CAPACITY),
  SEAT_APP_CAPACITIES: capacities.optional(),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
});
export type SeatAppConfig = z.infer<typeof seatAppConfigSchema>;

/** The settings, or an Error whose message names each wrong variable on a line of its own. */
export function parseSeatAppConfig(env: Record<string, string | undefined>): SeatAppConfig {
  // An empty variable counts as unset, as a blank line in an .env file means.
  const given = Object.fromEntries(Object.entries(env).filter(([, value]) => value !== undefined && value !== ''));
  const parsed = seatAppConfigSchema.safeParse(given);
  if (parsed.success) return parsed.data;
  const lines = parsed.error.issues.map(({ path, message }) => `${path.map(String).join('.')}: ${message}`);
  throw new Error(lines.join('\n'));
}

/** Seats of one webinar or meeting, by its id. */
export function capacityOf(config: SeatAppConfig): (zoomId: string) => number {
  return (zoomId) => config.SEAT_APP_CAPACITIES?.get(zoomId) ?? config.SEAT_APP_CAPACITY;
}
