/**
 * The problem `code` of a failed API call (`network` when nothing answered), read from the error
 * itself so that a public page need not load the API client to tell its failures apart.
 */
export function errorCode(error: unknown): string | undefined {
  if (!(error instanceof Error) || !('code' in error)) return undefined;
  return typeof error.code === 'string' ? error.code : undefined;
}
