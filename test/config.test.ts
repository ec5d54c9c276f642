import { zoomMeeting, zoomWebinar } from '../src/domain/zoom-event';
import { ConfigError, gatewayConfigSchema, parseConfig, workerConfigSchema, zoomRateLimits } from '../src/config';

const zoom = { ZOOM_ACCOUNT_ID: 'a', ZOOM_CLIENT_ID: 'c', ZOOM_CLIENT_SECRET: 's' };
const secret = `whsec_${Buffer.from('0123456789abcdef0123').toString('base64')}`;

test("worker defaults, as the README's Configuration gives them", () => {
  expect(parseConfig(workerConfigSchema, zoom)).toEqual({
    ...zoom,
    TEMPORAL_TASK_QUEUE: 'zoom-registrations',
    PAYLOAD_CODEC_KEYS: [],
    ZOOM_API_BASE_URL: 'https://api.zoom.us/v2',
    ZOOM_OAUTH_TOKEN_URL: 'https://zoom.us/oauth/token',
    ZOOM_LIGHT_RATE_LIMIT: 15,
    ZOOM_MEDIUM_RATE_LIMIT: 10,
    FOLLOW_UP_WINDOW: 600_000,
    LOOKUP_TIMEOUT: 1_800_000,
    DEDUP_WINDOW: 86_400_000,
    RESTORE_REREGISTRATION: false,
    CALLBACK_RETRY_WINDOW: 86_400_000,
    NOTIFY_EMAILS: ['self_cancelled', 'admin_cancelled', 'api_cancelled', 'reinstated'],
    NOTIFY_REGISTRATION_URLS: new Map(),
    WORKER_MAX_CACHED_WORKFLOWS: 250,
    WORKER_MAX_CONCURRENT_WORKFLOW_TASKS: 40,
    WORKER_MAX_CONCURRENT_ACTIVITIES: 100,
    WORKER_SHUTDOWN_GRACE: 20_000,
    WORKER_METRICS_ADDRESS: '0.0.0.0:9464',
    RECONCILE_INTERVAL: 900_000,
    RECONCILE_WEBINARS: [],
    RECONCILE_MEETINGS: [],
    RECONCILE_GRACE: 120_000,
  });
});

test('gateway defaults follow design.md 4.2', () => {
  expect(parseConfig(gatewayConfigSchema, { ZOOM_WEBHOOK_SECRET_TOKEN: 't', UNRELATED: 'x' })).toEqual({
    ZOOM_WEBHOOK_SECRET_TOKEN: 't',
    TEMPORAL_TASK_QUEUE: 'zoom-registrations',
    PAYLOAD_CODEC_KEYS: [],
    PORT: 3000,
    HOST: '0.0.0.0',
  });
});

