/**
 * Versioned schema changes, one list per dialect, applied in order at start-up and recorded in
 * `schema_migrations`. Append only: a released step is never edited.
 */
export const sqliteMigrations: readonly string[] = [
  `create table chats (
     chat_id text primary key,
     title text,
     created_by text not null,
     created_at text not null
   );
   create table chat_members (
     chat_id text not null,
     user_id text not null,
     joined_at text not null,
     primary key (chat_id, user_id)
   );
   create index chat_members_user on chat_members (user_id);
   create table messages (
     seq integer primary key autoincrement,
     message_id text not null unique,
     chat_id text not null,
     sender_id text not null,
     client_msg_id text not null,
     body text not null,
     sent_at text not null
   );
   create index messages_chat_seq on messages (chat_id, seq);
   create table read_positions (
     chat_id text not null,
     user_id text not null,
     message_seq integer not null,
     message_id text not null,
     read_at text not null,
     primary key (chat_id, user_id)
   );`,
  // Timestamps from year 0001 on, as PostgreSQL holds them (it has no year 0, and the contract's
  // ISO format allows "0000"): both stores refuse the same events, and the consumer sets them aside.
  `create trigger chats_created_at_range before insert on chats when new.created_at < '0001'
     begin select raise(abort, 'chats.created_at: before year 0001'); end;
   create trigger chat_members_joined_at_range before insert on chat_members when new.joined_at < '0001'
     begin select raise(abort, 'chat_members.joined_at: before year 0001'); end;
   create trigger messages_sent_at_range before insert on messages when new.sent_at < '0001'
     begin select raise(abort, 'messages.sent_at: before year 0001'); end;
   create trigger read_positions_read_at_range before insert on read_positions when new.read_at < '0001'
     begin select raise(abort, 'read_positions.read_at: before year 0001'); end;`,
];

export const postgresMigrations: readonly string[] = [
  `create table chats (
     chat_id uuid primary key,
     title text,
     created_by uuid not null,
     created_at timestamptz not null
   );
   create table chat_members (
     chat_id uuid not null,
     user_id uuid not null,
     joined_at timestamptz not null,
     primary key (chat_id, user_id)
   );
   create index chat_members_user on chat_members (user_id);
   create table messages (
     seq bigserial primary key,
     message_id text not null unique,
     chat_id uuid not null,
     sender_id uuid not null,
     client_msg_id text not null,
     body text not null,
     sent_at timestamptz not null
   );
   create index messages_chat_seq on messages (chat_id, seq);
   create table read_positions (
     chat_id uuid not null,
     user_id uuid not null,
     message_seq bigint not null,
     message_id text not null,
     read_at timestamptz not null,
     primary key (chat_id, user_id)
   );`,
];
