/** The signed-in user's chats in the query cache; live messages write here so the list follows. */
export const chatsQueryKey = ['chats'] as const;
