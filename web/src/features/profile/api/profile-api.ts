import { type UpdateProfileBody, UserProfile } from '@relay/contracts';
import { api } from '../../../lib/api/api.ts';

/** The gateway's /api/users/me endpoints. */
export const profileApi = {
  get: () => api.request('/api/users/me', { schema: UserProfile }),
  update: (body: UpdateProfileBody) =>
    api.request('/api/users/me', { method: 'PATCH', body, schema: UserProfile }),
  uploadPhoto: (photo: File, onUploadProgress: (fraction: number) => void) => {
    const body = new FormData();
    body.append('photo', photo);
    return api.request('/api/users/me/photo', { method: 'PUT', body, schema: UserProfile, onUploadProgress });
  },
  removePhoto: () => api.request('/api/users/me/photo', { method: 'DELETE', schema: UserProfile }),
};
