import type { ChatWithInvites } from '@relay/contracts';
import { type FormEvent, useId, useState } from 'react';
import { Button } from '../../../design/button.tsx';
import { Dialog } from '../../../design/dialog.tsx';
import { FormError } from '../../../design/form-error.tsx';
import { useAddMembers } from '../hooks/use-add-members.ts';
import { InvitedList } from './invited-list.tsx';
import { memberEmailsError, parseMemberEmails } from './member-emails.ts';
import { MemberEmailsField } from './member-emails-field.tsx';

interface AddMembersDialogProps {
  chatId: string;
  open: boolean;
  onOpenChange: (open: boolean) => void;
}

export function AddMembersDialog({ chatId, open, onOpenChange }: AddMembersDialogProps) {
  const formId = useId();
  const add = useAddMembers(chatId);
  const [emails, setEmails] = useState('');
  const [error, setError] = useState<string>();
  const [added, setAdded] = useState<ChatWithInvites>();

  const close = (next: boolean) => {
    if (next) return onOpenChange(true);
    setEmails('');
    setError(undefined);
    setAdded(undefined);
    add.reset();
    onOpenChange(false);
  };

  const submit = (event: FormEvent) => {
    event.preventDefault();
    const list = parseMemberEmails(emails);
    const invalid = list.length === 0 ? "Members' emails must not be empty." : memberEmailsError(list);
    setError(invalid);
    if (invalid !== undefined) return;
    add.mutate(list, { onSuccess: (chat) => (chat.invited.length === 0 ? close(false) : setAdded(chat)) });
  };

  if (added !== undefined)
    return (
      <Dialog
        open={open}
        onOpenChange={close}
        title="People added"
        actions={<Button onClick={() => close(false)}>Done</Button>}
      >
        <InvitedList invited={added.invited} />
      </Dialog>
    );

  return (
    <Dialog
      open={open}
      onOpenChange={close}
      title="Add people"
      actions={
        <>
          <Button variant="secondary" onClick={() => close(false)}>
            Cancel
          </Button>
          <Button type="submit" form={formId} busy={add.isPending}>
            Add
          </Button>
        </>
      }
    >
      <form id={formId} className="stack" noValidate onSubmit={submit}>
        <FormError error={add.error} />
        <MemberEmailsField value={emails} onChange={setEmails} error={error} />
      </form>
    </Dialog>
  );
}
