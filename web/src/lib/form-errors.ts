import type { FieldValues, Path, UseFormSetError } from 'react-hook-form';
import { ApiError, errorMessage } from './api/api-error.ts';

/**
 * The contracts' messages ("must be at least 10 characters") are kept; where a schema has none, Zod's
 * own wording ("Too small: expected string to have >=1 characters") is for developers, so it is replaced.
 */
export const formSchemaOptions = {
  error: (issue: { code: string; origin?: string; minimum?: unknown; maximum?: unknown }) => {
    if (issue.origin !== 'string') return undefined;
    if (issue.code === 'too_small')
      return issue.minimum === 1 ? 'must not be empty' : `must be at least ${issue.minimum} characters`;
    if (issue.code === 'too_big') return `must be at most ${issue.maximum} characters`;
    return undefined;
  },
};

// Its own module, so that a public page can use it without loading the API client's error class.
export { fieldMessage } from './field-message.ts';

/**
 * Puts the gateway's per-field validation errors on the fields they name; returns whether it did, so
 * the caller shows a banner for any other error.
 */
export function applyFieldErrors<T extends FieldValues>(
  error: unknown,
  setError: UseFormSetError<T>,
): boolean {
  if (!(error instanceof ApiError) || error.fieldErrors.length === 0) return false;
  for (const { path, message } of error.fieldErrors) {
    setError(path.replace(/^\/?body[./]?/, '').replace(/^\//, '') as Path<T>, { message });
  }
  return true;
}

/** The message for a banner above the form, unless the error was already shown on its fields. */
export function formError(error: unknown): string | undefined {
  if (error === null || error === undefined) return undefined;
  if (error instanceof ApiError && error.fieldErrors.length > 0) return undefined;
  return errorMessage(error);
}
