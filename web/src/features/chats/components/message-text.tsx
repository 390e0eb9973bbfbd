import { Fragment } from 'react';

/** http(s) URLs; trailing punctuation is taken as the sentence's, not the link's. */
const URL_PATTERN = /https?:\/\/[^\s<>"]+[^\s<>".,;:!?'")\]}]/giu;

/**
 * A message body as plain text with its URLs as links. React escapes every text node, so markup in a
 * message shows as the characters typed; only http(s) URLs become links, never `javascript:`.
 */
export function MessageText({ body }: { body: string }) {
  const parts: { text: string; link: boolean; at: number }[] = [];
  let end = 0;
  for (const match of body.matchAll(URL_PATTERN)) {
    if (match.index > end) parts.push({ text: body.slice(end, match.index), link: false, at: end });
    parts.push({ text: match[0], link: true, at: match.index });
    end = match.index + match[0].length;
  }
  if (end < body.length) parts.push({ text: body.slice(end), link: false, at: end });
  return (
    <p className="message__text" dir="auto">
      {parts.map((part) =>
        part.link ? (
          <a key={part.at} href={part.text} target="_blank" rel="noopener noreferrer">
            {part.text}
          </a>
        ) : (
          <Fragment key={part.at}>{part.text}</Fragment>
        ),
      )}
    </p>
  );
}
