import type { CSSProperties } from 'react';

/** A spinner inside a control, or centred on the page with a label for screen readers. */
export function Spinner({ size = 'page', label = 'Loading' }: { size?: 'inline' | 'page'; label?: string }) {
  if (size === 'inline')
    return <span className="spinner" style={{ width: '1rem', height: '1rem' }} aria-hidden />;
  return (
    <div className="spinner--page" role="status">
      <span className="spinner" aria-hidden />
      <span className="visually-hidden">{label}</span>
    </div>
  );
}

/** A placeholder with the shape of content still loading. */
export function Skeleton({ width = '100%', height = '1rem', round = false }: SkeletonProps) {
  const style: CSSProperties = { width, height, borderRadius: round ? '999px' : undefined };
  return <span className="skeleton" style={style} aria-hidden />;
}

interface SkeletonProps {
  width?: string;
  height?: string;
  round?: boolean;
}
