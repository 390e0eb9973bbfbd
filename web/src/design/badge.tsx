/** A count that draws the eye (unread messages); `label` completes it for screen readers ("3 unread"). */
export function Badge({ count, label }: { count: number; label: string }) {
  return (
    <span className="badge">
      <span aria-hidden>{count > 99 ? '99+' : count}</span>
      <span className="visually-hidden">{`${count} ${label}`}</span>
    </span>
  );
}
