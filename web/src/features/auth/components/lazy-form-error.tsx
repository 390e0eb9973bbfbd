import { lazy, Suspense } from 'react';

// Its wording comes with the API client's error class, which only a failed call has loaded.
const FormError = lazy(() =>
  import('../../../design/form-error.tsx').then((module) => ({ default: module.FormError })),
);

/** `FormError` for the public pages: nothing to load until a call has failed. */
export function LazyFormError({ error }: { error: unknown }) {
  if (error === null || error === undefined) return null;
  return (
    <Suspense fallback={null}>
      <FormError error={error} />
    </Suspense>
  );
}
