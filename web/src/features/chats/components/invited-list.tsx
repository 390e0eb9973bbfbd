/** The addresses the gateway answered as invited: shown as it said them, nothing inferred. */
export function InvitedList({ invited }: { invited: readonly string[] }) {
  if (invited.length === 0) return null;
  return (
    <div className="stack">
      <p>Invited (they join this chat when they sign in):</p>
      <ul className="invited-list">
        {invited.map((email) => (
          <li key={email}>{email}</li>
        ))}
      </ul>
    </div>
  );
}
