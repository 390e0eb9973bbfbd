create table chats (
  chat_id uuid primary key,
  title text,
  created_by uuid not null,
  created_at timestamptz not null
);
--> statement-breakpoint
create table chat_members (
  chat_id uuid not null,
  user_id uuid not null,
  joined_at timestamptz not null,
  primary key (chat_id, user_id)
);
--> statement-breakpoint
create index chat_members_user on chat_members (user_id);
--> statement-breakpoint
create table messages (
  seq bigserial primary key,
  message_id text not null unique,
  chat_id uuid not null,
  sender_id uuid not null,
  client_msg_id text not null,
  body text not null,
  sent_at timestamptz not null
);
--> statement-breakpoint
create index messages_chat_seq on messages (chat_id, seq);
--> statement-breakpoint
create table read_positions (
  chat_id uuid not null,
  user_id uuid not null,
  message_seq bigint not null,
  message_id text not null,
  read_at timestamptz not null,
  primary key (chat_id, user_id)
);
