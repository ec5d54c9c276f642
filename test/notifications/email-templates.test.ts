// The email templates: ours load, a team's override is taken file by file, and a broken or misspelt template stops
// the worker at start with the file's name; HTML is escaped, plain text and subjects are not, subjects are one line.
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ConfigError } from '../../src/config';
import { EMAIL_KINDS } from '../../src/domain/notices';
import { EmailTemplates, type EmailVariables } from '../../src/notifications/email-templates';

const variables: EmailVariables = {
  first_name: '<b>Ada</b>',
  last_name: 'Lovelace',
  email: 'ada@example.com',
  kind: 'webinar',
  event_id: '81234567890',
  topic: 'Engines & <looms>',
  starts_at: 'Tuesday, 8 December 2026 at 15:00 CET',
  timezone: 'Europe/Berlin',
  registration_url: 'https://example.zoom.us/webinar/register/WN_x?a=1&b=2',
  join_url: null,
  reply_to: 'help@example.com',
  cancelled_by: 'registrant',
  can_reregister: true,
};

function templatesDir(files: Record<string, string>): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'templates-'));
  for (const [file, text] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
    writeFileSync(path.join(dir, file), text);
  }
  return dir;
}

test('ours: every kind renders a subject, a text and an HTML body', () => {
  const templates = EmailTemplates.load();
  for (const kind of EMAIL_KINDS) {
    const email = templates.render(kind, variables);
    expect(email.subject).toContain('Engines & <looms>');
    expect(email.text).toContain('Engines & <looms>');
    expect(email.html).toContain('Engines &amp; &lt;looms&gt;');
  }
});

test('HTML is escaped, plain text is not, and the subject is one line', () => {
  const email = EmailTemplates.load().render('self_cancelled', { ...variables, topic: 'Two\r\nlines' });
  expect(email.html).toContain('Hello &lt;b&gt;Ada&lt;/b&gt;,');
  expect(email.html).toContain('href="https://example.zoom.us/webinar/register/WN_x?a&#x3D;1&amp;b&#x3D;2"');
  expect(email.text).toContain('Hello <b>Ada</b>,');
  expect(email.subject).toBe('You cancelled your registration for Two lines');
});

test('what each outcome says when a link or the start time is not known', () => {
  const unknown = { ...variables, registration_url: null, starts_at: null, reply_to: null };
  const templates = EmailTemplates.load();
  expect(templates.render('self_cancelled', unknown).text).toContain(
    'You may register again through the page where you registered first.',
  );
  expect(templates.render('self_cancelled', { ...unknown, can_reregister: false }).text).toContain(
    'Zoom keeps this address from registering again for this webinar.',
  );
  expect(templates.render('admin_cancelled', variables).text).toContain('or write to help@example.com');
  expect(templates.render('reinstated', { ...variables, join_url: 'https://zoom.us/w/1?tk=t' }).text).toContain(
    'Join with your own link: https://zoom.us/w/1?tk=t',
  );
});

test("a team's template replaces ours, file by file", () => {
  const dir = templatesDir({ 'reinstated/subject.hbs': 'Still on: {{topic}}' });
  const email = EmailTemplates.load(dir).render('reinstated', variables);
  expect(email.subject).toBe('Still on: Engines & <looms>');
  expect(email.text).toContain('you are still registered');
});

test('a syntax error, or a variable that does not exist, stops the start and names the file', () => {
  const broken = templatesDir({ 'admin_cancelled/html.hbs': '<p>{{#if topic}}unclosed</p>' });
  expect(() => EmailTemplates.load(broken)).toThrow(ConfigError);
  expect(() => EmailTemplates.load(broken)).toThrow(
    `${path.join(broken, 'admin_cancelled', 'html.hbs')}: Parse error on line 1: Expecting`,
  );
  const misspelt = templatesDir({ 'api_cancelled/text.hbs': 'Hello {{firstname}}' });
  expect(() => EmailTemplates.load(misspelt)).toThrow(
    `${path.join(misspelt, 'api_cancelled', 'text.hbs')}: {{firstname}} is not one of the variables (line 1, column 9)`,
  );
});