test.each([
  [{}, 'ZOOM_ACCOUNT_ID is required'],
  [{ ...zoom, ZOOM_CLIENT_SECRET: '' }, 'ZOOM_CLIENT_SECRET is required'],
  [
    { ...zoom, FOLLOW_UP_WINDOW: 'soon' },
    'FOLLOW_UP_WINDOW must be a positive duration like 3s, 10m or 24h (got "soon")',
  ],
  [{ ...zoom, DEDUP_WINDOW: '-5m' }, 'DEDUP_WINDOW must be a positive duration like 3s, 10m or 24h (got "-5m")'],
  [{ ...zoom, ZOOM_API_RATE_LIMIT: 'fast' }, 'ZOOM_API_RATE_LIMIT must be a number'],
  [{ ...zoom, ZOOM_MEDIUM_RATE_LIMIT: '0' }, 'ZOOM_MEDIUM_RATE_LIMIT must be positive'],
  [{ ...zoom, WORKER_MAX_CACHED_WORKFLOWS: '1.5' }, 'WORKER_MAX_CACHED_WORKFLOWS must be a whole number'],
  [{ ...zoom, WORKER_MAX_CONCURRENT_WORKFLOW_TASKS: '1' }, 'WORKER_MAX_CONCURRENT_WORKFLOW_TASKS must be at least 2'],
  [{ ...zoom, ZOOM_API_BASE_URL: 'api.zoom.us' }, 'ZOOM_API_BASE_URL must be an http(s) URL'],
  [
    { ...zoom, APP_CALLBACK_URL: 'https://app.example.com/hooks' },
    'APP_CALLBACK_SECRET is required when APP_CALLBACK_URL is set',
  ],
  [
    { ...zoom, APP_CALLBACK_URL: 'https://app.example.com/hooks', APP_CALLBACK_SECRET: 'hunter2' },
    'APP_CALLBACK_SECRET must be whsec_ followed by base64',
  ],
  [{ ...zoom, RESTORE_REREGISTRATION: 'yes' }, 'RESTORE_REREGISTRATION must be true or false'],
  [
    { ...zoom, CALLBACK_RETRY_WINDOW: '0s' },
    'CALLBACK_RETRY_WINDOW must be a positive duration like 3s, 10m or 24h (got "0s")',
  ],
  [
    { ...zoom, RECONCILE_INTERVAL: 'hourly' },
    'RECONCILE_INTERVAL must be off or a positive duration like 3s, 10m or 24h (got "hourly")',
  ],
  [
    { ...zoom, RECONCILE_WEBINARS: '81234567890, webinar-2' },
    'RECONCILE_WEBINARS must be Zoom webinar ids separated by commas (got "webinar-2")',
  ],
  [
    { ...zoom, ZOOM_MEDIUM_RATE_LIMIT: '2', ZOOM_RECONCILE_RATE_LIMIT: '2' },
    'ZOOM_RECONCILE_RATE_LIMIT must be below the Medium limit it takes its share of (2 calls/s)',
  ],
  [
    { ...zoom, ZOOM_API_RATE_LIMIT: '1', ZOOM_RECONCILE_RATE_LIMIT: '3' },
    'ZOOM_RECONCILE_RATE_LIMIT must be below the Medium limit it takes its share of (1 calls/s)',
  ],
])('worker: %j stops with "%s"', (env, message) => {
  expect(() => parseConfig(workerConfigSchema, env)).toThrow(new ConfigError(message));
});

test('durations and a callback secret are read', () => {
  const config = parseConfig(workerConfigSchema, {
    ...zoom,
    FOLLOW_UP_WINDOW: '3s',
    LOOKUP_TIMEOUT: '2m',
    APP_CALLBACK_URL: 'http://127.0.0.1:9000/cb',
    APP_CALLBACK_SECRET: secret,
    RESTORE_REREGISTRATION: 'true',
  });
  expect(config).toMatchObject({
    FOLLOW_UP_WINDOW: 3000,
    LOOKUP_TIMEOUT: 120_000,
    APP_CALLBACK_SECRET: secret,
    RESTORE_REREGISTRATION: true,
  });
});

test.each([
  [{}, 'ZOOM_WEBHOOK_SECRET_TOKEN is required'],
  [{ ZOOM_WEBHOOK_SECRET_TOKEN: 't', PORT: '70000' }, 'PORT must be a port number'],
])('gateway: %j stops with "%s"', (env, message) => {
  expect(() => parseConfig(gatewayConfigSchema, env)).toThrow(new ConfigError(message));
});

