import { type ChatWithInvites, CreateChatBody } from '@relay/contracts';
import { type FormEvent, useId, useState } from 'react';
import { useNavigate } from 'react-router';
import { Button } from '../../../design/button.tsx';
import { Dialog } from '../../../design/dialog.tsx';
import { FormError } from '../../../design/form-error.tsx';
import { TextField } from '../../../design/text-field.tsx';
import { fieldMessage, formSchemaOptions } from '../../../lib/form-errors.ts';
import { useCreateChat } from '../hooks/use-create-chat.ts';
import { InvitedList } from './invited-list.tsx';
import { memberEmailsError, parseMemberEmails } from './member-emails.ts';
import { MemberEmailsField } from './member-emails-field.tsx';

interface FieldErrors {
  title?: string | undefined;
  members?: string | undefined;
}

/** Title and members by e-mail, checked by the schema the gateway applies; then the new room. */
export function NewChatDialog({
  open,
  onOpenChange,
}: {
  open: boolean;
  onOpenChange: (open: boolean) => void;
}) {
  const formId = useId();
  const navigate = useNavigate();
  const create = useCreateChat();
  const [title, setTitle] = useState('');
  const [emails, setEmails] = useState('');
  const [errors, setErrors] = useState<FieldErrors>({});
  const [created, setCreated] = useState<ChatWithInvites>();

  const close = (next: boolean) => {
    if (next) return onOpenChange(true);
    setTitle('');
    setEmails('');
    setErrors({});
    setCreated(undefined);
    create.reset();
    onOpenChange(false);
  };

  const submit = (event: FormEvent) => {
    event.preventDefault();
    const memberEmails = parseMemberEmails(emails);
    const body = CreateChatBody.safeParse(
      { title: title.trim() === '' ? undefined : title.trim(), memberEmails },
      formSchemaOptions,
    );
    if (!body.success) {
      const titleIssue = body.error.issues.find((issue) => issue.path[0] === 'title');
      setErrors({
        title: fieldMessage('Title', titleIssue?.message),
        members: memberEmailsError(memberEmails) ?? (titleIssue ? undefined : body.error.issues[0]?.message),
      });
      return;
    }
    setErrors({});
    create.mutate(body.data, {
      onSuccess: (chat) => {
        if (chat.invited.length === 0) {
          close(false);
          void navigate(`/chats/${chat.id}`);
        } else setCreated(chat);
      },
    });
  };

  if (created !== undefined)
    return (
      <Dialog
        open={open}
        onOpenChange={close}
        title="Chat created"
        actions={
          <Button
            onClick={() => {
              close(false);
              void navigate(`/chats/${created.id}`);
            }}
          >
            Open chat
          </Button>
        }
      >
        <InvitedList invited={created.invited} />
      </Dialog>
    );

  return (
    <Dialog
      open={open}
      onOpenChange={close}
      title="New chat"
      actions={
        <>
          <Button variant="secondary" onClick={() => close(false)}>
            Cancel
          </Button>
          <Button type="submit" form={formId} busy={create.isPending}>
            Create chat
          </Button>
        </>
      }
    >
      <form id={formId} className="stack" noValidate onSubmit={submit}>
        <FormError error={create.error} />
        <TextField
          label="Title"
          autoComplete="off"
          hint="Optional: without one, the chat is named after its members."
          error={errors.title}
          value={title}
          onChange={(event) => setTitle(event.target.value)}
        />
        <MemberEmailsField value={emails} onChange={setEmails} error={errors.members} />
      </form>
    </Dialog>
  );
}
