/** The signed-in user's profile in the query cache; every change to it writes here so the header follows. */
export const profileQueryKey = ['users', 'me'] as const;
