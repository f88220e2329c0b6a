// English copy for each occasion, in three tones. Plain text: the layout escapes it.
import { capitalize, type CopyBook, type CopyContext, type EmailCopy, type Tone } from './copy.js';

const GREETING: Record<Tone, string> = { friendly: 'Hi there!', professional: 'Hello,', urgent: 'Heads up!' };
const CLOSING: Record<Tone, string> = {
  friendly: 'Cheers,\nThe team',
  professional: 'Kind regards,\nThe team',
  urgent: "Hurry, time's running out!\nThe team",
};

function base(context: CopyContext, copy: Omit<EmailCopy, 'greeting' | 'closing' | 'footer' | 'unsubscribe'>): EmailCopy {
  const paragraphs = [...copy.paragraphs];
  if (context.audience) paragraphs.splice(1, 0, `We put this together especially for ${context.audience}.`);
  if (context.tone === 'urgent') paragraphs.push("This offer won't last: don't leave it for later.");
  return {
    ...copy,
    subject: context.tone === 'urgent' ? `${copy.subject} — last hours` : copy.subject,
    paragraphs,
    greeting: GREETING[context.tone],
    closing: CLOSING[context.tone],
    footer: 'You are receiving this email because you signed up for our list.',
    unsubscribe: 'Unsubscribe',
  };
}

export const COPY_EN: CopyBook = {
  welcome: (c) =>
    base(c, {
      subject: c.offer ? `Welcome! Your access to ${c.offer} starts now` : "Welcome! We're glad you're here",
      preheader: "Here's what we have in store for your first days with us.",
      headline: 'Welcome aboard!',
      paragraphs: [
        `Thanks for joining us. From now on you'll get the best content about ${c.offer ?? c.topic}.`,
        c.discount
          ? `As a welcome gift, enjoy ${c.discount} off your first purchase.`
          : "Over the next few days we'll share practical tips so you can make the most of it from day one.",
      ],
      cta: 'Get started',
    }),
  blackFriday: (c) =>
    base(c, {
      subject: `Black Friday: ${c.discount ? `${c.discount} off` : 'unmissable deals'}${c.offer ? ` ${c.offer}` : ''}`,
      preheader: c.discount ? `${c.discount} off, only during Black Friday. Grab yours.` : 'The best prices of the year are here.',
      headline: c.discount ? `Black Friday: ${c.discount} OFF` : 'Black Friday',
      paragraphs: [
        `Black Friday is here and ${c.offer ?? 'our products'} ${c.offer ? 'is' : 'are'} ${c.discount ? `${c.discount} off` : 'at the best prices of the year'}.`,
        'Spots and stock are limited, and the offer ends when Black Friday does.',
      ],
      cta: 'Grab the deal',
    }),
  sale: (c) =>
    base(c, {
      subject: c.discount ? `${c.discount} off ${c.offer ?? 'selected products'}` : `Special offer: ${c.offer ?? c.topic}`,
      preheader: 'A special deal, just for you.',
      headline: c.discount ? `${c.discount} OFF for you` : 'Special offer',
      paragraphs: [
        `We've set aside a special deal${c.offer ? ` on ${c.offer}` : ''}${c.discount ? `: ${c.discount} off` : ''}.`,
        'Make the most of it while it lasts.',
      ],
      cta: 'See the offer',
    }),
  launch: (c) =>
    base(c, {
      subject: `It's here: ${c.offer ?? capitalize(c.topic)}`,
      preheader: 'Be one of the first to see it.',
      headline: c.offer ? `Introducing ${c.offer}` : 'Something new is here',
      paragraphs: [
        `We've been eager to tell you about something new: ${c.offer ?? c.topic}.`,
        c.discount ? `To celebrate the launch, early birds get ${c.discount} off.` : 'Early birds get the launch conditions.',
      ],
      cta: 'Take a look',
    }),
  newsletter: (c) =>
    base(c, {
      subject: `What's new: ${capitalize(c.topic)}`,
      preheader: 'What matters, in a few minutes of reading.',
      headline: "The news you don't want to miss",
      paragraphs: [
        `In this issue we've gathered the most relevant updates on ${c.topic}.`,
        c.offer ? `Plus: ${c.offer}${c.discount ? `, now ${c.discount} off` : ''}.` : 'Enjoy the read!',
      ],
      cta: 'Read the full issue',
    }),
  general: (c) =>
    base(c, {
      subject: capitalize(c.offer ? `${c.topic}: ${c.offer}` : c.topic),
      preheader: 'A quick note about something you may like.',
      headline: capitalize(c.topic),
      paragraphs: [
        `We'd like to tell you about ${c.topic}.`,
        c.offer ? `Meet ${c.offer}${c.discount ? `, now ${c.discount} off` : ''}.` : 'Click the button below to learn more.',
      ],
      cta: 'Learn more',
    }),
};
