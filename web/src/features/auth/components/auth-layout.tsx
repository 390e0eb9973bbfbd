import type { ReactNode } from 'react';
import { Brand } from '../../../design/brand.tsx';
import { Card } from '../../../design/card.tsx';

interface AuthLayoutProps {
  title: string;
  /** A sentence under the heading. */
  lead?: ReactNode;
  children?: ReactNode;
  /** Links under the card ("Already have an account? Sign in"). */
  footer?: ReactNode;
}

/** The signed-out pages: the brand, one centred card with the page's only h1, and links to the others. */
export function AuthLayout({ title, lead, children, footer }: AuthLayoutProps) {
  return (
    <div className="auth">
      <header className="auth__brand">
        <Brand />
      </header>
      <main className="auth__main">
        <Card className="auth__card">
          <div className="auth__heading">
            <h1>{title}</h1>
            {lead && <p className="muted">{lead}</p>}
          </div>
          {children}
        </Card>
        {footer && <p className="auth__footer">{footer}</p>}
      </main>
    </div>
  );
}
