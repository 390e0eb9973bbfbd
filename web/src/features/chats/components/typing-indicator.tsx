/** "Ada is typing…"; the region stays in the DOM so screen readers announce each change. */
export function TypingIndicator({ names }: { names: readonly string[] }) {
  const text =
    names.length === 0
      ? ''
      : names.length === 1
        ? `${names[0]} is typing…`
        : `${names.slice(0, -1).join(', ')} and ${names.at(-1)} are typing…`;
  return (
    <p className="typing-indicator muted" aria-live="polite">
      {text}
    </p>
  );
}
