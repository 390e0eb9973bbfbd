/** Every table of the gateway, for drizzle's typed queries and drizzle-kit's migrations. */

export * from './chats/chats.schema.ts';
export * from './users/users.schema.ts';
