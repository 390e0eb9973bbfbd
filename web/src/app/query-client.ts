import { QueryClient } from '@tanstack/react-query';

/** An API error's status (read without loading the API client): a 4xx will answer the same again. */
const isClientError = (error: unknown) => {
  const status = (error as { status?: unknown } | null)?.status;
  return typeof status === 'number' && status >= 400 && status < 500;
};

/** The one query cache, shared by the public pages and the signed-in app: nothing is asked twice. */
export const queryClient = new QueryClient({
  defaultOptions: {
    queries: {
      // Only network trouble and 5xx are worth retrying.
      retry: (failures, error) => failures < 2 && !isClientError(error),
      refetchOnWindowFocus: false,
    },
  },
});
