/** "Password" + "must be at least 10 characters" → "Password must be at least 10 characters." */
export function fieldMessage(label: string, message: string | undefined): string | undefined {
  if (message === undefined) return undefined;
  const sentence = /^[a-z]/.test(message) ? `${label} ${message}` : message;
  return sentence.endsWith('.') ? sentence : `${sentence}.`;
}
