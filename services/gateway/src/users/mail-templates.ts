import type { OutgoingMail } from '@relay/mailer';
import { escapeHtml } from '@relay/platform';

function layout(
  to: string,
  subject: string,
  paragraphs: string[],
  action?: { label: string; url: string },
): OutgoingMail {
  const text = [
    ...paragraphs,
    ...(action === undefined ? [] : [`${action.label}: ${action.url}`]),
    '— Relay',
  ].join('\n\n');
  const button =
    action === undefined
      ? ''
      : `<p><a href="${escapeHtml(action.url)}" style="background:#4f46e5;color:#fff;padding:10px 16px;border-radius:6px;text-decoration:none">${escapeHtml(action.label)}</a></p>
<p style="color:#666;font-size:12px">Or paste this link into your browser: ${escapeHtml(action.url)}</p>`;
  const html = `<!doctype html><html><body style="font-family:system-ui,sans-serif;max-width:560px">
${paragraphs.map((paragraph) => `<p>${escapeHtml(paragraph)}</p>`).join('\n')}
${button}
<p>— Relay</p></body></html>`;
  return { to, subject, text, html };
}

export function activationMail(to: string, name: string, url: string, validHours: number): OutgoingMail {
  return layout(
    to,
    'Activate your Relay account',
    [
      `Hi ${name},`,
      `Welcome to Relay. Confirm your e-mail address to activate your account; the link works once, for ${validHours} hours.`,
    ],
    { label: 'Activate my account', url },
  );
}

export function alreadyRegisteredMail(
  to: string,
  name: string,
  loginUrl: string,
  resetUrl: string,
): OutgoingMail {
  return layout(
    to,
    'You already have a Relay account',
    [
      `Hi ${name},`,
      'Someone (hopefully you) tried to sign up with this e-mail address, but it already has an account.',
      `Log in at ${loginUrl}. Forgot your password? Reset it at ${resetUrl}.`,
      'If this was not you, you can ignore this mail.',
    ],
    { label: 'Log in', url: loginUrl },
  );
}

export function passwordResetMail(to: string, name: string, url: string, validMinutes: number): OutgoingMail {
  return layout(
    to,
    'Reset your Relay password',
    [
      `Hi ${name},`,
      `Use the link below to choose a new password; it works once, for ${validMinutes} minutes. Resetting ends all your sessions.`,
      'If you did not ask for this, ignore this mail: your password stays as it is.',
    ],
    { label: 'Choose a new password', url },
  );
}
