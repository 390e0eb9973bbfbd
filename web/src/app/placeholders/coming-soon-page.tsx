import type { ReactNode } from 'react';
import { EmptyState } from '../../design/empty-state.tsx';

interface ComingSoonPageProps {
  title: string;
  emptyTitle: string;
  description: string;
  icon: ReactNode;
}

/** Stands in for a section until its feature folder ships its own page. */
export function ComingSoonPage({ title, emptyTitle, description, icon }: ComingSoonPageProps) {
  return (
    <div className="page">
      <div className="page__header">
        <h1>{title}</h1>
      </div>
      <EmptyState title={emptyTitle} icon={icon}>
        {description}
      </EmptyState>
    </div>
  );
}
