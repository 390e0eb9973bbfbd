import type { ComponentType } from 'react';
import { createBrowserRouter, Navigate, type RouteObject } from 'react-router';
import { Spinner } from '../design/spinner.tsx';
import { GuestOnly, RequireSession } from '../features/auth/components/require-session.tsx';
import { AppLayout } from './app-layout.tsx';
import { NotFoundPage } from './not-found-page.tsx';
import { RouteError } from './route-error.tsx';

/** A code-split page: its module is loaded when the route is first visited. */
function page<M>(load: () => Promise<M>, pick: (module: M) => ComponentType): Pick<RouteObject, 'lazy'> {
  return { lazy: async () => ({ Component: pick(await load()) }) };
}

const routes: RouteObject[] = [
  {
    errorElement: <RouteError />,
    hydrateFallbackElement: <Spinner />,
    children: [
      {
        element: <GuestOnly />,
        children: [
          {
            path: '/login',
            ...page(
              () => import('../features/auth/components/login-page.tsx'),
              (m) => m.LoginPage,
            ),
          },
          {
            path: '/signup',
            ...page(
              () => import('../features/auth/components/sign-up-page.tsx'),
              (m) => m.SignUpPage,
            ),
          },
          {
            path: '/forgot-password',
            ...page(
              () => import('../features/auth/components/forgot-password-page.tsx'),
              (m) => m.ForgotPasswordPage,
            ),
          },
        ],
      },
      // Links from e-mails work whether or not this browser is signed in.
      {
        path: '/activate',
        ...page(
          () => import('../features/auth/components/activate-page.tsx'),
          (m) => m.ActivatePage,
        ),
      },
      {
        path: '/reset-password',
        ...page(
          () => import('../features/auth/components/reset-password-page.tsx'),
          (m) => m.ResetPasswordPage,
        ),
      },
      {
        element: <RequireSession />,
        children: [
          {
            element: <AppLayout />,
            children: [
              { index: true, element: <Navigate to="/chats" replace /> },
              {
                // The list beside the open room; the index is the "pick a chat" pane.
                path: '/chats',
                ...page(
                  () => import('../features/chats/components/chats-page.tsx'),
                  (m) => m.ChatsPage,
                ),
                children: [
                  {
                    index: true,
                    ...page(
                      () => import('../features/chats/components/chats-page.tsx'),
                      (m) => m.NoChatOpen,
                    ),
                  },
                  {
                    path: ':chatId',
                    ...page(
                      () => import('../features/chats/components/chat-room-page.tsx'),
                      (m) => m.ChatRoomPage,
                    ),
                  },
                ],
              },
              {
                path: '/conversions',
                ...page(
                  () => import('../features/conversions/components/conversions-page.tsx'),
                  (m) => m.ConversionsPage,
                ),
              },
              {
                path: '/profile',
                ...page(
                  () => import('../features/profile/components/profile-page.tsx'),
                  (m) => m.ProfilePage,
                ),
              },
            ],
          },
        ],
      },
      { path: '*', element: <NotFoundPage /> },
    ],
  },
];

export const router = createBrowserRouter(routes);
