import { useState } from 'react';

export interface AvatarProps {
  name: string;
  /** The photo's URL; initials stand in without one or when it fails to load. */
  src?: string | undefined;
  size?: 'sm' | 'lg';
}

function initials(name: string): string {
  const words = name.trim().split(/\s+/u).filter(Boolean);
  const letters = words.length > 1 ? [words[0], words.at(-1)] : [words[0]];
  return letters
    .map((word) => Array.from(word ?? '')[0] ?? '')
    .join('')
    .toLocaleUpperCase();
}

const TONES = 6;

/** The same name always gets the same colour, so people are told apart at a glance. */
function tone(name: string): number {
  let hash = 0;
  for (const char of name) hash = (hash * 31 + (char.codePointAt(0) ?? 0)) % 1_000_003;
  return hash % TONES;
}

/** The user's photo with their name as alt text, or their initials (in their colour) named the same way. */
export function Avatar({ name, src, size = 'sm' }: AvatarProps) {
  const [failedSrc, setFailedSrc] = useState<string>();
  const showPhoto = src !== undefined && src !== failedSrc;
  return (
    <span className={`avatar avatar--${size}${showPhoto ? '' : ` avatar--tone-${tone(name)}`}`}>
      {showPhoto ? (
        <img src={src} alt={name} onError={() => setFailedSrc(src)} />
      ) : (
        <span role="img" aria-label={name}>
          {initials(name)}
        </span>
      )}
    </span>
  );
}
