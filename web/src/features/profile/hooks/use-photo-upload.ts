import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useEffect, useState } from 'react';
import { profileApi } from '../api/profile-api.ts';
import { profileQueryKey } from './profile-query-key.ts';

/** Uploads a new photo with its progress and a local preview until the gateway's resized one arrives. */
export function usePhotoUpload() {
  const queryClient = useQueryClient();
  const [progress, setProgress] = useState(0);
  const [preview, setPreview] = useState<string>();
  const upload = useMutation({
    mutationFn: (photo: File) => profileApi.uploadPhoto(photo, setProgress),
    onMutate: (photo) => {
      setProgress(0);
      setPreview(URL.createObjectURL(photo));
    },
    onSuccess: (profile) => queryClient.setQueryData(profileQueryKey, profile),
    onSettled: () => setPreview(undefined),
  });
  useEffect(() => (preview === undefined ? undefined : () => URL.revokeObjectURL(preview)), [preview]);
  return { ...upload, progress, preview };
}
