import type { ReactNode } from 'react';

interface BannerProps {
  tone?: 'info' | 'error' | 'success' | 'warning';
  children: ReactNode;
}

/** A message in the flow of the page; errors are announced at once, the rest politely. */
export function Banner({ tone = 'info', children }: BannerProps) {
  return (
    <div className={`banner banner--${tone}`} role={tone === 'error' ? 'alert' : 'status'}>
      <div className="banner__body">{children}</div>
    </div>
  );
}
