/** The signed-in user's job history (pages, newest first) in the query cache. */
export const conversionsQueryKey = ['conversions'] as const;
