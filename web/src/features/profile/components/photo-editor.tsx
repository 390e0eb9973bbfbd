import type { UserProfile } from '@relay/contracts';
import { type ChangeEvent, useRef, useState } from 'react';
import { Avatar } from '../../../design/avatar.tsx';
import { Banner } from '../../../design/banner.tsx';
import { Button } from '../../../design/button.tsx';
import { ProgressBar } from '../../../design/progress-bar.tsx';
import { useToast } from '../../../design/toast.tsx';
import { errorMessage } from '../../../lib/api/api-error.ts';
import { usePhotoUpload } from '../hooks/use-photo-upload.ts';
import { useRemovePhoto } from '../hooks/use-remove-photo.ts';

const ACCEPTED_TYPES = ['image/png', 'image/jpeg', 'image/webp'];

/** The profile photo: pick one (uploaded at once, with a preview and progress), replace it or remove it. */
export function PhotoEditor({ profile }: { profile: UserProfile }) {
  const input = useRef<HTMLInputElement>(null);
  const [choiceError, setChoiceError] = useState<string>();
  const upload = usePhotoUpload();
  const remove = useRemovePhoto();
  const toast = useToast();
  const busy = upload.isPending || remove.isPending;
  const error =
    choiceError ??
    (upload.isError ? errorMessage(upload.error) : undefined) ??
    (remove.isError ? errorMessage(remove.error) : undefined);

  const onChoose = (event: ChangeEvent<HTMLInputElement>) => {
    const file = event.target.files?.[0];
    // Cleared so choosing the same file again is a change too.
    event.target.value = '';
    if (file === undefined) return;
    if (!ACCEPTED_TYPES.includes(file.type)) {
      setChoiceError('Choose a PNG, JPEG or WebP image.');
      return;
    }
    setChoiceError(undefined);
    remove.reset();
    upload.mutate(file, { onSuccess: () => toast('Photo updated') });
  };

  return (
    <div className="photo-editor">
      <Avatar name={profile.name} src={upload.preview ?? profile.photo?.medium} size="lg" />
      <div className="photo-editor__body">
        <div className="photo-editor__actions">
          <input
            ref={input}
            type="file"
            accept={ACCEPTED_TYPES.join(',')}
            aria-label="Photo"
            className="visually-hidden"
            tabIndex={-1}
            onChange={onChoose}
          />
          <Button
            variant="secondary"
            busy={upload.isPending}
            disabled={busy}
            onClick={() => input.current?.click()}
          >
            Upload photo
          </Button>
          {profile.photo !== null && (
            <Button
              variant="danger"
              busy={remove.isPending}
              disabled={busy}
              onClick={() => {
                upload.reset();
                remove.mutate(undefined, { onSuccess: () => toast('Photo removed') });
              }}
            >
              Remove photo
            </Button>
          )}
        </div>
        {upload.isPending ? (
          <ProgressBar fraction={upload.progress} label="Uploading" />
        ) : (
          <p className="field__hint">PNG, JPEG or WebP. It’s cropped to a circle.</p>
        )}
        {error && <Banner tone="error">{error}</Banner>}
      </div>
    </div>
  );
}
