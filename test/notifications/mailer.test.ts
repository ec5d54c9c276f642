// What a mail server's answer means for the email: a 5xx is final, anything else is tried again; and the
// Message-ID every try carries.
import { ApplicationFailure } from '@temporalio/common';
import { EMAIL_FAILURES, emailFailure, messageIdOf } from '../../src/notifications/mailer';

const smtpError = (fields: Record<string, unknown>) => Object.assign(new Error('failed'), fields);

test.each([
  [550, '5.1.1 mailbox unavailable', true],
  [554, '5.7.1 message rejected', true],
  [535, '5.7.8 authentication failed', true],
  [451, '4.7.1 greylisted', false],
  [421, '4.3.2 service not available', false],
  [452, '4.2.2 mailbox full', false],
])('%i %s: final %s', (responseCode, response, final) => {
  const failure = emailFailure(smtpError({ responseCode, response }));
  expect(failure).toBeInstanceOf(ApplicationFailure);
  expect(failure.nonRetryable).toBe(final);
  expect(failure.type).toBe(final ? EMAIL_FAILURES.refused : EMAIL_FAILURES.deferred);
  expect(failure.message).toContain(response);
});

test('a server that cannot be reached, or does not answer, is tried again', () => {
  for (const code of ['ECONNREFUSED', 'ETIMEDOUT', 'ECONNECTION']) {
    const failure = emailFailure(smtpError({ code, message: `connect ${code}` }));
    expect(failure.nonRetryable).toBe(false);
    expect(failure.message).toContain(`(${code})`);
  }
});

test("the Message-ID is the notice's id at the sender's domain", () => {
  expect(messageIdOf('zr_1_a_2_self_cancelled', 'events@example.com')).toBe('<zr_1_a_2_self_cancelled@example.com>');
  expect(messageIdOf('zr_1_a_2_reinstated', 'Example Events <events@mail.example.org>')).toBe(
    '<zr_1_a_2_reinstated@mail.example.org>',
  );
});
