-- Timestamps from year 0001 on, as PostgreSQL holds them (it has no year 0, and the contract's
-- ISO format allows "0000"): both stores refuse the same events, and the consumer sets them aside.
create trigger chats_created_at_range before insert on chats when new.created_at < '0001'
  begin select raise(abort, 'chats.created_at: before year 0001'); end;
--> statement-breakpoint
create trigger chat_members_joined_at_range before insert on chat_members when new.joined_at < '0001'
  begin select raise(abort, 'chat_members.joined_at: before year 0001'); end;
--> statement-breakpoint
create trigger messages_sent_at_range before insert on messages when new.sent_at < '0001'
  begin select raise(abort, 'messages.sent_at: before year 0001'); end;
--> statement-breakpoint
create trigger read_positions_read_at_range before insert on read_positions when new.read_at < '0001'
  begin select raise(abort, 'read_positions.read_at: before year 0001'); end;
