import { Banner } from '../../../design/banner.tsx';
import { Button } from '../../../design/button.tsx';
import { Card } from '../../../design/card.tsx';
import { Skeleton } from '../../../design/spinner.tsx';
import { errorMessage } from '../../../lib/api/api-error.ts';
import { useProfile } from '../hooks/use-profile.ts';
import { PhotoEditor } from './photo-editor.tsx';
import { ProfileForm } from './profile-form.tsx';

export function ProfilePage() {
  const profile = useProfile();
  return (
    <div className="page page--narrow">
      <div className="page__header">
        <h1>Profile</h1>
        <p className="muted">How you appear to the people you chat with.</p>
      </div>
      {profile.isPending && <ProfileSkeleton />}
      {profile.isError && (
        <Banner tone="error">
          {errorMessage(profile.error)}
          <div>
            <Button variant="secondary" onClick={() => void profile.refetch()}>
              Try again
            </Button>
          </div>
        </Banner>
      )}
      {profile.isSuccess && (
        <Card className="stack">
          <PhotoEditor profile={profile.data} />
          <p className="muted">
            Signed in as <strong>{profile.data.email}</strong>
          </p>
          <ProfileForm profile={profile.data} />
        </Card>
      )}
    </div>
  );
}

function ProfileSkeleton() {
  return (
    <Card className="stack" aria-busy="true" aria-label="Loading profile">
      <Skeleton width="6rem" height="6rem" round />
      <Skeleton width="40%" />
      <Skeleton height="2.75rem" />
      <Skeleton height="6rem" />
    </Card>
  );
}
