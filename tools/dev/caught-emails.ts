// What the dev world's SMTP catcher (maildev) holds, read through its REST API as `npm run demo` and the tests read
// it: apart from mail-catcher.ts, so that reading it does not load maildev's web stack.
import axios from 'axios';
import { z } from 'zod';

const addressSchema = z.object({ address: z.string(), name: z.string().default('') });
const caughtSchema = z.object({
  id: z.string(),
  subject: z.string().default(''),
  to: z.array(addressSchema).default([]),
  // maildev keeps it without its angle brackets.
  messageId: z.string().default(''),
});
export type CaughtEmail = z.infer<typeof caughtSchema>;

/** One email as maildev gives it, to its listeners and in its REST API's answers. */
export function parseCaught(email: unknown): CaughtEmail {
  return caughtSchema.parse(email);
}

/** The emails addressed to `address`, oldest first; maildev filters them by its `to.address` query. */
export async function caughtEmailsTo(webUrl: string, address: string): Promise<CaughtEmail[]> {
  const answer = await axios.get<unknown>(`${webUrl.replace(/\/+$/, '')}/email`, {
    params: { 'to.address': address },
    timeout: 10_000,
  });
  return z.array(caughtSchema).parse(answer.data);
}

/** The id of the notice an email was sent for: its Message-ID's local part (src/notifications/mailer.ts). */
export function noticeIdOf(email: CaughtEmail): string {
  return email.messageId.replace(/^<|>$/g, '').replace(/@[^@]*$/, '');
}

/** `“Subject” to Name <address>`, as the dev world and the demo print an email. */
export function describeCaught(email: CaughtEmail): string {
  const to = email.to.map(({ name, address }) => (name ? `${name} <${address}>` : address)).join(', ');
  return `“${email.subject}” to ${to || 'nobody'}`;
}
