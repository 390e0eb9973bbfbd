import { UpdateProfileBody, UserProfile } from '@relay/contracts';
import type { Authenticate, HttpApp } from '@relay/platform';
import { readUploadedFile } from './photo-upload.ts';
import type { ProfileService } from './profile.service.ts';

export interface ProfileRouteDeps {
  authenticate: Authenticate;
  profiles: ProfileService;
}

const tags = ['users'];
const security = [{ bearerAuth: [] }];

export function registerProfileRoutes(app: HttpApp, { authenticate, profiles }: ProfileRouteDeps): void {
  app.get(
    '/api/users/me',
    { schema: { tags, security, response: { 200: UserProfile } } },
    async (request) => {
      const user = await authenticate(request);
      return profiles.get(user.sub);
    },
  );

  app.patch(
    '/api/users/me',
    { schema: { tags, security, body: UpdateProfileBody, response: { 200: UserProfile } } },
    async (request) => {
      const user = await authenticate(request);
      return profiles.update(user.sub, request.body);
    },
  );

  app.put(
    '/api/users/me/photo',
    {
      schema: {
        tags,
        security,
        description:
          'multipart/form-data with one file field "photo": PNG, JPEG or WebP of at most 25 megapixels; uploads per user are rate-limited (PHOTO_UPLOADS_PER_HOUR).',
        response: { 200: UserProfile },
      },
    },
    async (request) => {
      const user = await authenticate(request);
      return profiles.setPhoto(user.sub, () => readUploadedFile(request, 'photo'));
    },
  );

  app.delete(
    '/api/users/me/photo',
    { schema: { tags, security, response: { 200: UserProfile } } },
    async (request) => {
      const user = await authenticate(request);
      return profiles.removePhoto(user.sub);
    },
  );
}
