// The dev world's SMTP catcher (maildev, on real ports): it keeps what the worker's own mailer sends, its page
// answers, the demo's reader finds the email by recipient and by the notice it was sent for, and it stops without
// taking the process's signals from the dev world or leaving its ports taken.
import { createServer } from 'node:net';
import { emailVariables } from '../../../src/activities/notify-people';
import { noticeId, type EmailNotice } from '../../../src/domain/notices';
import { zoomWebinar } from '../../../src/domain/zoom-event';
import { EmailTemplates } from '../../../src/notifications/email-templates';
import { RegistrantMailer } from '../../../src/notifications/mailer';
import { caughtEmailsTo, describeCaught, noticeIdOf, type CaughtEmail } from '../../../tools/dev/caught-emails';
import { MailCatcher } from '../../../tools/dev/mail-catcher';
import { portsInUse } from '../../../tools/dev/ports';
import { freePort } from '../../../tools/dev/temporal-server';
import { eventually } from '../../../tools/eventually';

const ada = { id: 'adaRegistrantId', email: 'ada@example.com', first_name: 'Ada', last_name: 'Lovelace' };
const webinar = zoomWebinar('81234567890');
const notice: EmailNotice = {
  id: noticeId(webinar, ada.id, 1_700_000_000_000, 'self_cancelled'),
  kind: 'self_cancelled',
  zoomEvent: webinar,
  registrant: ada,
  occurrenceId: null,
  outcome: { cancelled_by: 'registrant', can_reregister: true, zoom_status: 'removed' },
};

const signalHandlers = () => [...process.listeners('SIGINT'), ...process.listeners('SIGTERM')];

describe('the SMTP catcher', () => {
  let catcher: MailCatcher;
  const seen: CaughtEmail[] = [];
  const handlersBefore = signalHandlers();

  beforeAll(async () => {
    catcher = new MailCatcher({ smtp: await freePort(), web: await freePort() });
    catcher.onEmail = (email) => seen.push(email);
    await catcher.start();
  });
  afterAll(() => catcher.stop());

  test('leaves SIGINT and SIGTERM to the dev world: maildev would exit the process on them', () => {
    expect(signalHandlers()).toEqual(handlersBefore);
  });

  test('its page answers', async () => {
    const page = await fetch(`${catcher.webUrl}/`);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toMatch(/^text\/html/);
  });

  test("keeps what the worker's mailer sends, found by recipient and by the notice it was sent for", async () => {
    const mailer = new RegistrantMailer(
      { url: catcher.smtpUrl, from: 'Sandbox Events <events@sandbox.example>', replyTo: null },
      EmailTemplates.load(),
    );
    try {
      await mailer.send(
        notice,
        emailVariables(notice, null, null, { links: { byEvent: new Map(), pattern: null }, replyTo: null }),
      );
    } finally {
      mailer.close();
    }
    const caught = await eventually(async () => {
      const emails = await caughtEmailsTo(catcher.webUrl, ada.email);
      return emails.length > 0 ? emails : undefined;
    });
    expect(caught).toHaveLength(1);
    const [email] = caught as [CaughtEmail];
    expect(noticeIdOf(email)).toBe(notice.id);
    expect(describeCaught(email)).toBe(
      '“You cancelled your registration for webinar 81234567890” to Ada Lovelace <ada@example.com>',
    );
    expect(seen.map(noticeIdOf)).toEqual([notice.id]);
    expect(await caughtEmailsTo(catcher.webUrl, 'grace@example.com')).toEqual([]);
  });

  test('stops, freeing both ports', async () => {
    await catcher.stop();
    expect(await portsInUse({ ...catcher.ports }, catcher.host)).toEqual([]);
  });
});

test('a port taken fails the start instead of the process', async () => {
  const squatter = createServer();
  await new Promise<void>((resolve) => squatter.listen(0, '127.0.0.1', resolve));
  const address = squatter.address();
  const smtp = typeof address === 'object' && address ? address.port : 0;
  const catcher = new MailCatcher({ smtp, web: await freePort() });
  try {
    await expect(catcher.start()).rejects.toThrow(/EADDRINUSE/);
    expect(await portsInUse({ web: catcher.ports.web }, catcher.host)).toEqual([]);
  } finally {
    await catcher.stop();
    await new Promise((resolve) => squatter.close(resolve));
  }
});
