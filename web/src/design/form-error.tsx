import { formError } from '../lib/form-errors.ts';
import { Banner } from './banner.tsx';

/** A failed submit's message above the form, unless its fields already show it. */
export function FormError({ error }: { error: unknown }) {
  const message = formError(error);
  return message === undefined ? null : <Banner tone="error">{message}</Banner>;
}
