/** A count that draws the eye (unread messages); `label` completes it for screen readers ("3 unread"). */
export function Badge({ count, label }: { count: number; label: string }) {
  return (
    <span className="badge">
      {count > 99 ? '99+' : count}
      <span className="visually-hidden"> {label}</span>
    </span>
  );
}
