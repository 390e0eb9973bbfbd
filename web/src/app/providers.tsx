import { QueryClientProvider } from '@tanstack/react-query';
import { LazyMotion, MotionConfig } from 'motion/react';
import type { ReactNode } from 'react';
import { ToastProvider } from '../design/toast.tsx';
import { session } from '../lib/api/api.ts';
import { queryClient } from './query-client.ts';

const loadMotionFeatures = () => import('./motion-features.ts').then((module) => module.default);

// Whoever ends the session (this tab, another tab, a failed refresh), no user's data outlives it.
session.subscribe(() => {
  if (session.getState().status === 'signed-out') queryClient.clear();
});

export function Providers({ children }: { children: ReactNode }) {
  return (
    <QueryClientProvider client={queryClient}>
      {/* "user": animations follow the operating system's prefers-reduced-motion. */}
      <MotionConfig reducedMotion="user">
        {/* Only `m` components ("strict") and their DOM animation features, loaded apart: a smaller first bundle. */}
        <LazyMotion features={loadMotionFeatures} strict>
          <ToastProvider>{children}</ToastProvider>
        </LazyMotion>
      </MotionConfig>
    </QueryClientProvider>
  );
}
