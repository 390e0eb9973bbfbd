import { MessageBody } from '@relay/contracts';
import { type FormEvent, type KeyboardEvent, useRef, useState } from 'react';
import { Button } from '../../../design/button.tsx';
import { TextField } from '../../../design/text-field.tsx';
import { fieldMessage, formSchemaOptions } from '../../../lib/form-errors.ts';

/** Typing frames go out at most this often while the user types. */
const TYPING_EVERY_MS = 2_500;

interface ComposerProps {
  onSend: (body: string) => void;
  onTyping: () => void;
}

/** Enter sends, Shift+Enter starts a new line; while an IME is composing (CJK input), Enter is its own. */
export function Composer({ onSend, onTyping }: ComposerProps) {
  const [body, setBody] = useState('');
  const [error, setError] = useState<string>();
  const lastTyping = useRef(0);

  const send = (event?: FormEvent) => {
    event?.preventDefault();
    if (body.trim() === '') return;
    const checked = MessageBody.safeParse(body, formSchemaOptions);
    if (!checked.success) return setError(fieldMessage('Message', checked.error.issues[0]?.message));
    onSend(body);
    setBody('');
    setError(undefined);
    lastTyping.current = 0;
  };

  const onKeyDown = (event: KeyboardEvent<HTMLTextAreaElement>) => {
    if (event.key !== 'Enter' || event.shiftKey || event.nativeEvent.isComposing) return;
    event.preventDefault();
    send();
  };

  return (
    <form className="composer" onSubmit={send} noValidate>
      <TextField
        label="Message"
        labelHidden
        multiline
        rows={2}
        placeholder="Write a message"
        error={error}
        value={body}
        onKeyDown={onKeyDown}
        onChange={(event) => {
          setBody(event.target.value);
          const now = Date.now();
          if (now - lastTyping.current > TYPING_EVERY_MS) {
            lastTyping.current = now;
            onTyping();
          }
        }}
      />
      <Button type="submit">Send</Button>
    </form>
  );
}
