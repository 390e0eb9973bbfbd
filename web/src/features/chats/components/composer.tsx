import { MessageBody } from '@relay/contracts';
import { type FormEvent, type KeyboardEvent, useEffect, useRef, useState } from 'react';
import { useParams } from 'react-router';
import { Button } from '../../../design/button.tsx';
import { TextField } from '../../../design/text-field.tsx';
import { fieldMessage, formSchemaOptions } from '../../../lib/form-errors.ts';
import { useProfile } from '../../profile/hooks/use-profile.ts';
import { useMessageDraft } from '../hooks/use-message-draft.ts';

/** Typing frames go out at most this often while the user types. */
const TYPING_EVERY_MS = 2_500;

interface ComposerProps {
  onSend: (body: string) => void;
  onTyping: () => void;
}

/**
 * Enter sends, Shift+Enter starts a new line; while an IME is composing (CJK input), Enter is its own.
 * What is typed is the chat's draft until sent; messages that could not be sent come back into it.
 */
export function Composer({ onSend, onTyping }: ComposerProps) {
  const { chatId } = useParams();
  const draft = useMessageDraft(useProfile().data?.id, chatId);
  const body = draft.text;
  const [error, setError] = useState<string>();
  const lastTyping = useRef(0);
  const form = useRef<HTMLFormElement>(null);

  // Opening a room is for writing in it; on touch screens the keyboard would cover the room.
  useEffect(() => {
    if (window.matchMedia?.('(pointer: coarse)').matches) return;
    form.current?.querySelector('textarea')?.focus();
  }, []);

  const send = (event?: FormEvent) => {
    event?.preventDefault();
    if (body.trim() === '') return;
    const checked = MessageBody.safeParse(body, formSchemaOptions);
    if (!checked.success) return setError(fieldMessage('Message', checked.error.issues[0]?.message));
    onSend(body);
    draft.sent();
    setError(undefined);
    lastTyping.current = 0;
  };

  const onKeyDown = (event: KeyboardEvent<HTMLTextAreaElement>) => {
    if (event.key !== 'Enter' || event.shiftKey || event.nativeEvent.isComposing) return;
    event.preventDefault();
    send();
  };

  return (
    <form className="composer" onSubmit={send} noValidate ref={form}>
      <TextField
        label="Message"
        labelHidden
        multiline
        rows={2}
        placeholder="Write a message"
        error={error}
        hint={draft.notSent ? 'Not sent — kept as a draft' : undefined}
        value={body}
        onKeyDown={onKeyDown}
        onChange={(event) => {
          draft.change(event.target.value);
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
