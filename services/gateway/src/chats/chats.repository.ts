import { and, eq, inArray, sql } from 'drizzle-orm';
import type { NodePgDatabase } from 'drizzle-orm/node-postgres';
import type * as schema from '../schema.ts';
import { users } from '../users/users.schema.ts';
import { type ChatRow, chatInvitations, chatMembers, chats } from './chats.schema.ts';

type Db = NodePgDatabase<typeof schema>;
export type ChatTransaction = Parameters<Parameters<Db['transaction']>[0]>[0];

export interface MemberRow {
  chatId: string;
  userId: string;
  name: string;
  email: string;
  photoKey: string | null;
}

/** All SQL of the chats feature (messages live in the chat service, not here). */
export class ChatsRepository {
  readonly #db: Db;

  constructor(db: Db) {
    this.#db = db;
  }

  transaction<T>(work: (tx: ChatTransaction) => Promise<T>): Promise<T> {
    return this.#db.transaction(work);
  }

  /** Active users with these e-mails; the caller compares to find unknown ones. */
  async activeUsersByEmail(emails: readonly string[]): Promise<{ id: string; email: string }[]> {
    if (emails.length === 0) return [];
    return this.#db
      .select({ id: users.id, email: users.email })
      .from(users)
      .where(and(inArray(users.email, [...emails]), eq(users.active, true)));
  }

  async insertChat(
    tx: ChatTransaction,
    values: { title: string | null; createdBy: string },
    memberIds: readonly string[],
  ): Promise<ChatRow> {
    const [chat] = await tx.insert(chats).values(values).returning();
    if (chat === undefined) throw new Error('insert into chats returned no row');
    await tx
      .insert(chatMembers)
      .values(memberIds.map((userId) => ({ chatId: chat.id, userId, addedBy: values.createdBy })));
    return chat;
  }

  /** Adds members, skipping existing ones; returns the ids actually added. */
  async addMembers(
    tx: ChatTransaction,
    chatId: string,
    userIds: readonly string[],
    addedBy: string,
  ): Promise<string[]> {
    if (userIds.length === 0) return [];
    const added = await tx
      .insert(chatMembers)
      .values(userIds.map((userId) => ({ chatId, userId, addedBy })))
      .onConflictDoNothing()
      .returning({ userId: chatMembers.userId });
    return added.map((row) => row.userId);
  }

  async invite(tx: ChatTransaction, chatId: string, emails: readonly string[], invitedBy: string) {
    if (emails.length === 0) return;
    await tx
      .insert(chatInvitations)
      .values(emails.map((email) => ({ chatId, email, invitedBy })))
      .onConflictDoNothing();
  }

  /**
   * Turns the user's pending invitations into memberships, in one statement per table; returns the
   * memberships made, with who invited them. Invitations to chats the user is already in just go.
   */
  async acceptInvitations(
    tx: ChatTransaction,
    userId: string,
  ): Promise<{ chatId: string; addedBy: string }[]> {
    const result = await tx.execute<{ chat_id: string; added_by: string }>(sql`
      with accepted as (
        delete from chat_invitations
         where email = (select email from users where id = ${userId} and active)
        returning chat_id, invited_by
      )
      insert into chat_members (chat_id, user_id, added_by)
      select chat_id, ${userId}, invited_by from accepted
      on conflict do nothing
      returning chat_id, added_by`);
    return result.rows.map((row) => ({ chatId: row.chat_id, addedBy: row.added_by }));
  }

  async isMember(chatId: string, userId: string): Promise<boolean> {
    const [row] = await this.#db
      .select({ chatId: chatMembers.chatId })
      .from(chatMembers)
      .where(and(eq(chatMembers.chatId, chatId), eq(chatMembers.userId, userId)));
    return row !== undefined;
  }

  async findChat(chatId: string): Promise<ChatRow | undefined> {
    const [chat] = await this.#db.select().from(chats).where(eq(chats.id, chatId));
    return chat;
  }

  /** The user's chats, newest first. */
  async chatsOf(userId: string): Promise<ChatRow[]> {
    return this.#db
      .select({ id: chats.id, title: chats.title, createdBy: chats.createdBy, createdAt: chats.createdAt })
      .from(chats)
      .innerJoin(chatMembers, eq(chatMembers.chatId, chats.id))
      .where(eq(chatMembers.userId, userId))
      .orderBy(chats.createdAt);
  }

  async membersOf(chatIds: readonly string[]): Promise<MemberRow[]> {
    if (chatIds.length === 0) return [];
    return this.#db
      .select({
        chatId: chatMembers.chatId,
        userId: users.id,
        name: users.name,
        email: users.email,
        photoKey: users.photoKey,
      })
      .from(chatMembers)
      .innerJoin(users, eq(users.id, chatMembers.userId))
      .where(inArray(chatMembers.chatId, [...chatIds]))
      .orderBy(chatMembers.joinedAt);
  }
}
