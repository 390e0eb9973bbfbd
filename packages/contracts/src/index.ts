export * from './channel-events.ts';
export * from './chats.ts';
export * from './conversions.ts';
export * from './events.ts';
export * from './problem.ts';
export * from './topics.ts';
export * from './users.ts';
export * from './ws.ts';