test('the sweep: off, the webinars it watches, and its share of Medium', () => {
  const config = parseConfig(workerConfigSchema, {
    ...zoom,
    RECONCILE_INTERVAL: 'off',
    RECONCILE_WEBINARS: ' 81234567890,81234567891,81234567890 ',
    RECONCILE_MEETINGS: '85746065000',
  });
  expect(config).toMatchObject({
    RECONCILE_INTERVAL: null,
    RECONCILE_WEBINARS: [zoomWebinar('81234567890'), zoomWebinar('81234567891')],
    RECONCILE_MEETINGS: [zoomMeeting('85746065000')],
  });
  // A tenth of Medium by default, taken out of it: the two never add up to more than the account's limit.
  expect(zoomRateLimits(config)).toEqual({ light: 15, medium: 9, reconcile: 1 });
  expect(zoomRateLimits({ ...config, ZOOM_API_RATE_LIMIT: 10, ZOOM_RECONCILE_RATE_LIMIT: 4 })).toEqual({
    light: 10,
    medium: 6,
    reconcile: 4,
  });
});

describe('notifications', () => {
  const parse = (env: Record<string, string>) => parseConfig(workerConfigSchema, { ...zoom, ...env });
  const problem = (env: Record<string, string>) => {
    try {
      parse(env);
    } catch (err) {
      return err instanceof ConfigError ? err.message : String(err);
    }
    return 'accepted';
  };

  test('SMTP_URL needs NOTIFY_FROM, and is smtp:// or smtps://', () => {
    expect(problem({ SMTP_URL: 'smtp://mail.example.com:587' })).toBe('NOTIFY_FROM is required when SMTP_URL is set');
    expect(problem({ SMTP_URL: 'http://mail.example.com', NOTIFY_FROM: 'a@example.com' })).toBe(
      'SMTP_URL must be smtp://user:pass@host:port, or smtps:// for TLS',
    );
    expect(
      parse({ SMTP_URL: 'smtps://u:p@mail.example.com:465', NOTIFY_FROM: 'Example Events <events@example.com>' }),
    ).toMatchObject({
      SMTP_URL: 'smtps://u:p@mail.example.com:465',
      NOTIFY_FROM: 'Example Events <events@example.com>',
    });
  });

  test('NOTIFY_FROM and NOTIFY_REPLY_TO are addresses; a line break is refused', () => {
    expect(problem({ NOTIFY_REPLY_TO: 'nobody' })).toBe(
      'NOTIFY_REPLY_TO must be an email address, or a name and <address>',
    );
    expect(problem({ NOTIFY_FROM: 'Events\r\nBcc: x@example.com <events@example.com>' })).toBe(
      'NOTIFY_FROM must be an email address, or a name and <address>',
    );
  });

  test('NOTIFY_EMAILS: all, off, or some kinds', () => {
    expect(parse({ NOTIFY_EMAILS: 'off' }).NOTIFY_EMAILS).toEqual([]);
    expect(parse({ NOTIFY_EMAILS: 'reinstated, self_cancelled' }).NOTIFY_EMAILS).toEqual([
      'reinstated',
      'self_cancelled',
    ]);
    expect(problem({ NOTIFY_EMAILS: 'self_cancelled,cancelled' })).toBe(
      'NOTIFY_EMAILS must be all, off, or some of self_cancelled, admin_cancelled, api_cancelled, reinstated (got "cancelled")',
    );
  });

  test('registration links: per webinar or meeting, or a pattern with {id}', () => {
    const links = parse({
      NOTIFY_REGISTRATION_URLS: '81234567890=https://example.com/a, meeting:85746065000=https://example.com/b',
    }).NOTIFY_REGISTRATION_URLS;
    expect([...links]).toEqual([
      ['81234567890', 'https://example.com/a'],
      ['85746065000', 'https://example.com/b'],
    ]);
    expect(problem({ NOTIFY_REGISTRATION_URLS: 'meeting:12=not a url' })).toBe(
      'NOTIFY_REGISTRATION_URLS must be <webinar id or meeting:id>=<https URL> pairs separated by commas (got "meeting:12=not a url")',
    );
    expect(problem({ NOTIFY_REGISTRATION_URL_PATTERN: 'https://example.com/register' })).toBe(
      'NOTIFY_REGISTRATION_URL_PATTERN must hold {id} (and may hold {kind})',
    );
  });
});
