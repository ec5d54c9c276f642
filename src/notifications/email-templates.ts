// The registrant's emails, one template per outcome (README, "Notifications"): a folder per kind holding
// `subject.hbs`, `text.hbs` and `html.hbs` (Handlebars). A team's NOTIFY_TEMPLATES_DIR overrides any of them; the
// rest are ours (templates/emails). Every template is compiled and rendered once at start, so that a syntax error or
// a misspelt variable stops the worker there, not at the first send.
import { readFileSync, existsSync } from 'node:fs';
import path from 'node:path';
import Handlebars from 'handlebars';
import { EMAIL_KINDS, type EmailKind } from '../domain/notices';
import { ConfigError } from '../config';
import { errorMessage } from '../errors';

/** Our own templates, beside src/ and lib/ alike. */
export const DEFAULT_TEMPLATES_DIR = path.resolve(__dirname, '..', '..', 'templates', 'emails');

const PARTS = ['subject', 'text', 'html'] as const;
type Part = (typeof PARTS)[number];

/** What every template may use; null where it is not known (README lists them). */
export interface EmailVariables {
  first_name: string;
  last_name: string;
  email: string;
  /** `webinar` or `meeting`. */
  kind: string;
  event_id: string;
  /** Zoom's topic, else "webinar 81234567890". */
  topic: string;
  /** When it starts, in its own time zone: "Tuesday, 8 December 2026 at 15:00 CET". */
  starts_at: string | null;
  timezone: string | null;
  /** Where the person may register again: Zoom's registration_url, else the team's link (NOTIFY_REGISTRATION_URLS). */
  registration_url: string | null;
  /** The person's own join link (a reinstatement). */
  join_url: string | null;
  /** Whom to ask (NOTIFY_REPLY_TO). */
  reply_to: string | null;
  cancelled_by: string | null;
  can_reregister: boolean | null;
}

export interface RenderedEmail {
  subject: string;
  text: string;
  html: string;
}

type Compiled = Record<Part, Handlebars.TemplateDelegate<EmailVariables>>;

export class EmailTemplates {
  private constructor(private readonly byKind: Record<EmailKind, Compiled>) {}

  /** Compiles and tries every template; a ConfigError names the file and what is wrong with it. */
  static load(overrides: string | null = null): EmailTemplates {
    const byKind = Object.fromEntries(
      EMAIL_KINDS.map((kind) => [
        kind,
        Object.fromEntries(PARTS.map((part) => [part, compile(kind, part, overrides)])),
      ]),
    ) as Record<EmailKind, Compiled>;
    const templates = new EmailTemplates(byKind);
    for (const kind of EMAIL_KINDS) {
      for (const variables of SAMPLES) {
        for (const part of PARTS) {
          try {
            byKind[kind][part](variables);
          } catch (err) {
            throw new ConfigError(`${fileOf(kind, part, overrides)}: ${templateProblem(err)}`);
          }
        }
      }
    }
    return templates;
  }

  render(kind: EmailKind, variables: EmailVariables): RenderedEmail {
    const compiled = this.byKind[kind];
    return {
      // A header is one line: a name or topic with a line break in it cannot start another header.
      subject: compiled.subject(variables).replace(/\s+/g, ' ').trim(),
      text: compiled.text(variables),
      html: compiled.html(variables),
    };
  }
}

function fileOf(kind: EmailKind, part: Part, overrides: string | null): string {
  const own = overrides ? path.join(overrides, kind, `${part}.hbs`) : null;
  return own && existsSync(own) ? own : path.join(DEFAULT_TEMPLATES_DIR, kind, `${part}.hbs`);
}

function compile(kind: EmailKind, part: Part, overrides: string | null): Handlebars.TemplateDelegate<EmailVariables> {
  const file = fileOf(kind, part, overrides);
  try {
    // Only the HTML is escaped: a subject or a plain-text body shows `<` as `<`.
    return Handlebars.compile<EmailVariables>(readFileSync(file, 'utf8'), { strict: true, noEscape: part !== 'html' });
  } catch (err) {
    throw new ConfigError(`${file}: ${templateProblem(err)}`);
  }
}

/** Handlebars' words, said for a person who edits a template: which variable, or what the parser expected. */
function templateProblem(err: unknown): string {
  const message = errorMessage(err);
  const unknown = /^"(.+)" not defined in .* - (\d+):(\d+)$/.exec(message);
  if (unknown) {
    return `{{${unknown[1]}}} is not one of the variables (line ${unknown[2]}, column ${Number(unknown[3]) + 1}); README, "Notifications", lists them`;
  }
  const lines = message.split('\n');
  return lines.length > 1 ? `${lines[0]} ${lines.at(-1)}` : message;
}

const SAMPLE: EmailVariables = {
  first_name: 'Ada',
  last_name: 'Lovelace',
  email: 'ada@example.com',
  kind: 'webinar',
  event_id: '81234567890',
  topic: 'Analytical engines',
  starts_at: 'Tuesday, 8 December 2026 at 15:00 CET',
  timezone: 'Europe/Berlin',
  registration_url: 'https://example.zoom.us/webinar/register/WN_sample',
  join_url: 'https://example.zoom.us/w/81234567890?tk=sample',
  reply_to: 'events@example.com',
  cancelled_by: 'registrant',
  can_reregister: true,
};
/** Every variable set, and every one that may be null left null: both branches of each `{{#if}}` are tried. */
const SAMPLES: EmailVariables[] = [
  SAMPLE,
  {
    ...SAMPLE,
    starts_at: null,
    timezone: null,
    registration_url: null,
    join_url: null,
    reply_to: null,
    cancelled_by: null,
    can_reregister: null,
  },
];
