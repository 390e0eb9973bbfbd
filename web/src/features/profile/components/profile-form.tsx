import { zodResolver } from '@hookform/resolvers/zod';
import { UpdateProfileBody, type UserProfile } from '@relay/contracts';
import { useForm } from 'react-hook-form';
import { useBlocker } from 'react-router';
import { Button } from '../../../design/button.tsx';
import { Dialog } from '../../../design/dialog.tsx';
import { FormError } from '../../../design/form-error.tsx';
import { TextField } from '../../../design/text-field.tsx';
import { useToast } from '../../../design/toast.tsx';
import { applyFieldErrors, fieldMessage, formSchemaOptions } from '../../../lib/form-errors.ts';
import { useUpdateProfile } from '../hooks/use-update-profile.ts';

const BIO_MAX = 500;

/** Name and bio, validated by the same schema the gateway applies; leaving with unsaved edits asks first. */
export function ProfileForm({ profile }: { profile: UserProfile }) {
  const form = useForm({
    resolver: zodResolver(UpdateProfileBody, formSchemaOptions),
    values: { name: profile.name, bio: profile.bio },
    // The profile is refetched now and then (photo URLs expire): that must not undo what is being typed.
    resetOptions: { keepDirtyValues: true },
  });
  const update = useUpdateProfile();
  const toast = useToast();
  const { errors, isDirty } = form.formState;
  const blocker = useBlocker(isDirty && !update.isPending);
  const bioLength = form.watch('bio')?.length ?? 0;

  const save = form.handleSubmit((body) =>
    update.mutate(body, {
      onSuccess: (saved) => {
        form.reset({ name: saved.name, bio: saved.bio });
        toast('Profile saved');
      },
      onError: (error) => applyFieldErrors(error, form.setError),
    }),
  );

  return (
    <form className="stack" noValidate onSubmit={save}>
      <FormError error={update.error} />
      <TextField
        label="Name"
        autoComplete="name"
        error={fieldMessage('Name', errors.name?.message)}
        {...form.register('name')}
      />
      <TextField
        label="Bio"
        multiline
        rows={4}
        hint={`${bioLength}/${BIO_MAX} · A line or two about you, shown to people you chat with.`}
        error={fieldMessage('Bio', errors.bio?.message)}
        {...form.register('bio')}
      />
      <div className="form-actions">
        <Button type="submit" busy={update.isPending}>
          Save changes
        </Button>
      </div>
      <Dialog
        open={blocker.state === 'blocked'}
        onOpenChange={(open) => open || blocker.reset?.()}
        title="Discard unsaved changes?"
        description="Your edits to your profile haven’t been saved."
        actions={
          <>
            <Button variant="secondary" onClick={() => blocker.reset?.()}>
              Keep editing
            </Button>
            <Button variant="danger" onClick={() => blocker.proceed?.()}>
              Discard changes
            </Button>
          </>
        }
      />
    </form>
  );
}
