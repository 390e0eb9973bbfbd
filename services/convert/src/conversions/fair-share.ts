/** BullMQ's highest priority number: past it, turns stop alternating and the queue is first come, first served. */
const LAST_TURN = 2 ** 21 - 1;

/** What the queue looked like for one owner when their job came in. */
export interface QueueSnapshot {
  /** The highest turn among the owner's jobs still queued or converting (0: none). */
  ownerLastTurn: number;
  /** The lowest turn among every owner's jobs still waiting to start (undefined: none waits). */
  lowestWaitingTurn: number | undefined;
}

/**
 * A job's turn, its BullMQ priority (lower starts first, equal ones in order of arrival): one past the
 * owner's own last job, and never before the jobs now waiting their turn. So each owner's jobs run in
 * the order sent, and a newcomer joins the round being served instead of queuing behind a flood: with
 * 60 of Ada's jobs waiting at turns 4…63, Grace's one job gets turn 4 and starts after one of Ada's.
 * Turns restart at 1 whenever nothing waits.
 */
export function nextTurn({ ownerLastTurn, lowestWaitingTurn }: QueueSnapshot): number {
  return Math.min(LAST_TURN, Math.max(ownerLastTurn + 1, lowestWaitingTurn ?? 1));
}
