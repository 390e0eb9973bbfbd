create table chats (
  chat_id text primary key,
  title text,
  created_by text not null,
  created_at text not null
);
--> statement-breakpoint
create table chat_members (
  chat_id text not null,
  user_id text not null,
  joined_at text not null,
  primary key (chat_id, user_id)
);
--> statement-breakpoint
create index chat_members_user on chat_members (user_id);
--> statement-breakpoint
create table messages (
  seq integer primary key autoincrement,
  message_id text not null unique,
  chat_id text not null,
  sender_id text not null,
  client_msg_id text not null,
  body text not null,
  sent_at text not null
);
--> statement-breakpoint
create index messages_chat_seq on messages (chat_id, seq);
--> statement-breakpoint
create table read_positions (
  chat_id text not null,
  user_id text not null,
  message_seq integer not null,
  message_id text not null,
  read_at text not null,
  primary key (chat_id, user_id)
);
